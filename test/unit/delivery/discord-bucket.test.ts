import { describe, expect, it } from 'vitest';
import { classify } from '../../../src/delivery/classify.js';
import { MAX_RETRY_AFTER_MS } from '../../../src/delivery/classify-throttle.js';
import { DiscordBucket, FALLBACK_RESET_MS } from '../../../src/delivery/discord-bucket.js';

const T0 = 1_700_000_000_000;

describe('DiscordBucket', () => {
  it('is free until told otherwise', () => {
    expect(new DiscordBucket().readyAt(T0)).toBe(0);
  });

  it('pauses at Remaining 0 until now + Reset-After', () => {
    const bucket = new DiscordBucket();
    bucket.update({ limit: 5, remaining: 1, resetAfterMs: 2_000, bucket: 'b' }, T0);
    expect(bucket.readyAt(T0)).toBe(0);
    bucket.update({ limit: 5, remaining: 0, resetAfterMs: 1_500, bucket: 'b' }, T0 + 100);
    expect(bucket.readyAt(T0 + 100)).toBe(1_500);
    expect(bucket.readyAt(T0 + 1_000)).toBe(600);
    expect(bucket.readyAt(T0 + 1_600)).toBe(0);
    expect(bucket.status(T0 + 200)).toEqual({
      paused: true,
      pausedUntil: T0 + 1_600,
      reason: 'remaining_zero',
      limit: 5,
      remaining: 0,
      bucket: 'b',
    });
    expect(bucket.status(T0 + 1_600)).not.toHaveProperty('reason');
  });

  it('falls back to Reset (epoch) and then to 1 s', () => {
    const a = new DiscordBucket();
    a.update({ remaining: 0, resetAt: T0 + 3_000 }, T0);
    expect(a.readyAt(T0)).toBe(3_000);
    const b = new DiscordBucket();
    b.update({ remaining: 0 }, T0);
    expect(b.readyAt(T0)).toBe(FALLBACK_RESET_MS);
  });

  it('caps a Remaining 0 pause like a 429: a host clock hours behind Discord’s Reset does not silence the webhook for hours', () => {
    const skewed = new DiscordBucket();
    skewed.update({ remaining: 0, resetAt: T0 + 5 * 3_600_000 }, T0); // our clock 5 h behind Discord's
    expect(skewed.readyAt(T0)).toBe(MAX_RETRY_AFTER_MS);
    const absurd = new DiscordBucket();
    absurd.update({ remaining: 0, resetAfterMs: 10 * 86_400_000 }, T0);
    expect(absurd.readyAt(T0)).toBe(MAX_RETRY_AFTER_MS);
  });

  it('takes a 429 pause and never shortens a pause', () => {
    const bucket = new DiscordBucket();
    bucket.pauseUntil(T0 + 10_000, 'sublimit');
    bucket.update({ remaining: 0, resetAfterMs: 1_000 }, T0);
    bucket.pauseUntil(T0 + 5_000, 'webhook');
    expect(bucket.readyAt(T0)).toBe(10_000);
    expect(bucket.status(T0).reason).toBe('sublimit');
    bucket.pauseUntil(Number.NaN, 'webhook');
    expect(bucket.readyAt(T0)).toBe(10_000);
  });

  it('works with the classifier on every response', () => {
    const bucket = new DiscordBucket();
    const ok = classify({
      status: 200,
      headers: { 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': '0.5' },
      body: { id: '1' },
    });
    bucket.update(ok.rateLimit ?? {}, T0);
    expect(bucket.readyAt(T0)).toBe(500);
  });

  it('round-trips through JSON', () => {
    const bucket = new DiscordBucket();
    bucket.update({ limit: 5, remaining: 0, resetAfterMs: 700, bucket: 'x' }, T0);
    const copy = DiscordBucket.fromJSON(JSON.parse(JSON.stringify(bucket)) as object);
    expect(copy.toJSON()).toEqual(bucket.toJSON());
    expect(copy.readyAt(T0)).toBe(700);
    expect(DiscordBucket.fromJSON({ pausedUntil: 'soon' } as never).readyAt(T0)).toBe(0);
  });
});
