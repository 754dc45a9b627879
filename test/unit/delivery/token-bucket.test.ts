import { describe, expect, it } from 'vitest';
import { TokenBucketLimiter } from '../../../src/delivery/token-bucket.js';

const T0 = 1_700_000_000_000;

describe('TokenBucketLimiter', () => {
  it('starts full with burst = perMinute by default (the seed behaviour)', () => {
    const bucket = new TokenBucketLimiter({ perMinute: 30 });
    expect(bucket.peek(T0)).toEqual({ remaining: 30, limit: 30, resetMs: 0 });
    for (let i = 0; i < 30; i++) expect(bucket.take(T0)).toEqual({ ok: true });
    expect(bucket.take(T0)).toEqual({ ok: false, waitMs: 2_000 });
    expect(bucket.peek(T0)).toEqual({ remaining: 0, limit: 30, resetMs: 60_000 });
  });

  it('refills perMinute/60000 tokens per ms', () => {
    const bucket = new TokenBucketLimiter({ perMinute: 60, burst: 1 });
    expect(bucket.take(T0).ok).toBe(true);
    expect(bucket.take(T0 + 400)).toEqual({ ok: false, waitMs: 600 });
    expect(bucket.take(T0 + 999).ok).toBe(false);
    expect(bucket.take(T0 + 1_000).ok).toBe(true);
    expect(bucket.take(T0 + 1_000)).toEqual({ ok: false, waitMs: 1_000 });
  });

  it('never holds more than burst', () => {
    const bucket = new TokenBucketLimiter({ perMinute: 60, burst: 3 });
    expect(bucket.peek(T0 + 3_600_000).remaining).toBe(3);
    for (let i = 0; i < 3; i++) bucket.take(T0 + 3_600_000);
    expect(bucket.take(T0 + 3_600_000).ok).toBe(false);
  });

  it('lets exactly perMinute + burst through in the first minute', () => {
    const bucket = new TokenBucketLimiter({ perMinute: 10, burst: 5 });
    let sent = 0;
    for (let t = 0; t < 60_000; t += 100) if (bucket.take(T0 + t).ok) sent++;
    // 5 at once, then one every 6 s: at 6, 12, …, 54 s → 9 more (60 s is outside the loop).
    expect(sent).toBe(14);
  });

  it('does not refill when the clock steps back', () => {
    const bucket = new TokenBucketLimiter({ perMinute: 60, burst: 1 });
    bucket.take(T0);
    expect(bucket.take(T0 - 10_000).ok).toBe(false);
    expect(bucket.take(T0 + 1_000).ok).toBe(true);
  });

  // A clock far ahead, then set right (a VM restored, an RTC wrong until NTP): the bucket refilled nothing until
  // the wrong time came again, so after its burst the webhook sent nothing for hours.
  it('refills again once a clock far ahead is set right, not only when the wrong time comes again', () => {
    const bucket = new TokenBucketLimiter({ perMinute: 60, burst: 1 });
    expect(bucket.take(T0 + 3_600_000).ok).toBe(true);
    expect(bucket.take(T0).ok).toBe(false);
    expect(bucket.take(T0 + 1_000).ok).toBe(true);
    expect(bucket.take(T0 + 1_000)).toEqual({ ok: false, waitMs: 1_000 });
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects perMinute %s', (perMinute) => {
    expect(() => new TokenBucketLimiter({ perMinute })).toThrow(RangeError);
  });

  it('rejects a bad burst', () => {
    expect(() => new TokenBucketLimiter({ perMinute: 5, burst: 0 })).toThrow(RangeError);
  });
});
