import { describe, expect, it } from 'vitest';
import { createRateLimiter, strictest } from '../../../src/delivery/rate-limiter.js';
import { SlidingWindowLimiter } from '../../../src/delivery/sliding-window.js';
import { TokenBucketLimiter } from '../../../src/delivery/token-bucket.js';

describe('createRateLimiter', () => {
  it('builds the asked algorithm', () => {
    expect(createRateLimiter({ algorithm: 'token_bucket', perMinute: 10 })).toBeInstanceOf(TokenBucketLimiter);
    expect(createRateLimiter({ algorithm: 'sliding_window', perMinute: 10 })).toBeInstanceOf(SlidingWindowLimiter);
    expect(createRateLimiter({ algorithm: 'token_bucket', perMinute: 10, burst: 2 }).peek(0).limit).toBe(2);
    expect(createRateLimiter({ algorithm: 'sliding_window', perMinute: 7 }).peek(0).limit).toBe(7);
  });
});

describe('strictest', () => {
  it('is undefined without configs and the config itself for one', () => {
    expect(strictest([])).toBeUndefined();
    expect(strictest([{ algorithm: 'token_bucket', perMinute: 30 }])).toEqual({
      algorithm: 'token_bucket',
      perMinute: 30,
      burst: 30,
    });
  });

  it('takes the lowest perMinute and the lowest effective burst', () => {
    expect(
      strictest([
        { algorithm: 'token_bucket', perMinute: 60, burst: 10 },
        { algorithm: 'token_bucket', perMinute: 30 },
      ]),
    ).toEqual({ algorithm: 'token_bucket', perMinute: 30, burst: 10 });
    expect(
      strictest([
        { algorithm: 'token_bucket', perMinute: 60, burst: 100 },
        { algorithm: 'token_bucket', perMinute: 20 },
      ]),
    ).toEqual({ algorithm: 'token_bucket', perMinute: 20, burst: 20 });
  });

  it('uses sliding_window when any config asks for it (ties and otherwise)', () => {
    expect(
      strictest([
        { algorithm: 'token_bucket', perMinute: 30 },
        { algorithm: 'sliding_window', perMinute: 30 },
      ]),
    ).toEqual({ algorithm: 'sliding_window', perMinute: 30 });
    expect(
      strictest([
        { algorithm: 'sliding_window', perMinute: 60 },
        { algorithm: 'token_bucket', perMinute: 40 },
      ]),
    ).toEqual({ algorithm: 'sliding_window', perMinute: 40 });
  });
});
