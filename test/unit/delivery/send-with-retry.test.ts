import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { createDryRunSender } from '../../../src/delivery/dry-run-sender.js';
import { Secret } from '../../../src/lib/secret.js';
import type { DiscordSender, RawResponse } from '../../../src/delivery/discord-sender.js';
import { sendWithRetry, type SendContext } from '../../../src/delivery/send-with-retry.js';
import { MemoryWebhookState } from '../../../src/store/memory/webhook-state.js';
import { virtualClock } from '../../helpers/virtual-clock.js';

const webhook = { id: '42', url: new Secret('https://discord.com/api/v10/webhooks/42/tok') };
const limits = { algorithm: 'token_bucket' as const, perMinute: 600, burst: 600 };
const planned = { message: { embeds: [{ title: 't' }], allowed_mentions: { parse: [] } }, notificationIds: ['n1'] };
const ok: RawResponse = { status: 200, headers: { 'x-ratelimit-remaining': '4', 'x-ratelimit-reset-after': '1' }, body: { id: 'm1' }, elapsedMs: 12 };
const status = (s: number, body: unknown = {}, headers: Record<string, string> = {}): RawResponse => ({ status: s, headers: { 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '3', ...headers }, body, elapsedMs: 5 });
const reset: RawResponse = { error: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }), elapsedMs: 1 };

/** A sender answering `responses` to its posts in turn, and `gets` to its GETs of the webhook (then 200). */
function scripted(responses: RawResponse[], gets: RawResponse[] = []): DiscordSender & { calls: number; getCalls: number } {
  const sender = {
    calls: 0,
    getCalls: 0,
    async post() {
      const r = responses[sender.calls++];
      if (!r) throw new Error('no more scripted responses');
      return r;
    },
    async get() {
      return gets[sender.getCalls++] ?? ok;
    },
  };
  return sender;
}

function context(sender: DiscordSender, overrides: Partial<SendContext> = {}) {
  const clock = virtualClock();
  const state = new MemoryWebhookState({ failureThreshold: 5, cooldownMs: 60_000 });
  const ctx: SendContext = {
    target: () => ({ webhook, limits }),
    retryAttempts: 3,
    sender: () => sender,
    state,
    clock,
    random: () => 1,
    signal: new AbortController().signal,
    ...overrides,
  };
  return { ctx, clock, state };
}

describe('the retry stage', () => {
  it('sends once when Discord accepts', async () => {
    const sender = scripted([ok]);
    const { ctx } = context(sender);
    expect(await sendWithRetry(ctx, planned)).toEqual({ kind: 'sent', messageId: 'm1', attempts: 1, retries: 0, responseTimeMs: 12 });
  });

  it('a dry run (the dry-run sender answering) leaves the webhook\'s last success unset: no Discord accepted anything', async () => {
    const sender = createDryRunSender(pino({ level: 'silent' }));
    const { ctx, state } = context(sender);
    expect(await sendWithRetry(ctx, planned)).toMatchObject({ kind: 'sent', messageId: 'dry-run-1' });
    expect((await state.status(webhook.id, limits, 0)).lastSuccessAt).toBeUndefined();
    // The real sender's success still records it.
    const real = context(scripted([ok]));
    await sendWithRetry(real.ctx, planned);
    expect((await real.state.status(webhook.id, limits, 0)).lastSuccessAt).toBeDefined();
  });

  it('retries 5xx and resets with exponential backoff and full jitter, capped by retryAttempts', async () => {
    const sender = scripted([status(500), reset, status(502), ok]);
    const { ctx, clock } = context(sender);
    const out = await sendWithRetry(ctx, planned);
    expect(out).toMatchObject({ kind: 'sent', attempts: 4, retries: 3 });
    // random() = 1: the full ceiling, base 500 ms doubling per retry.
    expect(clock.sleeps).toEqual([500, 1000, 2000]);
  });

  it('uses the jitter: random() = 0.25 waits a quarter of the ceiling', async () => {
    const sender = scripted([status(503), status(503), ok]);
    const { ctx, clock } = context(sender, { random: () => 0.25 });
    await sendWithRetry(ctx, planned);
    expect(clock.sleeps).toEqual([125, 250]);
  });

  it('gives up after retryAttempts retries, and one more once Discord answered the webhook, and says why', async () => {
    const sender = scripted([status(500), status(500), status(500), status(500), status(500)]);
    const { ctx, state, clock } = context(sender);
    expect(await sendWithRetry(ctx, planned)).toMatchObject({ kind: 'exhausted', reason: 'server_error', attempts: 5, retries: 4 });
    expect(sender.calls).toBe(5);
    // Discord answered the webhook's GET, then failed the message again: the failures are this message's,
    // which must not hold the queue. The breaker keeps counting them (the 5th opened it): were it closed here,
    // a Discord that answers GETs but fails every post would never open it, and every message would go in turn.
    expect(sender.getCalls).toBe(1);
    const after = await state.status('42', limits, clock.now());
    expect(after.breaker.state).toBe('open');
    expect(after.lastError?.reason).toBe('server_error');
  });

  it('a message that failed just before Discord came back is sent, not dead-lettered', async () => {
    const sender = scripted([status(502), status(502), status(502), status(502), ok]);
    const { ctx } = context(sender);
    expect(await sendWithRetry(ctx, planned)).toMatchObject({ kind: 'sent', attempts: 5, retries: 4 });
    expect(sender.getCalls).toBe(1);
  });

  it('through a Discord outage (the webhook\'s GET fails too) a message that used its retries waits behind the breaker, then is sent', async () => {
    const gateway = status(502, '<html>Bad Gateway</html>');
    const timeout: RawResponse = { error: Object.assign(new Error('timed out'), { name: 'TimeoutError' }), elapsedMs: 10_000 };
    const sender = scripted([gateway, gateway, gateway, gateway, gateway, gateway, ok], [timeout, gateway, gateway]);
    const outages: string[] = [];
    const { ctx, clock, state } = context(sender, { onOutage: (detail) => outages.push(detail) });
    expect(await sendWithRetry(ctx, planned)).toMatchObject({ kind: 'sent', attempts: 7, retries: 6 });
    // Asked after the 4th, 5th and 6th failure; said once.
    expect(sender.getCalls).toBe(3);
    expect(outages).toHaveLength(1);
    expect(outages[0]).toContain('server_error');
    // The 5th failure opened the breaker: the 6th and 7th attempts were its probes, a cooldown apart.
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2 * 60_000);
    expect((await state.status('42', limits, clock.now())).breaker.state).toBe('closed');
  });

  it('once Discord answers the webhook again, a message it still fails on goes to dead letters', async () => {
    const sender = scripted(Array.from({ length: 7 }, () => status(500)), [status(503), status(503)]);
    const { ctx } = context(sender);
    expect(await sendWithRetry(ctx, planned)).toMatchObject({ kind: 'exhausted', reason: 'server_error', attempts: 7, retries: 6 });
    expect(sender.getCalls).toBe(3);
  });

  it('a GET answer that went stale while other replicas\' failures opened the shared breaker neither dead-letters the message nor closes the breaker', async () => {
    // Replica A's message used its retries and Discord answered its GET; then Discord went down: while A backed
    // off, replica B's messages failed five times on the shared (Redis) state and opened the breaker. A's failed
    // probe a cooldown later is the outage's, not its body's.
    const sender = scripted([status(500), status(500), status(500), status(500), status(502), ok], [ok, status(502)]);
    const { ctx, state, clock } = context(sender);
    let retries = 0;
    ctx.onRetry = () => {
      if (++retries === 4) for (let i = 0; i < 5; i++) void state.onFailure('42', 'server_error', '502 from replica B', clock.now());
    };
    expect(await sendWithRetry(ctx, planned)).toMatchObject({ kind: 'sent', attempts: 6 });
    // The failed probe left the breaker open for everyone (the next probe a cooldown later was the 6th attempt).
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2 * 60_000);
    // Asked again after the failed probe: Discord did not answer, so the message waited for the next probe.
    expect(sender.getCalls).toBe(2);
  });

  it('a single other replica\'s failure between the GET answer and the next attempt makes the answer stale: asked again, not dead-lettered', async () => {
    // One failure counted since the GET besides this message's own: Discord failed someone else's post too.
    const sender = scripted([status(500), status(500), status(500), status(500), status(500), ok], [ok, ok]);
    const { ctx, state, clock } = context(sender);
    let retries = 0;
    ctx.onRetry = () => {
      if (++retries === 4) void state.onFailure('42', 'server_error', '500 from replica B', clock.now());
    };
    expect(await sendWithRetry(ctx, planned)).toMatchObject({ kind: 'sent', attempts: 6 });
    expect(sender.getCalls).toBe(2);
  });

  it('a 429 on the webhook\'s GET is no answer: the message that used its retries keeps waiting instead of going to dead letters', async () => {
    const throttled = status(429, { message: 'You are being rate limited.', retry_after: 1, global: false }, { 'retry-after': '1', 'x-ratelimit-scope': 'user' });
    const sender = scripted([status(500), status(500), status(500), status(500), status(500), ok], [throttled]);
    const outages: string[] = [];
    const { ctx } = context(sender, { onOutage: (detail) => outages.push(detail) });
    expect(await sendWithRetry(ctx, planned)).toMatchObject({ kind: 'sent', attempts: 6 });
    expect(outages).toHaveLength(1);
  });

  it('waits out a 429 without using a retry attempt or counting a breaker failure', async () => {
    const throttled = status(429, { message: 'You are being rate limited.', retry_after: 1.5, global: false }, { 'retry-after': '2', 'x-ratelimit-remaining': '0', 'x-ratelimit-scope': 'user' });
    const sender = scripted([throttled, throttled, ok]);
    const { ctx, clock, state } = context(sender, { retryAttempts: 0 });
    // Three requests, no retry: a 429's wait is not one (history, stats and metrics agree on this).
    expect(await sendWithRetry(ctx, planned)).toMatchObject({ kind: 'sent', attempts: 3, retries: 0, lastFailure: 'throttled' });
    // The larger of header (2 s) and body (1.5 s), waited before each resend.
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(4000);
    expect((await state.status('42', limits, clock.now())).breaker.consecutiveFailures).toBe(0);
  });

  it('a 429: the pause is recorded before the response ends the request (Redis: other replicas may send once it has)', async () => {
    const throttled = status(429, { message: 'You are being rate limited.', retry_after: 2 }, { 'retry-after': '2', 'x-ratelimit-scope': 'user' });
    const { ctx, state } = context(scripted([throttled, ok]));
    const calls: string[] = [];
    for (const name of ['onThrottle', 'onResponse'] as const) {
      const original = state[name].bind(state) as (...args: unknown[]) => Promise<void>;
      (state as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => (calls.push(name), original(...args));
    }
    await sendWithRetry(ctx, planned);
    expect(calls).toEqual(['onThrottle', 'onResponse', 'onResponse']);
  });

  it('a request the gates let through is ended even when noting its 429 fails (a store error): its global slot frees a second after', async () => {
    // Else the slot stayed held until the hold lapsed (discord.timeout + 1 s), and on Redis every later
    // request of the webhook answered the one before it, holding a slot for good.
    const throttled = status(429, { message: 'You are being rate limited.', retry_after: 2 }, { 'retry-after': '2', 'x-ratelimit-scope': 'user' });
    const clock = virtualClock();
    const state = new MemoryWebhookState({ globalPerSecond: 1 });
    state.onThrottle = async () => {
      throw new Error('Connection is closed.');
    };
    const { ctx } = context(scripted([throttled]), { state, clock });
    await expect(sendWithRetry(ctx, planned)).rejects.toThrow('Connection is closed.');
    expect(await state.acquire('other-webhook', limits, clock.now() + 1_000)).toEqual({ ok: true });
  });

  it('a request the gates let through is ended even when the sender throws', async () => {
    const clock = virtualClock();
    const state = new MemoryWebhookState({ globalPerSecond: 1 });
    const { ctx } = context(scripted([]), { state, clock });
    await expect(sendWithRetry(ctx, planned)).rejects.toThrow('no more scripted responses');
    expect(await state.acquire('other-webhook', limits, clock.now() + 1_000)).toEqual({ ok: true });
  });

  it('a global 429 pauses every webhook', async () => {
    const global = status(429, { message: 'global', retry_after: 3, global: true }, { 'retry-after': '3', 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' });
    const { ctx, clock, state } = context(scripted([global, ok]));
    await sendWithRetry(ctx, planned);
    // The pause began at the 429 and lasted 3 s; one second before it ended, another webhook was held too.
    const other = await state.acquire('other-webhook', limits, clock.now() - 1000);
    expect(other).toMatchObject({ ok: false, reason: 'global_pause' });
  });

  it('a 429 without rate-limit headers (Cloudflare) pauses everything for minutes', async () => {
    const cf: RawResponse = { status: 429, headers: { 'retry-after': '10' }, body: { message: 'banned', code: 0 }, elapsedMs: 1 };
    const { ctx, clock } = context(scripted([cf, ok]));
    const start = clock.now();
    await sendWithRetry(ctx, planned);
    expect(clock.now() - start).toBeGreaterThanOrEqual(5 * 60_000);
  });

  it('dead-letters a 400 at once with Discord’s error body', async () => {
    const bad = status(400, { message: 'Invalid Form Body', code: 50035, errors: { embeds: { 0: { title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } } } });
    const sender = scripted([bad]);
    const { ctx } = context(sender);
    const out = await sendWithRetry(ctx, planned);
    expect(out).toMatchObject({ kind: 'permanent', reason: 'invalid_body', attempts: 1 });
    expect(out.kind === 'permanent' && out.detail).toContain('50035');
  });

  it('a 400 on the half-open probe closes the breaker: Discord answered, the webhook is healthy', async () => {
    const bad = status(400, { message: 'Invalid Form Body', code: 50035 });
    const { ctx, clock, state } = context(scripted([bad]));
    for (let i = 0; i < 5; i++) await state.onFailure('42', 'server_error', '500', clock.now());
    expect((await state.status('42', limits, clock.now())).breaker.state).toBe('open');
    expect(await sendWithRetry(ctx, planned)).toMatchObject({ kind: 'permanent', attempts: 1 });
    // The wait was the cooldown, the probe was the 400: nothing is open or held any more.
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(60_000);
    const after = await state.status('42', limits, clock.now());
    expect(after.breaker.state).toBe('closed');
    // Nothing was delivered: "last success" (webhook_last_success_timestamp_seconds) is not moved by a 400.
    expect(after.lastSuccessAt).toBeUndefined();
    expect(after.breaker.consecutiveFailures).toBe(0);
  });

  it('keeps to the bucket Discord announces: remaining 0 holds the next request until reset-after', async () => {
    const last: RawResponse = { status: 200, headers: { 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': '2.5' }, body: { id: 'm1' }, elapsedMs: 3 };
    const sender = scripted([last, ok]);
    const { ctx, clock } = context(sender);
    const start = clock.now();
    expect(await sendWithRetry(ctx, planned)).toMatchObject({ kind: 'sent', attempts: 1 });
    expect(clock.sleeps).toEqual([]);
    expect(await sendWithRetry(ctx, planned)).toMatchObject({ kind: 'sent', attempts: 1 });
    // The second request waited for the bucket's reset (2.5 s), not for a 429.
    expect(clock.now() - start).toBeGreaterThanOrEqual(2_500);
    expect(sender.calls).toBe(2);
  });

  it.each([401, 403, 404])('marks the webhook broken on %i and stops hitting it', async (code) => {
    const sender = scripted([status(code, { message: 'Unknown Webhook', code: 10015 })]);
    const { ctx, state } = context(sender);
    expect(await sendWithRetry(ctx, planned)).toMatchObject({ kind: 'broken', reason: 'broken_webhook' });
    expect(await state.isBroken('42')).toBe(true);
    expect(await sendWithRetry(ctx, planned)).toMatchObject({ kind: 'broken', attempts: 0 });
    expect(sender.calls).toBe(1);
  });

  // Each attempt asks for the target anew (a reload may have replaced the URL or removed the webhook).
  it('a 404 for a URL a reload replaced during the request does not mark the webhook broken: the new URL is tried', async () => {
    const rotated = { id: '42', url: new Secret('https://discord.com/api/v10/webhooks/42/new-tok') };
    let current = webhook;
    const urls: string[] = [];
    const sender: DiscordSender = {
      async post(w) {
        urls.push(w.url.reveal());
        if (urls.length === 1) {
          current = rotated; // the reload lands while the request to the deleted webhook is in flight
          return status(404, { message: 'Unknown Webhook', code: 10015 });
        }
        return ok;
      },
      get: async () => ok,
    };
    const { ctx, state } = context(sender, { target: () => ({ webhook: current, limits }) });
    expect(await sendWithRetry(ctx, planned)).toMatchObject({ kind: 'sent', attempts: 2 });
    expect(urls).toEqual([webhook.url.reveal(), rotated.url.reveal()]);
    expect(await state.isBroken('42')).toBe(false);
  });

  it('ends as unconfigured, sending nothing more, once a reload removed the webhook', async () => {
    const sender = scripted([status(500), ok]);
    let configured = true;
    const { ctx } = context(sender, {
      target: () => (configured ? { webhook, limits } : undefined),
      onRetry: () => (configured = false),
    });
    expect(await sendWithRetry(ctx, planned)).toEqual({ kind: 'unconfigured', attempts: 1 });
    expect(sender.calls).toBe(1);
  });

  it('opens the breaker after 5 consecutive failures, waits (no attempts used), then a probe closes it', async () => {
    const sender = scripted([status(500), status(500), status(500), status(500), status(500), ok]);
    const { ctx, clock, state } = context(sender, { retryAttempts: 10 });
    const out = await sendWithRetry(ctx, planned);
    expect(out).toMatchObject({ kind: 'sent', attempts: 6 });
    // The fifth failure opened it: the wait until the half-open probe is the 60 s cooldown.
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(60_000);
    expect((await state.status('42', limits, clock.now())).breaker.state).toBe('closed');
  });

  it('stops at once when aborted (shutdown)', async () => {
    const controller = new AbortController();
    controller.abort();
    const { ctx } = context(scripted([ok]), { signal: controller.signal });
    expect(await sendWithRetry(ctx, planned)).toEqual({ kind: 'aborted', attempts: 0 });
  });

  it('never puts the webhook URL or token in a failure detail', async () => {
    const leaky: RawResponse = { error: new Error('connect ECONNREFUSED https://discord.com/api/v10/webhooks/42/tok'), elapsedMs: 1 };
    const { ctx } = context(scripted([leaky, leaky, leaky, leaky, leaky]));
    const out = await sendWithRetry(ctx, planned);
    expect(JSON.stringify(out)).not.toContain('tok');
  });
});
