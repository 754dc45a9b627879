import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RateLimitSettings } from '../../src/config/types.js';
import { CLOUDFLARE_BAN_MIN_MS } from '../../src/delivery/classify-throttle.js';
import type { GateDecision } from '../../src/delivery/webhook-state.js';
import { createConnection, whenReady } from '../../src/store/redis/connection.js';
import { IN_FLIGHT_LEASE_MS, RedisWebhookState, type RedisWebhookStateOptions } from '../../src/store/redis/webhook-state.js';
import type { DiscordSender, RawResponse } from '../../src/delivery/discord-sender.js';
import { sendWithRetry } from '../../src/delivery/send-with-retry.js';
import { Secret } from '../../src/lib/secret.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { virtualClock } from '../helpers/virtual-clock.js';
import { runWebhookStateContract } from './webhook-state-contract.js';
import { LIMITS, T0, WIDE, refused } from './webhook-state-fixtures.js';

const PREFIX = 'alertcord';
const A = '123456789012345678';
const C = '223456789012345678';

let server: RedisServer;
let admin: Redis;
const connections: Redis[] = [];

/** One replica: its own connection, built as the store builds it (command timeout, no offline queue). */
function replica(options: Partial<RedisWebhookStateOptions> = {}): RedisWebhookState {
  const redis = createConnection({ url: server.url, commandTimeoutMs: 1_500, random: Math.random });
  connections.push(redis);
  return new RedisWebhookState({ redis, keyPrefix: PREFIX, ...options });
}

async function closeAll(): Promise<void> {
  await Promise.all(connections.splice(0).map((c) => c.quit().catch(() => c.disconnect())));
}

beforeAll(async () => {
  server = await startRedis({ appendonly: false });
  admin = createConnection({ url: server.url, commandTimeoutMs: 1_500, random: Math.random });
  await whenReady(admin, 5_000);
});

afterAll(async () => {
  await admin?.quit();
  await server?.destroy();
});

beforeEach(async () => {
  await admin.flushdb();
});

afterEach(closeAll);

runWebhookStateContract('RedisWebhookState', async (options) => ({ state: replica(options), cleanup: closeAll }));

const okCount = (decisions: GateDecision[]): number => decisions.filter((d) => d.ok).length;

/** One request as send-with-retry makes it: acquire, and when allowed, its answer (no headers) at once. */
async function request(state: RedisWebhookState, now: number): Promise<GateDecision> {
  const decision = await state.acquire(A, LIMITS, now);
  if (decision.ok) await state.onResponse(A, undefined, now);
  return decision;
}

describe('RedisWebhookState: two replicas act as one', () => {
  it('30/min with burst 30: interleaved acquires from both → exactly 30 at one now', async () => {
    const [one, two] = [replica(), replica()];
    let sent = 0;
    for (let i = 0; i < 40; i++) if ((await request(i % 2 === 0 ? one : two, T0)).ok) sent++;
    expect(sent).toBe(30);
    expect(await one.acquire(A, LIMITS, T0)).toEqual(refused('rate_limit', 2_000));
    expect(await request(two, T0 + 2_000)).toEqual({ ok: true });
    expect(await one.acquire(A, LIMITS, T0 + 2_000)).toEqual(refused('rate_limit', 2_000));
  });

  it('concurrent acquires from both (one pipeline each) still let exactly the limit through', async () => {
    const [one, two] = [replica(), replica()];
    const racing = (state: RedisWebhookState) => Array.from({ length: 50 }, () => state.acquire(A, LIMITS, T0));
    expect(okCount(await Promise.all([...racing(one), ...racing(two)]))).toBe(30);
    const window: RateLimitSettings = { algorithm: 'sliding_window', perMinute: 7, burst: 7 };
    const both = await Promise.all([...Array.from({ length: 20 }, () => one.acquire(C, window, T0)), ...Array.from({ length: 20 }, () => two.acquire(C, window, T0))]);
    expect(okCount(both)).toBe(7);
    expect(await two.acquire(C, window, T0 + 59_999)).toEqual(refused('rate_limit', 1));
  });

  // Each replica rebuilt a full limiter whenever the stored settings were not its own: while a reload has
  // reached one replica and not the other (or their configs differ), alternating requests had no limit.
  it('replicas whose settings differ (a reload reaching one first) never let more through than the larger limit', async () => {
    const [one, two] = [replica(), replica()];
    const theirs: RateLimitSettings = { algorithm: 'token_bucket', perMinute: 20, burst: 20 };
    let sent = 0;
    for (let i = 0; i < 100; i++) {
      const [state, limits] = i % 2 === 0 ? [one, LIMITS] : [two, theirs];
      const decision = await state.acquire(A, limits, T0);
      if (decision.ok) {
        sent++;
        await state.onResponse(A, undefined, T0);
      }
    }
    expect(sent).toBeLessThanOrEqual(30);
    expect(sent).toBeGreaterThanOrEqual(20); // not stuck either: at least the smaller limit
    const window: RateLimitSettings = { algorithm: 'sliding_window', perMinute: 20, burst: 20 };
    let mixed = 0;
    for (let i = 0; i < 100; i++) {
      const [state, limits] = i % 2 === 0 ? [one, LIMITS] : [two, window];
      if ((await state.acquire(C, limits, T0)).ok) {
        mixed++;
        await state.onResponse(C, undefined, T0);
      }
    }
    expect(mixed).toBeLessThanOrEqual(30);
    expect(mixed).toBeGreaterThanOrEqual(20); // not stuck either: at least the smaller limit
  });

  // Redis keeps a bucket's tokens under a window: back to the bucket (a replica still on the old config), what
  // it had used is still used, however few sends the window log holds by then. 10/min, burst 20, drained at
  // T0: 60 s later it has refilled 10, not 20, although the window's log has emptied.
  it('a bucket → window → bucket change and back does not refill the bucket beyond its own rate', async () => {
    const one = replica();
    const bucket: RateLimitSettings = { algorithm: 'token_bucket', perMinute: 10, burst: 20 };
    let sent = 0;
    while ((await one.acquire(A, bucket, T0)).ok) sent++;
    expect(sent).toBe(20);
    expect(await one.acquire(A, { algorithm: 'sliding_window', perMinute: 60, burst: 60 }, T0)).toEqual({ ok: true });
    let after = 0;
    while ((await one.acquire(A, bucket, T0 + 60_001)).ok) after++;
    expect(after).toBe(10);
  });

  it('a 429 seen by one pauses the webhook for the other', async () => {
    const [one, two] = [replica(), replica()];
    await one.onThrottle(A, 'webhook', T0 + 1_500, T0);
    expect(await two.acquire(A, LIMITS, T0)).toEqual(refused('discord_pause', 1_500));
    await two.onResponse(A, { limit: 5, remaining: 0, resetAfterMs: 3_000 }, T0 + 1_500);
    expect(await one.acquire(A, LIMITS, T0 + 2_000)).toEqual(refused('discord_pause', 2_500));
    expect(await one.acquire(A, LIMITS, T0 + 4_500)).toEqual({ ok: true });
  });

  it("a global pause or Cloudflare ban on one pauses the other's webhooks too", async () => {
    const [one, two] = [replica(), replica()];
    await one.onThrottle(A, 'global', T0 + 2_000, T0);
    expect(await two.acquire(C, LIMITS, T0 + 500)).toEqual(refused('global_pause', 1_500));
    expect(await two.acquire(C, LIMITS, T0 + 2_000)).toEqual({ ok: true });
    await two.onThrottle(C, 'cloudflare', T0 + 3_000, T0 + 2_000);
    expect(await one.acquire(A, LIMITS, T0 + 3_000)).toEqual(refused('cloudflare_ban', CLOUDFLARE_BAN_MIN_MS - 1_000));
    expect(await one.status(A, LIMITS, T0 + 3_000)).toMatchObject({ pausedUntil: T0 + 2_000 + CLOUDFLARE_BAN_MIN_MS, pauseReason: 'cloudflare' });
  });

  it('the global rate is one budget for all replicas; a refusal there takes nothing from the webhook', async () => {
    const [one, two] = [replica({ globalPerSecond: 3 }), replica({ globalPerSecond: 3 })];
    const senders = [one, two, one, two, one];
    expect(okCount(await Promise.all(senders.map((s, i) => s.acquire(`w${i}`, WIDE, T0))))).toBe(3);
    // Each replica ends its own requests; the slots then free a second after the answers.
    await Promise.all(senders.map((s, i) => s.onResponse(`w${i}`, undefined, T0)));
    const tight: RateLimitSettings = { algorithm: 'token_bucket', perMinute: 1, burst: 1 };
    expect(await two.acquire(A, tight, T0 + 500)).toEqual(refused('global_rate', 500));
    expect(await one.acquire(A, tight, T0 + 1_000)).toEqual({ ok: true }); // its one token was given back
  });

  it('breaker failures from both add up; the half-open probe goes to one replica only', async () => {
    const [one, two] = [replica(), replica()];
    for (let i = 0; i < 3; i++) await one.onFailure(A, 'server_error', 'HTTP 502', T0);
    expect(await two.acquire(A, LIMITS, T0)).toEqual({ ok: true });
    for (let i = 0; i < 2; i++) await two.onFailure(A, 'timeout', 'no answer in 10 s', T0);
    expect(await one.acquire(A, LIMITS, T0)).toEqual(refused('breaker_open', 60_000));
    expect((await two.status(A, LIMITS, T0)).breaker).toEqual({ state: 'open', consecutiveFailures: 5, openedAt: T0 });
    const probes = await Promise.all([one, two, one, two].map((s) => s.acquire(A, LIMITS, T0 + 60_000)));
    expect(okCount(probes)).toBe(1);
    await one.onSuccess(A, T0 + 60_100);
    // The probe's answer ends its request, whichever replica made it.
    for (const s of [one, two]) await s.onResponse(A, undefined, T0 + 60_100);
    expect(await two.acquire(A, LIMITS, T0 + 60_100)).toEqual({ ok: true });
  });

  it('one request at a time across replicas: the other waits for its answer, then for the pause that answer calls for', async () => {
    const [one, two] = [replica(), replica()];
    expect(await one.acquire(A, LIMITS, T0)).toEqual({ ok: true });
    // In flight on one: two polls instead of sending beside it (the answer may be Remaining 0).
    expect(await two.acquire(A, LIMITS, T0 + 5)).toEqual(refused('in_flight', 20));
    // one's own next request is its worker's business, not held.
    expect(await one.acquire(A, LIMITS, T0 + 5)).toEqual({ ok: true });
    await one.onResponse(A, { limit: 5, remaining: 0, resetAfterMs: 1_500, bucket: 'b1' }, T0 + 10);
    expect(await two.acquire(A, LIMITS, T0 + 10)).toEqual(refused('discord_pause', 1_500));
    expect(await two.acquire(A, LIMITS, T0 + 1_510)).toEqual({ ok: true });
  });

  it('a 429 answer: the pause is in before the request ends, so the other never sends in between', async () => {
    const [one, two] = [replica(), replica()];
    expect(await one.acquire(A, LIMITS, T0)).toEqual({ ok: true });
    await one.onThrottle(A, 'webhook', T0 + 3_000, T0 + 10);
    expect(await two.acquire(A, LIMITS, T0 + 10)).toEqual(refused('discord_pause', 2_990));
    await one.onResponse(A, { limit: 5, remaining: 0, resetAfterMs: 3_000, bucket: 'b1' }, T0 + 10);
    expect(await two.acquire(A, LIMITS, T0 + 3_010)).toEqual({ ok: true });
  });

  it('a replica killed mid-request (no answer ever) holds the webhook only for the in-flight lease', async () => {
    expect(IN_FLIGHT_LEASE_MS).toBeLessThanOrEqual(2_000); // README: "holds the webhook for at most 2 s"
    const [one, two] = [replica(), replica()];
    expect(await one.acquire(A, LIMITS, T0)).toEqual({ ok: true });
    expect(await two.acquire(A, LIMITS, T0 + IN_FLIGHT_LEASE_MS - 1)).toEqual(refused('in_flight', 1));
    expect(await two.acquire(A, LIMITS, T0 + IN_FLIGHT_LEASE_MS)).toEqual({ ok: true });
    // one's late answer does not end two's request.
    await one.onResponse(A, undefined, T0 + IN_FLIGHT_LEASE_MS + 1);
    expect(await one.acquire(A, LIMITS, T0 + IN_FLIGHT_LEASE_MS + 1)).toEqual(refused('in_flight', 20));
  });

  it('a request the global gate refused is no request: its in-flight lease is given back', async () => {
    const [one, two] = [replica({ globalPerSecond: 1 }), replica({ globalPerSecond: 1 })];
    expect(await one.acquire(C, LIMITS, T0)).toEqual({ ok: true });
    await one.onResponse(C, undefined, T0);
    expect(await one.acquire(A, LIMITS, T0 + 1)).toEqual(refused('global_rate', 999));
    expect(await two.acquire(A, LIMITS, T0 + 1_000)).toEqual({ ok: true });
  });

  it('a request holds its global slot on every replica until its answer; one never answered, until its hold lapses', async () => {
    const [one, two] = [replica({ globalPerSecond: 1, globalInFlightMaxMs: 11_000 }), replica({ globalPerSecond: 1, globalInFlightMaxMs: 11_000 })];
    expect(await one.acquire(A, LIMITS, T0)).toEqual({ ok: true });
    expect(await two.acquire(C, LIMITS, T0 + 5_000)).toEqual(refused('global_rate', 1_000));
    await one.onResponse(A, undefined, T0 + 5_000);
    expect(await two.acquire(C, LIMITS, T0 + 5_500)).toEqual(refused('global_rate', 500));
    expect(await two.acquire(C, LIMITS, T0 + 6_000)).toEqual({ ok: true });
    // two dies before C's answer: its slot lapses after the hold, not at once and not never.
    expect(await one.acquire(A, LIMITS, T0 + 16_999)).toMatchObject(refused('global_rate'));
    expect(await one.acquire(A, LIMITS, T0 + 17_000)).toEqual({ ok: true });
  });

  it('a 429 whose pause could not be noted (Redis away a moment) does not leave the webhook\'s later requests holding global slots', async () => {
    const options = { globalPerSecond: 1, globalInFlightMaxMs: 11_000 };
    const [one, two] = [replica(options), replica(options)];
    const url = new Secret(`https://discord.com/api/v10/webhooks/${A}/tok`);
    const throttled: RawResponse = { status: 429, headers: { 'retry-after': '1', 'x-ratelimit-scope': 'user' }, body: { message: 'slow down', retry_after: 1 }, elapsedMs: 1 };
    const ok: RawResponse = { status: 200, headers: {}, body: { id: 'm1' }, elapsedMs: 1 };
    const answers = [throttled, ok, ok];
    const sender: DiscordSender = { post: async () => answers.shift() ?? ok, get: async () => ok };
    const noted = one.onThrottle.bind(one);
    one.onThrottle = async () => {
      one.onThrottle = noted; // the next 429 is noted
      throw new Error('Command timed out');
    };
    const virtual = virtualClock(T0);
    const ctx = { target: () => ({ webhook: { id: A, url }, limits: WIDE }), retryAttempts: 3, sender: () => sender, state: one, clock: virtual, random: () => 1, signal: new AbortController().signal };
    const message = { message: { embeds: [{ title: 't' }], allowed_mentions: { parse: [] } }, notificationIds: ['n1'] };
    await expect(sendWithRetry(ctx, message)).rejects.toThrow('Command timed out');
    // The worker sends the batch again later, and again: each answered request frees its slot a second after.
    for (const at of [T0 + 2_000, T0 + 30_000]) {
      virtual.advance(at - virtual.now());
      expect(await sendWithRetry(ctx, message)).toMatchObject({ kind: 'sent' });
      expect(await two.acquire(C, WIDE, virtual.now() + 1_000)).toEqual({ ok: true });
      await two.onResponse(C, undefined, virtual.now() + 1_000);
    }
    expect(await admin.zcard(`${PREFIX}:{gate}:flight`)).toBe(0);
  });

  it('a broken mark is seen by both, and a clear by either', async () => {
    const [one, two] = [replica(), replica()];
    await one.markBroken(A, 'HTTP 404: Unknown Webhook', T0);
    expect(await two.isBroken(A)).toBe(true);
    expect(await two.acquire(A, LIMITS, T0)).toMatchObject(refused('broken'));
    await two.markBroken(A, 'HTTP 401', T0 + 1_000);
    expect((await one.status(A, LIMITS, T0 + 1_000)).broken).toEqual({ reason: 'HTTP 401', since: T0 });
    await two.clearBroken(A);
    expect(await one.isBroken(A)).toBe(false);
    expect(await one.acquire(A, LIMITS, T0)).toEqual({ ok: true });
  });
});

// A hash field that is no finite number ('nan', 'inf': another version or a hand edit wrote it) read as one
// in Lua (tonumber takes both): a token bucket stamped 'nan' never refilled again (rate_limit forever), an
// 'inf' pause refused forever with a NaN wait (a worker spinning on it), and a 'nan' pause kept every later
// pause from being written (a Remaining 0 or a 429 ignored). /api/status reads such a field as absent.
describe('RedisWebhookState: a hash field that is no finite number reads as absent', () => {
  const stateKey = `${PREFIX}:{wh:${A}}:state`;

  it("the token bucket's time and the Discord pause", async () => {
    const state = replica();
    await admin.hset(stateKey, { limiterSettings: `token_bucket:30:30`, tokens: '0', tokensAt: 'nan', pausedUntil: 'inf' });
    expect((await state.status(A, LIMITS, T0)).pausedUntil).toBeUndefined();
    expect(await state.acquire(A, LIMITS, T0)).toEqual(refused('rate_limit', 2_000));
    await state.onResponse(A, undefined, T0);
    expect(await state.acquire(A, LIMITS, T0 + 2_000)).toEqual({ ok: true });
    await state.onResponse(A, undefined, T0 + 2_000);
    await admin.hset(stateKey, 'pausedUntil', 'nan');
    await state.onThrottle(A, 'webhook', T0 + 5_000, T0 + 2_000);
    expect(await state.acquire(A, LIMITS, T0 + 2_000)).toEqual(refused('discord_pause', 3_000));
  });

  it('the breaker: an opened time that is no number neither holds every send as a probe nor keeps the breaker from opening', async () => {
    const state = replica();
    await admin.hset(stateKey, { openedAt: 'nan' });
    expect(await state.acquire(A, WIDE, T0)).toEqual({ ok: true });
    await state.onResponse(A, undefined, T0);
    expect(await state.acquire(A, WIDE, T0 + 1)).toEqual({ ok: true });
    await state.onResponse(A, undefined, T0 + 1);
    for (let i = 0; i < 5; i++) await state.onFailure(A, 'server_error', 'HTTP 502', T0 + 2);
    expect(await state.acquire(A, WIDE, T0 + 2)).toEqual(refused('breaker_open', 60_000));
  });
});

describe('RedisWebhookState: a message that used its retries, across replicas', () => {
  it('a GET answer that went stale while the other replica\'s failures opened the breaker neither dead-letters the message nor closes the breaker', async () => {
    const a = replica();
    const b = replica();
    const url = new Secret(`https://discord.com/api/v10/webhooks/${A}/tok`);
    const answers: RawResponse[] = [500, 500, 500, 500, 502].map((status) => ({ status, headers: {}, body: {}, elapsedMs: 1 }));
    const gets: RawResponse[] = [{ status: 200, headers: {}, body: { id: A }, elapsedMs: 1 }, { status: 502, headers: {}, body: {}, elapsedMs: 1 }];
    const ok: RawResponse = { status: 200, headers: {}, body: { id: 'm1' }, elapsedMs: 1 };
    const sender: DiscordSender = { post: async () => answers.shift() ?? ok, get: async () => gets.shift() ?? ok };
    const virtual = virtualClock(T0);
    // Replica A's message used its retries and Discord answered its GET; then Discord went down: while A backs
    // off, replica B's messages fail five times and open the shared breaker.
    let retries = 0;
    let others: Promise<unknown> = Promise.resolve();
    const out = await sendWithRetry({
      target: () => ({ webhook: { id: A, url }, limits: WIDE }),
      retryAttempts: 3,
      sender: () => sender,
      state: a,
      clock: { now: virtual.now, sleep: async (ms, signal) => { await others; await virtual.sleep(ms, signal); } },
      random: () => 1,
      signal: new AbortController().signal,
      onRetry: () => {
        if (++retries === 4) others = Promise.all(Array.from({ length: 5 }, () => b.onFailure(A, 'server_error', '502 at replica B', virtual.now())));
      },
    }, { message: { embeds: [{ title: 't' }], allowed_mentions: { parse: [] } }, notificationIds: ['n1'] });
    // A's failed probe was the outage's, not its body's: asked again, then sent at the next probe.
    expect(out).toMatchObject({ kind: 'sent', attempts: 6 });
    expect(gets).toEqual([]);
  });
});

describe('RedisWebhookState: keys', () => {
  it('names webhooks by id under the prefix, one hash tag per webhook and one for the gate', async () => {
    const state = replica();
    const odd = 'a{b}:c';
    await state.acquire(odd, { algorithm: 'sliding_window', perMinute: 5, burst: 5 }, T0);
    expect(await admin.exists(`${PREFIX}:{gate}:flight`)).toBe(1); // the request out holds a global slot
    await state.onResponse(odd, undefined, T0); // answered: the slot is in the 1 s log now
    await state.onFailure(A, 'server_error', 'HTTP 500', T0);
    await state.onThrottle(A, 'global', T0 + 1_000, T0);
    expect((await admin.keys('*')).sort()).toEqual([
      `${PREFIX}:{gate}:pause`,
      `${PREFIX}:{gate}:rate`,
      `${PREFIX}:{wh:${A}}:state`,
      `${PREFIX}:{wh:a%7Bb%7D%3Ac}:state`,
      `${PREFIX}:{wh:a%7Bb%7D%3Ac}:window`,
    ]);
  });

  it('two prefixes on one Redis do not share state', async () => {
    const one = replica();
    const other = replica({ keyPrefix: 'staging' });
    await one.markBroken(A, 'HTTP 404', T0);
    await one.onThrottle(A, 'global', T0 + 5_000, T0);
    expect(await other.isBroken(A)).toBe(false);
    expect(await other.acquire(A, LIMITS, T0)).toEqual({ ok: true });
  });

  it('rejects bad options and limiter settings like the memory store', async () => {
    expect(() => replica({ failureThreshold: 0 })).toThrow(RangeError);
    await expect(replica().acquire(A, { algorithm: 'token_bucket', perMinute: 0.5, burst: 1 }, T0)).rejects.toThrow(RangeError);
  });
});

describe('RedisWebhookState: Redis unreachable', () => {
  it('calls reject within the bound instead of hanging, and work again once Redis is back', async () => {
    const state = replica({ commandTimeoutMs: 500 });
    expect(await state.acquire(A, LIMITS, T0)).toEqual({ ok: true });
    await server.stop();
    try {
      const started = Date.now();
      await expect(state.acquire(A, LIMITS, T0)).rejects.toThrow();
      await expect(state.onThrottle(A, 'global', T0 + 1_000, T0)).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(2_500);
    } finally {
      await server.restart();
      await whenReady(admin, 5_000);
    }
    await whenReady(connections[0]!, 5_000);
    expect(await state.acquire(A, LIMITS, T0)).toEqual({ ok: true });
  });
});
