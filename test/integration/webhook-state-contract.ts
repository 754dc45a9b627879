import { afterEach, describe, expect, it } from 'vitest';
import type { RateLimitSettings } from '../../src/config/types.js';
import { CLOUDFLARE_BAN_MIN_MS } from '../../src/delivery/classify-throttle.js';
import type { WebhookState } from '../../src/delivery/webhook-state.js';
import { BROKEN_RECHECK_MS } from '../../src/store/memory/webhook-state.js';
import { runStatusContract } from './webhook-state-contract-status.js';
import { A, B, LIMITS, T0, WIDE, drain, openBreaker, refused, type MakeWebhookState, type WebhookStateContractOptions } from './webhook-state-fixtures.js';

export type { MakeWebhookState, WebhookStateContractOptions } from './webhook-state-fixtures.js';

/**
 * The behaviour every `WebhookState` shares (issue 4's gates, issue 7's Redis store): order of checks,
 * nothing consumed on a refusal, 429 pauses, breaker and probe, broken marks, our rate limit, status.
 * Time is passed in, so the cases pin exact waits.
 */
export function runWebhookStateContract(name: string, make: MakeWebhookState): void {
  const cleanups: Array<() => Promise<void>> = [];
  const open = async (options?: WebhookStateContractOptions): Promise<WebhookState> => {
    const made = await make(options);
    cleanups.push(made.cleanup);
    return made.state;
  };
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((c) => c()));
  });

  describe(`${name}.acquire: order of checks`, () => {
    it('reports the first refusing check: broken, breaker, global pause, Discord pause, rate limit, global rate', async () => {
      const state = await open({ globalPerSecond: 1 });
      const tight: RateLimitSettings = { algorithm: 'token_bucket', perMinute: 1, burst: 1 };
      expect(await state.acquire(B, WIDE, T0)).toEqual({ ok: true }); // the global second is now used up
      expect(await state.acquire(A, WIDE, T0)).toEqual(refused('global_rate', 1_000));
      await state.onResponse(B, undefined, T0); // answered: its slot frees a second later

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

  describe(`${name}.acquire: a refusal consumes nothing`, () => {
    it('Discord pause: the limiter keeps its tokens', async () => {
      const state = await open();
      await state.onResponse(A, { limit: 5, remaining: 0, resetAfterMs: 2_000 }, T0);
      for (let i = 0; i < 100; i++) expect(await state.acquire(A, LIMITS, T0)).toMatchObject(refused('discord_pause'));
      expect((await state.status(A, LIMITS, T0)).rateLimit.remaining).toBe(30);
      expect(await drain(state, A, LIMITS, T0 + 2_000)).toBe(30);
    });

    it('global rate full: neither the limiter token nor the half-open probe is taken', async () => {
      const state = await open({ globalPerSecond: 1 });
      await openBreaker(state, A, T0);
      const half = T0 + 60_000;
      expect(await state.acquire(B, WIDE, half)).toEqual({ ok: true });
      expect(await state.acquire(A, LIMITS, half)).toMatchObject(refused('global_rate'));
      await state.onResponse(B, undefined, half);
      const status = await state.status(A, LIMITS, half);
      expect(status.rateLimit.remaining).toBe(30);
      expect(status.breaker.state).toBe('half_open');
      // The probe is still there to take once the global second has passed.
      expect(await state.acquire(A, LIMITS, half + 1_000)).toEqual({ ok: true });
      expect(await state.acquire(A, LIMITS, half + 1_000)).toMatchObject(refused('breaker_open'));
    });

    it('the global second runs from the answer: a request holds its slot while it is out', async () => {
      // Discord counts a request when it arrives, any time before its answer (discord.md "Rate limits").
      const state = await open({ globalPerSecond: 1 });
      expect(await state.acquire(B, WIDE, T0)).toEqual({ ok: true });
      expect(await state.acquire(A, WIDE, T0 + 1_000)).toEqual(refused('global_rate', 1_000));
      await state.onResponse(B, undefined, T0 + 400);
      expect(await state.acquire(A, WIDE, T0 + 1_000)).toEqual(refused('global_rate', 400));
      expect((await state.status(A, WIDE, T0 + 1_000)).rateLimit.remaining).toBe(600); // nothing taken
      expect(await state.acquire(A, WIDE, T0 + 1_400)).toEqual({ ok: true });
    });

    it('an answer noted after the clock was set back far counts for its second, beside those answered before', async () => {
      // The answer is the first the gate hears after the step (no request passed the gate in between).
      const state = await open({ globalPerSecond: 2 });
      expect(await state.acquire(A, WIDE, T0)).toEqual({ ok: true });
      expect(await state.acquire(B, WIDE, T0)).toEqual({ ok: true });
      await state.onResponse(A, undefined, T0);
      const back = T0 - 120_000;
      await state.onResponse(B, undefined, back);
      expect(await state.acquire(A, WIDE, back + 1)).toMatchObject(refused('global_rate'));
    });

    it('rate limit refusal takes no global slot', async () => {
      const state = await open({ globalPerSecond: 2 });
      const one: RateLimitSettings = { algorithm: 'token_bucket', perMinute: 1, burst: 1 };
      expect(await state.acquire(A, one, T0)).toEqual({ ok: true });
      for (let i = 0; i < 10; i++) expect(await state.acquire(A, one, T0)).toMatchObject(refused('rate_limit'));
      expect(await state.acquire(B, WIDE, T0)).toEqual({ ok: true }); // the second slot of this second is still free
    });
  });

  describe(`${name}: 429 pauses`, () => {
    it('a webhook-scope 429 pauses that webhook only', async () => {
      const state = await open();
      await state.onThrottle(A, 'webhook', T0 + 1_500, T0);
      expect(await state.acquire(A, LIMITS, T0)).toEqual(refused('discord_pause', 1_500));
      expect(await state.acquire(B, LIMITS, T0)).toEqual({ ok: true });
      expect(await state.acquire(A, LIMITS, T0 + 1_500)).toEqual({ ok: true });
    });

    it('sublimit and shared 429s also pause only their webhook', async () => {
      const state = await open();
      await state.onThrottle(A, 'sublimit', T0 + 500, T0);
      await state.onThrottle(B, 'shared', T0 + 700, T0);
      expect(await state.acquire(A, LIMITS, T0)).toEqual(refused('discord_pause', 500));
      expect(await state.acquire(B, LIMITS, T0)).toEqual(refused('discord_pause', 700));
      expect(await state.acquire('webhook-c', LIMITS, T0)).toEqual({ ok: true });
    });

    it('a global 429 pauses every webhook', async () => {
      const state = await open();
      await state.onThrottle(A, 'global', T0 + 2_000, T0);
      for (const id of [A, B, 'webhook-c']) expect(await state.acquire(id, LIMITS, T0 + 500)).toEqual(refused('global_pause', 1_500));
      expect(await state.acquire(B, LIMITS, T0 + 2_000)).toEqual({ ok: true });
    });

    it('a Cloudflare ban pauses every webhook for at least 5 minutes, whatever it said', async () => {
      const state = await open();
      await state.onThrottle(A, 'cloudflare', T0 + 1_000, T0);
      expect(await state.acquire(B, LIMITS, T0 + 1_000)).toEqual(refused('cloudflare_ban', CLOUDFLARE_BAN_MIN_MS - 1_000));
      expect(await state.acquire(A, LIMITS, T0 + CLOUDFLARE_BAN_MIN_MS - 1)).toMatchObject(refused('cloudflare_ban'));
      expect(await state.acquire(A, LIMITS, T0 + CLOUDFLARE_BAN_MIN_MS)).toEqual({ ok: true });
    });

    it('Remaining 0 in a response pauses the webhook until Reset-After', async () => {
      const state = await open();
      await state.onResponse(A, { limit: 5, remaining: 1, resetAfterMs: 2_000 }, T0);
      expect(await state.acquire(A, LIMITS, T0)).toEqual({ ok: true });
      await state.onResponse(A, undefined, T0);
      await state.onResponse(A, { limit: 5, remaining: 0, resetAfterMs: 2_000 }, T0);
      expect(await state.acquire(A, LIMITS, T0 + 100)).toEqual(refused('discord_pause', 1_900));
    });
  });

  describe(`${name}: circuit breaker`, () => {
    it('opens after 5 failures, refuses 60 s, then lets exactly one probe through', async () => {
      const state = await open();
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
      const state = await open();
      await openBreaker(state, A, T0);
      expect(await state.acquire(A, LIMITS, T0 + 60_000)).toEqual({ ok: true });
      await state.onSuccess(A, T0 + 60_100);
      expect(await state.acquire(A, LIMITS, T0 + 60_100)).toEqual({ ok: true });
      expect(await state.acquire(A, LIMITS, T0 + 60_100)).toEqual({ ok: true });
      expect((await state.status(A, LIMITS, T0 + 60_100)).breaker).toEqual({ state: 'closed', consecutiveFailures: 0 });
    });

    it('an answer that delivered nothing (a 400, a dry run) closes the circuit too, and leaves last success as it was', async () => {
      const state = await open();
      await state.onSuccess(A, T0);
      await openBreaker(state, A, T0 + 100);
      expect(await state.acquire(A, LIMITS, T0 + 60_100)).toEqual({ ok: true });
      await state.onSuccess(A, T0 + 60_200, false);
      const status = await state.status(A, LIMITS, T0 + 60_200);
      expect(status.breaker).toEqual({ state: 'closed', consecutiveFailures: 0 });
      expect(status.lastSuccessAt).toBe(T0);
    });

    it('a refused message (400) closes the circuit, is the last error, and leaves last success as it was', async () => {
      const state = await open();
      await state.onSuccess(A, T0);
      await state.onFailure(A, 'server_error', 'HTTP 503', T0 + 100);
      await state.onRefused(A, 'invalid_body', 'HTTP 400: Invalid Form Body', T0 + 200);
      const status = await state.status(A, LIMITS, T0 + 200);
      expect(status.breaker).toEqual({ state: 'closed', consecutiveFailures: 0 });
      expect(status.lastSuccessAt).toBe(T0);
      expect(status.lastError).toEqual({ reason: 'invalid_body', detail: 'HTTP 400: Invalid Form Body', at: T0 + 200 });
    });

    it('a failed probe opens it for another cooldown', async () => {
      const state = await open();
      await openBreaker(state, A, T0);
      expect(await state.acquire(A, LIMITS, T0 + 60_000)).toEqual({ ok: true });
      await state.onFailure(A, 'server_error', 'HTTP 503', T0 + 60_500);
      expect(await state.acquire(A, LIMITS, T0 + 60_500)).toEqual(refused('breaker_open', 60_000));
    });

    it('takes its threshold and cooldown from the options', async () => {
      const state = await open({ failureThreshold: 2, cooldownMs: 1_000 });
      await state.onFailure(A, 'network', 'ECONNRESET', T0);
      await state.onFailure(A, 'network', 'ECONNRESET', T0);
      expect(await state.acquire(A, LIMITS, T0)).toEqual(refused('breaker_open', 1_000));
      expect(await state.acquire(A, LIMITS, T0 + 1_000)).toEqual({ ok: true });
    });
  });

  describe(`${name}: broken mark`, () => {
    it('refuses until clearBroken, and only that webhook', async () => {
      const state = await open();
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
      const state = await open();
      await state.markBroken(A, 'HTTP 404', T0);
      await state.markBroken(A, 'HTTP 401', T0 + 5_000);
      expect((await state.status(A, LIMITS, T0 + 5_000)).broken).toEqual({ reason: 'HTTP 401', since: T0 });
    });
  });

  describe(`${name}: our rate limit`, () => {
    it('30/min token bucket with burst 30: 30 at once, then one every 2 s', async () => {
      const state = await open();
      expect(await drain(state, A, LIMITS, T0)).toBe(30);
      expect(await state.acquire(A, LIMITS, T0)).toEqual(refused('rate_limit', 2_000));
      expect(await state.acquire(A, LIMITS, T0 + 1_500)).toEqual(refused('rate_limit', 500));
      expect(await state.acquire(A, LIMITS, T0 + 2_000)).toEqual({ ok: true });
      expect(await state.acquire(A, LIMITS, T0 + 2_000)).toEqual(refused('rate_limit', 2_000));
      expect(await drain(state, A, LIMITS, T0 + 10_000)).toBe(4);
      expect(await state.acquire(B, LIMITS, T0)).toEqual({ ok: true }); // per webhook
    });

    it('sliding window: at most perMinute in any 60 s', async () => {
      const state = await open();
      const window: RateLimitSettings = { algorithm: 'sliding_window', perMinute: 3, burst: 3 };
      expect(await drain(state, A, window, T0)).toBe(3);
      expect(await state.acquire(A, window, T0 + 59_999)).toEqual(refused('rate_limit', 1));
      expect(await drain(state, A, window, T0 + 60_000)).toBe(3);
    });

    it('the same settings keep the limiter', async () => {
      const state = await open();
      expect(await drain(state, A, LIMITS, T0)).toBe(30);
      expect(await state.acquire(A, { ...LIMITS }, T0)).toMatchObject(refused('rate_limit'));
    });

    // A reload that changed the rate rebuilt a full limiter: 30 sent, a change to 31/min (or down to a
    // burst of 5) let 31 (5) more out at the same instant; on Redis two replicas whose configs differ
    // (a reload reaching one first) rebuilt it on every alternation: no limit at all.
    it('changed settings (config reload) keep what was used: no fresh budget on top of it', async () => {
      const state = await open();
      expect(await drain(state, A, LIMITS, T0)).toBe(30);
      expect(await drain(state, A, { algorithm: 'token_bucket', perMinute: 31, burst: 31 }, T0)).toBe(0);
      const lowered: RateLimitSettings = { algorithm: 'token_bucket', perMinute: 30, burst: 5 };
      expect(await state.acquire(A, lowered, T0)).toEqual(refused('rate_limit', 2_000));
      expect(await drain(state, A, lowered, T0 + 2_000)).toBe(1); // the new rate refills as usual
      expect(await drain(state, A, lowered, T0 + 60_000)).toBe(5); // up to the new burst
    });

    it('a sliding window keeps its log across a limit change', async () => {
      const state = await open();
      expect(await drain(state, A, { algorithm: 'sliding_window', perMinute: 3, burst: 3 }, T0)).toBe(3);
      const raised: RateLimitSettings = { algorithm: 'sliding_window', perMinute: 5, burst: 5 };
      expect(await drain(state, A, raised, T0 + 1_000)).toBe(2);
      expect(await state.acquire(A, raised, T0 + 59_999)).toEqual(refused('rate_limit', 1));
      expect(await drain(state, A, raised, T0 + 60_000)).toBe(3);
    });

    it('a change of algorithm carries what was used over too', async () => {
      const state = await open();
      expect(await drain(state, A, LIMITS, T0)).toBe(30);
      const window: RateLimitSettings = { algorithm: 'sliding_window', perMinute: 10, burst: 10 };
      expect(await state.acquire(A, window, T0 + 1_000)).toEqual(refused('rate_limit', 60_000));
      expect(await drain(state, A, window, T0 + 61_000)).toBe(10);
      expect(await drain(state, A, LIMITS, T0 + 61_000)).toBe(20); // back: the window's 10 count against 30
    });

    // A lowered window limit with more sends in the log than the new limit: the wait is until enough left
    // (here the second of three), not until the oldest leaves (which would let a send out 10 s early).
    it('a lowered window waits until enough carried sends left the window, not only the oldest', async () => {
      const state = await open();
      const three: RateLimitSettings = { algorithm: 'sliding_window', perMinute: 3, burst: 3 };
      for (const at of [T0, T0 + 10_000, T0 + 20_000]) expect(await state.acquire(A, three, at)).toEqual({ ok: true });
      const two: RateLimitSettings = { algorithm: 'sliding_window', perMinute: 2, burst: 2 };
      expect(await state.acquire(A, two, T0 + 30_000)).toEqual(refused('rate_limit', 40_000));
      expect(await state.acquire(A, two, T0 + 70_000)).toEqual({ ok: true });
    });

    // A window holding more sends than the new bucket's burst is an empty bucket, not one in debt: the next
    // token comes at the new rate (1 s at 60/min), not after the excess was paid back too.
    it('a window with more sends than the new burst becomes an empty bucket, not a negative one', async () => {
      const state = await open();
      expect(await drain(state, A, { algorithm: 'sliding_window', perMinute: 10, burst: 10 }, T0)).toBe(10);
      const bucket: RateLimitSettings = { algorithm: 'token_bucket', perMinute: 60, burst: 5 };
      expect(await state.acquire(A, bucket, T0 + 1_000)).toEqual(refused('rate_limit', 1_000));
      expect(await drain(state, A, bucket, T0 + 2_000)).toBe(1);
    });

    // The bucket's tokens as they are at the change (refilled since its last send), not as last written.
    it('a bucket becomes a window with the tokens it has at the change, refilled since its last send', async () => {
      const state = await open();
      expect(await drain(state, A, LIMITS, T0)).toBe(30);
      expect(await drain(state, A, { algorithm: 'sliding_window', perMinute: 30, burst: 30 }, T0 + 30_000)).toBe(15);
    });

    // A change seen at a `now` behind the bucket's last send (on Redis a replica whose clock is 10 s behind, its
    // reload first): the new bucket started its refill there, so the 10 s the old one had already refilled up
    // to were refilled a second time when the settings changed back. 10 tokens out of nothing.
    it('a change at a now behind the last send does not refill the same time twice (clock skew)', async () => {
      const state = await open();
      const ten: RateLimitSettings = { algorithm: 'token_bucket', perMinute: 60, burst: 10 };
      expect(await drain(state, A, ten, T0 + 10_000)).toBe(10);
      expect(await state.acquire(A, { algorithm: 'token_bucket', perMinute: 60, burst: 11 }, T0)).toMatchObject(refused('rate_limit'));
      expect(await drain(state, A, ten, T0 + 10_000)).toBe(0);
      expect(await drain(state, A, ten, T0 + 12_000)).toBe(2);
      // From a window drained at T0 + 10 s: the bucket's refill starts there too.
      expect(await drain(state, B, { algorithm: 'sliding_window', perMinute: 10, burst: 10 }, T0 + 10_000)).toBe(10);
      expect(await state.acquire(B, ten, T0)).toMatchObject(refused('rate_limit'));
      expect(await drain(state, B, ten, T0 + 10_000)).toBe(0);
      expect(await drain(state, B, ten, T0 + 12_000)).toBe(2);
    });

    // A clock an hour ahead, then set right (a VM restored, an RTC wrong until NTP): the bucket refilled nothing
    // until the wrong time came again, so after its burst the webhook sent nothing for an hour.
    it('a bucket drained by a clock far ahead refills once the clock is set right, not an hour later', async () => {
      const state = await open();
      expect(await drain(state, A, LIMITS, T0 + 3_600_000)).toBe(30);
      expect(await state.acquire(A, LIMITS, T0)).toEqual(refused('rate_limit', 2_000));
      expect(await drain(state, A, LIMITS, T0 + 10_000)).toBe(5);
    });

    it('a window filled by a clock far ahead lets its sends leave a window after the clock is set right, not an hour later', async () => {
      const state = await open();
      const window: RateLimitSettings = { algorithm: 'sliding_window', perMinute: 30, burst: 30 };
      expect(await drain(state, A, window, T0 + 3_600_000)).toBe(30);
      expect(await state.acquire(A, window, T0)).toMatchObject(refused('rate_limit'));
      // The window is free a minute after the clock was set right. (The global gate's 1 s log, stamped an hour
      // ahead too, moves back to its first use after it: up to 50 a second from then.)
      expect((await drain(state, A, window, T0 + 60_000)) + (await drain(state, A, window, T0 + 61_000))).toBe(30);
    });

    // Sends the wrong clock spread over its minute: the log moves back by its newest send's lead, so all leave a
    // window after the clock was set right (moved by its oldest's, the newest stayed 50 s ahead, and longer).
    it('a window the wrong clock filled over its minute is free a window after the clock is set right', async () => {
      const state = await open();
      const window: RateLimitSettings = { algorithm: 'sliding_window', perMinute: 2, burst: 2 };
      expect((await state.acquire(A, window, T0 + 3_600_000)).ok).toBe(true);
      expect((await state.acquire(A, window, T0 + 3_650_000)).ok).toBe(true);
      expect(await state.acquire(A, window, T0)).toMatchObject(refused('rate_limit'));
      expect(await drain(state, A, window, T0 + 60_000)).toBe(2);
    });

    // The status read (getRateLimitStatus, /api/rate-limits) sees the log as the next send will: a minute until it
    // is free, not the hour until the wrong time comes again (a script that waits for `reset` waited that hour).
    it('the status of a window filled by a clock far ahead says free in a window, as the next send finds it', async () => {
      const state = await open();
      const window: RateLimitSettings = { algorithm: 'sliding_window', perMinute: 2, burst: 2 };
      expect((await state.acquire(A, window, T0 + 3_600_000)).ok).toBe(true);
      expect((await state.status(A, window, T0)).rateLimit).toEqual({ remaining: 1, limit: 2, resetMs: 60_000 });
    });

    // The same into a window: the bucket's sends were made by T0 + 10 s, so as carried sends they stay in the
    // window until T0 + 70 s, not T0 + 60 s (stamped at the lagging `now`, they left 10 s early).
    it('a bucket carried into a window at a now behind its last send keeps the sends until their own time (clock skew)', async () => {
      const state = await open();
      const ten: RateLimitSettings = { algorithm: 'token_bucket', perMinute: 10, burst: 10 };
      expect(await drain(state, A, ten, T0 + 10_000)).toBe(10);
      const window: RateLimitSettings = { algorithm: 'sliding_window', perMinute: 10, burst: 10 };
      expect(await state.acquire(A, window, T0)).toMatchObject(refused('rate_limit'));
      expect(await drain(state, A, window, T0 + 60_000)).toBe(0);
      expect(await drain(state, A, window, T0 + 70_000)).toBe(10);
    });

    // 40 s after a 9/min bucket was drained it has 6 tokens, 5.999999999999999 in floating point: 3 used, not 4.
    it('a bucket\'s missing tokens carried into a window are not rounded up over a float error', async () => {
      const state = await open();
      const nine: RateLimitSettings = { algorithm: 'token_bucket', perMinute: 9, burst: 9 };
      expect(await drain(state, A, nine, T0)).toBe(9);
      expect(await drain(state, A, { algorithm: 'sliding_window', perMinute: 9, burst: 9 }, T0 + 40_000)).toBe(6);
    });
  });

  runStatusContract(name, open);
}
