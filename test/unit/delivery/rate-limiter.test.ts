import { describe, expect, it } from 'vitest';
import { createRateLimiter, replaceRateLimiter, strictest } from '../../../src/delivery/rate-limiter.js';
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

describe('replaceRateLimiter (a settings change keeps what was used)', () => {
  const T0 = 1_700_000_000_000;
  const drain = (limiter: { take(now: number): { ok: boolean } }, now: number): number => {
    let n = 0;
    while (limiter.take(now).ok) n++;
    return n;
  };

  it('a token bucket carries the tokens it has at the change, refilled up to then', () => {
    const old = new TokenBucketLimiter({ perMinute: 30 });
    expect(drain(old, T0)).toBe(30);
    // Half a minute later 15 are back; the new bucket starts from them, not from 0 (nor full).
    expect(drain(replaceRateLimiter(old, { algorithm: 'token_bucket', perMinute: 31 }, T0 + 30_000), T0 + 30_000)).toBe(15);
  });

  it('a sliding window becomes a token bucket missing only the sends still in the window, never below 0', () => {
    const old = new SlidingWindowLimiter({ limit: 10 });
    expect(drain(old, T0)).toBe(10);
    // More sends in the window than the new burst: empty, and the next token is one refill away (1 s at 60/min).
    const lowered = replaceRateLimiter(old, { algorithm: 'token_bucket', perMinute: 60, burst: 5 }, T0 + 1_000);
    expect(lowered.take(T0 + 1_000)).toEqual({ ok: false, waitMs: 1_000 });
    // Once the sends left the window, nothing of them is carried: full.
    expect(drain(replaceRateLimiter(old, { algorithm: 'token_bucket', perMinute: 60, burst: 5 }, T0 + 60_000), T0 + 60_000)).toBe(5);
  });

  it('a token bucket becomes a window with its missing tokens as sends, a float short of a whole one not counted', () => {
    const old = new TokenBucketLimiter({ perMinute: 9 });
    expect(drain(old, T0)).toBe(9);
    // 40 s later 6 of 9 are back (5.999999999999999 in floating point): 3 used, so 6 more fit in the window.
    expect(drain(replaceRateLimiter(old, { algorithm: 'sliding_window', perMinute: 9 }, T0 + 40_000), T0 + 40_000)).toBe(6);
  });

  it('without an old limiter, a fresh one', () => {
    expect(drain(replaceRateLimiter(undefined, { algorithm: 'sliding_window', perMinute: 4 }, T0), T0)).toBe(4);
    expect(drain(replaceRateLimiter(undefined, { algorithm: 'token_bucket', perMinute: 4, burst: 2 }, T0), T0)).toBe(2);
  });
});
