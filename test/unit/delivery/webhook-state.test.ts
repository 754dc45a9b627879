import { describe, expect, it } from 'vitest';
import type { RateLimitSettings } from '../../../src/config/types.js';
import { CLOUDFLARE_BAN_MIN_MS } from '../../../src/delivery/classify-throttle.js';
import type { GateReason } from '../../../src/delivery/webhook-state.js';
import { BROKEN_RECHECK_MS, MemoryWebhookState } from '../../../src/store/memory/webhook-state.js';

const T0 = 1_700_000_000_000;
const A = 'webhook-a';
const B = 'webhook-b';
/** The default: 30 per minute, all of them at once. */
const LIMITS: RateLimitSettings = { algorithm: 'token_bucket', perMinute: 30, burst: 30 };
/** Generous enough never to refuse in tests about other checks. */
const WIDE: RateLimitSettings = { algorithm: 'token_bucket', perMinute: 600, burst: 600 };

async function drain(state: MemoryWebhookState, id: string, limits: RateLimitSettings, now: number): Promise<number> {
  let sent = 0;
  while ((await state.acquire(id, limits, now)).ok) sent++;
  return sent;
}

async function openBreaker(state: MemoryWebhookState, id: string, now: number): Promise<void> {
  for (let i = 0; i < 5; i++) await state.onFailure(id, 'server_error', 'HTTP 502', now);
}

/** A refusal for `reason`; with `waitMs` when the test pins it. */
function refused(reason: GateReason, waitMs?: number): Record<string, unknown> {
  return waitMs === undefined ? { ok: false, reason } : { ok: false, reason, waitMs };
}

describe('MemoryWebhookState.acquire: order of checks', () => {
  it('reports the first refusing check: broken, breaker, global pause, Discord pause, rate limit, global rate', async () => {
    const state = new MemoryWebhookState({ globalPerSecond: 1 });
    const tight: RateLimitSettings = { algorithm: 'token_bucket', perMinute: 1, burst: 1 };
    expect(await state.acquire(B, WIDE, T0)).toEqual({ ok: true }); // the global second is now used up
    expect(await state.acquire(A, WIDE, T0)).toEqual(refused('global_rate', 1_000));

    await state.acquire(A, tight, T0 + 1_000); // spends A's only token
    expect(await state.acquire(A, tight, T0 + 1_000)).toMatchObject(refused('rate_limit'));
    await state.onThrottle(A, 'webhook', T0 + 4_000, T0 + 1_000);
    expect(await state.acquire(A, tight, T0 + 1_000)).toEqual(refused('discord_pause', 3_000));
    await state.onThrottle(A, 'global', T0 + 9_000, T0 + 1_000);
    expect(await state.acquire(A, tight, T0 + 1_000)).toEqual(refused('global_pause', 8_000));
    await openBreaker(state, A, T0 + 1_000);
    expect(await state.acquire(A, tight, T0 + 1_000)).toEqual(refused('breaker_open', 60_000));
    await state.markBroken(A, 'HTTP 404 Unknown Webhook', T0 + 1_000);
    expect(await state.acquire(A, tight, T0 + 1_000)).toEqual(refused('broken', BROKEN_RECHECK_MS));
  });
});

describe('MemoryWebhookState.acquire: a refusal consumes nothing', () => {
  it('Discord pause: the limiter keeps its tokens', async () => {
    const state = new MemoryWebhookState();
    await state.onResponse(A, { limit: 5, remaining: 0, resetAfterMs: 2_000 }, T0);
    for (let i = 0; i < 100; i++) expect(await state.acquire(A, LIMITS, T0)).toMatchObject(refused('discord_pause'));
    expect((await state.status(A, LIMITS, T0)).rateLimit.remaining).toBe(30);
    expect(await drain(state, A, LIMITS, T0 + 2_000)).toBe(30);
  });

  it('global rate full: neither the limiter token nor the half-open probe is taken', async () => {
    const state = new MemoryWebhookState({ globalPerSecond: 1 });
    await openBreaker(state, A, T0);
    const half = T0 + 60_000;
    expect(await state.acquire(B, WIDE, half)).toEqual({ ok: true });
    expect(await state.acquire(A, LIMITS, half)).toMatchObject(refused('global_rate'));
    const status = await state.status(A, LIMITS, half);
    expect(status.rateLimit.remaining).toBe(30);
    expect(status.breaker.state).toBe('half_open');
    // The probe is still there to take once the global second has passed.
    expect(await state.acquire(A, LIMITS, half + 1_000)).toEqual({ ok: true });
    expect(await state.acquire(A, LIMITS, half + 1_000)).toMatchObject(refused('breaker_open'));
  });

  it('rate limit refusal takes no global slot', async () => {
    const state = new MemoryWebhookState({ globalPerSecond: 2 });
    const one: RateLimitSettings = { algorithm: 'token_bucket', perMinute: 1, burst: 1 };
    expect(await state.acquire(A, one, T0)).toEqual({ ok: true });
    for (let i = 0; i < 10; i++) expect(await state.acquire(A, one, T0)).toMatchObject(refused('rate_limit'));
    expect(await state.acquire(B, WIDE, T0)).toEqual({ ok: true }); // the second slot of this second is still free
  });
});

describe('MemoryWebhookState: 429 pauses', () => {
  it('a webhook-scope 429 pauses that webhook only', async () => {
    const state = new MemoryWebhookState();
    await state.onThrottle(A, 'webhook', T0 + 1_500, T0);
    expect(await state.acquire(A, LIMITS, T0)).toEqual(refused('discord_pause', 1_500));
    expect(await state.acquire(B, LIMITS, T0)).toEqual({ ok: true });
    expect(await state.acquire(A, LIMITS, T0 + 1_500)).toEqual({ ok: true });
  });

  it('sublimit and shared 429s also pause only their webhook', async () => {
    const state = new MemoryWebhookState();
    await state.onThrottle(A, 'sublimit', T0 + 500, T0);
    await state.onThrottle(B, 'shared', T0 + 700, T0);
    expect(await state.acquire(A, LIMITS, T0)).toEqual(refused('discord_pause', 500));
    expect(await state.acquire(B, LIMITS, T0)).toEqual(refused('discord_pause', 700));
    expect(await state.acquire('webhook-c', LIMITS, T0)).toEqual({ ok: true });
  });

  it('a global 429 pauses every webhook', async () => {
    const state = new MemoryWebhookState();
    await state.onThrottle(A, 'global', T0 + 2_000, T0);
    for (const id of [A, B, 'webhook-c']) expect(await state.acquire(id, LIMITS, T0 + 500)).toEqual(refused('global_pause', 1_500));
    expect(await state.acquire(B, LIMITS, T0 + 2_000)).toEqual({ ok: true });
  });

  it('a Cloudflare ban pauses every webhook for at least 5 minutes, whatever it said', async () => {
    const state = new MemoryWebhookState();
    await state.onThrottle(A, 'cloudflare', T0 + 1_000, T0);
    expect(await state.acquire(B, LIMITS, T0 + 1_000)).toEqual(refused('cloudflare_ban', CLOUDFLARE_BAN_MIN_MS - 1_000));
    expect(await state.acquire(A, LIMITS, T0 + CLOUDFLARE_BAN_MIN_MS - 1)).toMatchObject(refused('cloudflare_ban'));
    expect(await state.acquire(A, LIMITS, T0 + CLOUDFLARE_BAN_MIN_MS)).toEqual({ ok: true });
  });

  it('Remaining 0 in a response pauses the webhook until Reset-After', async () => {
    const state = new MemoryWebhookState();
    await state.onResponse(A, { limit: 5, remaining: 1, resetAfterMs: 2_000 }, T0);
    expect(await state.acquire(A, LIMITS, T0)).toEqual({ ok: true });
    await state.onResponse(A, undefined, T0);
    await state.onResponse(A, { limit: 5, remaining: 0, resetAfterMs: 2_000 }, T0);
    expect(await state.acquire(A, LIMITS, T0 + 100)).toEqual(refused('discord_pause', 1_900));
  });
});

describe('MemoryWebhookState: circuit breaker', () => {
  it('opens after 5 failures, refuses 60 s, then lets exactly one probe through', async () => {
    const state = new MemoryWebhookState();
    for (let i = 0; i < 4; i++) await state.onFailure(A, 'server_error', 'HTTP 500', T0);
    expect(await state.acquire(A, LIMITS, T0)).toEqual({ ok: true });
    await state.onFailure(A, 'timeout', 'no answer in 10 s', T0);
    expect(await state.acquire(A, LIMITS, T0)).toEqual(refused('breaker_open', 60_000));
    expect(await state.acquire(A, LIMITS, T0 + 59_999)).toEqual(refused('breaker_open', 1));
    expect(await state.acquire(B, LIMITS, T0 + 1)).toEqual({ ok: true }); // other webhooks are not affected
    expect(await state.acquire(A, LIMITS, T0 + 60_000)).toEqual({ ok: true });
    for (let i = 0; i < 5; i++) expect(await state.acquire(A, LIMITS, T0 + 60_000 + i)).toMatchObject(refused('breaker_open'));
  });

  it('a successful probe closes the circuit', async () => {
    const state = new MemoryWebhookState();
    await openBreaker(state, A, T0);
    expect(await state.acquire(A, LIMITS, T0 + 60_000)).toEqual({ ok: true });
    await state.onSuccess(A, T0 + 60_100);
    expect(await state.acquire(A, LIMITS, T0 + 60_100)).toEqual({ ok: true });
    expect(await state.acquire(A, LIMITS, T0 + 60_100)).toEqual({ ok: true });
    expect((await state.status(A, LIMITS, T0 + 60_100)).breaker).toEqual({ state: 'closed', consecutiveFailures: 0 });
  });

  it('a failed probe opens it for another cooldown', async () => {
    const state = new MemoryWebhookState();
    await openBreaker(state, A, T0);
    expect(await state.acquire(A, LIMITS, T0 + 60_000)).toEqual({ ok: true });
    await state.onFailure(A, 'server_error', 'HTTP 503', T0 + 60_500);
    expect(await state.acquire(A, LIMITS, T0 + 60_500)).toEqual(refused('breaker_open', 60_000));
  });

  it('takes its threshold and cooldown from the options', async () => {
    const state = new MemoryWebhookState({ failureThreshold: 2, cooldownMs: 1_000 });
    await state.onFailure(A, 'network', 'ECONNRESET', T0);
    await state.onFailure(A, 'network', 'ECONNRESET', T0);
    expect(await state.acquire(A, LIMITS, T0)).toEqual(refused('breaker_open', 1_000));
    expect(await state.acquire(A, LIMITS, T0 + 1_000)).toEqual({ ok: true });
    expect(() => new MemoryWebhookState({ failureThreshold: 0 })).toThrow(RangeError);
  });
});

describe('MemoryWebhookState: broken mark', () => {
  it('refuses until clearBroken, and only that webhook', async () => {
    const state = new MemoryWebhookState();
    expect(await state.isBroken(A)).toBe(false);
    await state.markBroken(A, 'HTTP 404: Unknown Webhook', T0);
    expect(await state.isBroken(A)).toBe(true);
    expect(await state.acquire(A, LIMITS, T0 + 86_400_000)).toEqual(refused('broken', BROKEN_RECHECK_MS));
    expect(await state.acquire(B, LIMITS, T0)).toEqual({ ok: true });
    await state.clearBroken(A);
    expect(await state.isBroken(A)).toBe(false);
    expect(await state.acquire(A, LIMITS, T0 + 86_400_000)).toEqual({ ok: true });
    await state.clearBroken('never-seen');
  });

  it('marking again keeps the first since', async () => {
    const state = new MemoryWebhookState();
    await state.markBroken(A, 'HTTP 404', T0);
    await state.markBroken(A, 'HTTP 401', T0 + 5_000);
    expect((await state.status(A, LIMITS, T0 + 5_000)).broken).toEqual({ reason: 'HTTP 401', since: T0 });
  });
});

describe('MemoryWebhookState: our rate limit', () => {
  it('30/min token bucket with burst 30: 30 at once, then one every 2 s', async () => {
    const state = new MemoryWebhookState();
    expect(await drain(state, A, LIMITS, T0)).toBe(30);
    expect(await state.acquire(A, LIMITS, T0)).toEqual(refused('rate_limit', 2_000));
    expect(await state.acquire(A, LIMITS, T0 + 1_500)).toEqual(refused('rate_limit', 500));
    expect(await state.acquire(A, LIMITS, T0 + 2_000)).toEqual({ ok: true });
    expect(await state.acquire(A, LIMITS, T0 + 2_000)).toEqual(refused('rate_limit', 2_000));
    expect(await drain(state, A, LIMITS, T0 + 10_000)).toBe(4);
    expect(await state.acquire(B, LIMITS, T0)).toEqual({ ok: true }); // per webhook
  });

  it('sliding window: at most perMinute in any 60 s', async () => {
    const state = new MemoryWebhookState();
    const window: RateLimitSettings = { algorithm: 'sliding_window', perMinute: 3, burst: 3 };
    expect(await drain(state, A, window, T0)).toBe(3);
    expect(await state.acquire(A, window, T0 + 59_999)).toEqual(refused('rate_limit', 1));
    expect(await drain(state, A, window, T0 + 60_000)).toBe(3);
  });

  it('changed settings (config reload) rebuild the limiter; the same settings keep it', async () => {
    const state = new MemoryWebhookState();
    expect(await drain(state, A, LIMITS, T0)).toBe(30);
    expect(await state.acquire(A, { ...LIMITS }, T0)).toMatchObject(refused('rate_limit'));
    const reloaded: RateLimitSettings = { algorithm: 'token_bucket', perMinute: 30, burst: 5 };
    expect(await drain(state, A, reloaded, T0)).toBe(5);
    const window: RateLimitSettings = { algorithm: 'sliding_window', perMinute: 2, burst: 2 };
    expect(await drain(state, A, window, T0)).toBe(2);
    expect(await state.acquire(A, window, T0 + 1_000)).toEqual(refused('rate_limit', 59_000));
  });
});

describe('MemoryWebhookState.status', () => {
  it('an unknown webhook: closed breaker, full limiter, nothing else; and no state is created', async () => {
    const state = new MemoryWebhookState();
    expect(await state.status(A, LIMITS, T0)).toEqual({
      webhookId: A,
      breaker: { state: 'closed', consecutiveFailures: 0 },
      rateLimit: { remaining: 30, limit: 30, resetMs: 0 },
    });
    expect(await state.isBroken(A)).toBe(false);
  });

  it('shows breaker, limiter, Discord headers, pause, last success and last error', async () => {
    const state = new MemoryWebhookState();
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
    const state = new MemoryWebhookState();
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
    const state = new MemoryWebhookState();
    await drain(state, A, LIMITS, T0);
    expect((await state.status(A, LIMITS, T0)).rateLimit).toEqual({ remaining: 0, limit: 30, resetMs: 60_000 });
    const reloaded: RateLimitSettings = { algorithm: 'token_bucket', perMinute: 10, burst: 10 };
    expect((await state.status(A, reloaded, T0)).rateLimit).toEqual({ remaining: 10, limit: 10, resetMs: 0 });
    expect((await state.status(A, LIMITS, T0)).rateLimit.remaining).toBe(0); // status swapped nothing
  });
});
