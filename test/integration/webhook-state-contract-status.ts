import { describe, expect, it } from 'vitest';
import type { RateLimitSettings } from '../../src/config/types.js';
import { CLOUDFLARE_BAN_MIN_MS } from '../../src/delivery/classify-throttle.js';
import { A, B, LIMITS, T0, drain, openBreaker, refused, type OpenWebhookState } from './webhook-state-fixtures.js';

/** The status and probe cases of `runWebhookStateContract` (same `name`, same `open`). */
export function runStatusContract(name: string, open: OpenWebhookState): void {
  describe(`${name}.status`, () => {
    it('an unknown webhook: closed breaker, full limiter, nothing else; and no state is created', async () => {
      const state = await open();
      expect(await state.status(A, LIMITS, T0)).toEqual({
        webhookId: A,
        breaker: { state: 'closed', consecutiveFailures: 0 },
        rateLimit: { remaining: 30, limit: 30, resetMs: 0 },
      });
      expect(await state.isBroken(A)).toBe(false);
    });

    it('shows breaker, limiter, Discord headers, pause, last success and last error', async () => {
      const state = await open();
      await state.acquire(A, LIMITS, T0);
      await state.onResponse(A, { limit: 5, remaining: 4, resetAfterMs: 1_000, bucket: 'abc' }, T0 + 100);
      await state.onSuccess(A, T0 + 100);
      await openBreaker(state, A, T0 + 200);
      await state.onThrottle(A, 'webhook', T0 + 3_000, T0 + 300);
      expect(await state.status(A, LIMITS, T0 + 300)).toEqual({
        webhookId: A,
        breaker: { state: 'open', consecutiveFailures: 5, openedAt: T0 + 200 },
        pausedUntil: T0 + 3_000,
        pauseReason: 'webhook',
        rateLimit: { remaining: 29, limit: 30, resetMs: expect.closeTo(1_700, -1) as number }, // ceil of a float sum
        discord: { remaining: 4, limit: 5, bucket: 'abc', resetAt: T0 + 3_000 },
        lastSuccessAt: T0 + 100,
        lastError: { reason: 'server_error', detail: 'HTTP 502', at: T0 + 200 },
      });
    });

    it('shows the pause that ends last, global or own, and none once over', async () => {
      const state = await open();
      await state.onThrottle(A, 'webhook', T0 + 5_000, T0);
      await state.onThrottle(B, 'global', T0 + 2_000, T0);
      expect(await state.status(A, LIMITS, T0)).toMatchObject({ pausedUntil: T0 + 5_000, pauseReason: 'webhook' });
      expect(await state.status(B, LIMITS, T0)).toMatchObject({ pausedUntil: T0 + 2_000, pauseReason: 'global' });
      await state.onThrottle(B, 'cloudflare', T0 + 1, T0);
      expect(await state.status(A, LIMITS, T0)).toMatchObject({ pausedUntil: T0 + CLOUDFLARE_BAN_MIN_MS, pauseReason: 'cloudflare' });
      const later = await state.status(A, LIMITS, T0 + CLOUDFLARE_BAN_MIN_MS);
      expect(later).not.toHaveProperty('pausedUntil');
      expect(later).not.toHaveProperty('pauseReason');
    });

    it('reports the limiter acquire would use after a settings change', async () => {
      const state = await open();
      await drain(state, A, LIMITS, T0);
      expect((await state.status(A, LIMITS, T0)).rateLimit).toEqual({ remaining: 0, limit: 30, resetMs: 60_000 });
      const reloaded: RateLimitSettings = { algorithm: 'token_bucket', perMinute: 10, burst: 10 };
      // What was used stays used: what acquire would allow under the new settings is 0, full in a minute.
      expect((await state.status(A, reloaded, T0)).rateLimit).toEqual({ remaining: 0, limit: 10, resetMs: 60_000 });
      const window: RateLimitSettings = { algorithm: 'sliding_window', perMinute: 40, burst: 40 };
      expect((await state.status(A, window, T0 + 1_000)).rateLimit).toEqual({ remaining: 10, limit: 40, resetMs: 60_000 });
      expect((await state.status(A, LIMITS, T0)).rateLimit.remaining).toBe(0); // status swapped nothing
      // A window holding more sends than a lowered limit shows 0 left, never a negative count.
      const wide: RateLimitSettings = { algorithm: 'sliding_window', perMinute: 5, burst: 5 };
      expect(await drain(state, B, wide, T0)).toBe(5);
      expect((await state.status(B, { algorithm: 'sliding_window', perMinute: 2, burst: 2 }, T0 + 1_000)).rateLimit).toEqual({ remaining: 0, limit: 2, resetMs: 59_000 });
    });
  });

  describe(`${name}: a 429 on the half-open probe`, () => {
    it('gives the probe back: the retry after the pause probes at once, not after the probe lease', async () => {
      const state = await open();
      await openBreaker(state, A, T0);
      const half = T0 + 60_000;
      expect(await state.acquire(A, LIMITS, half)).toEqual({ ok: true }); // the probe
      expect(await state.acquire(A, LIMITS, half)).toEqual(refused('breaker_open', 60_000));
      await state.onThrottle(A, 'webhook', half + 1_000, half);
      expect(await state.acquire(A, LIMITS, half + 500)).toEqual(refused('discord_pause', 500));
      expect(await state.acquire(A, LIMITS, half + 1_000)).toEqual({ ok: true }); // probes again
      expect(await state.acquire(A, LIMITS, half + 1_000)).toMatchObject(refused('breaker_open'));
      await state.onSuccess(A, half + 1_100);
      expect((await state.status(A, LIMITS, half + 1_100)).breaker.state).toBe('closed');
    });

    it('a global 429 gives it back too; a 429 while the breaker is open or closed changes nothing', async () => {
      const state = await open({ globalPerSecond: 600 });
      await openBreaker(state, A, T0);
      await state.onThrottle(A, 'webhook', T0 + 100, T0 + 10); // open: no probe to give back
      expect(await state.acquire(A, LIMITS, T0 + 100)).toEqual(refused('breaker_open', 59_900));
      const half = T0 + 60_000;
      expect(await state.acquire(A, LIMITS, half)).toEqual({ ok: true });
      await state.onThrottle(A, 'global', half + 2_000, half);
      expect(await state.acquire(A, LIMITS, half + 2_000)).toEqual({ ok: true });
      await state.onThrottle(B, 'webhook', T0 + 1, T0); // closed
      expect((await state.status(B, LIMITS, T0)).breaker).toEqual({ state: 'closed', consecutiveFailures: 0 });
    });
  });
}
