import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRedisStore, type RedisStore } from '../../src/store/redis/index.js';
import { redisKeys } from '../../src/store/redis/keys.js';
import type { QueuedItem } from '../../src/store/types.js';
import { CONSUMER_GROUP } from '../../src/store/redis/queue-groups.js';
import { ORDER_WAIT_MAX_MS, heldByAnotherReader } from '../../src/store/redis/queue-turn.js';
import { HOOK_IDS, startBridge, type Bridge } from '../helpers/bridge.js';
import type { RecordedMessage } from '../helpers/fake-discord/index.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { notification } from './store-contract.js';

/**
 * Two replicas on one Redis serve one webhook's queue. A replica holding a firing that Discord keeps failing
 * (an outage, its breaker shared) must not be overtaken by another replica holding the firing's resolve: the
 * channel would show "resolved", then "firing", and the alert would look unresolved for good.
 */
const MONITORING = HOOK_IDS.monitoring!;
const FAST = ['discord:', '  retry_attempts: 1', '  circuit_breaker:', '    failure_threshold: 2', '    cooldown: 1s', ''].join('\n');
const WAIT = { timeout: 20_000, interval: 100 };

let redis: RedisServer;
const bridges: Bridge[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  for (const b of bridges.splice(0)) await b.close();
});
afterAll(async () => {
  await redis?.destroy();
});

const startReplica = (name: string): Promise<Bridge> =>
  startBridge({
    env: { REDIS_URL: redis.url },
    yaml: FAST,
    store: createRedisStore({ url: redis.url, keyPrefix: 'order', queueSize: 100, historyMaxEntries: 100, historyRetentionMs: 86_400_000, consumerName: name, visibilityTimeoutMs: 30_000 }),
  }).then((b) => (bridges.push(b), b));

function amBody(status: 'firing' | 'resolved'): unknown {
  const startsAt = '2026-11-29T10:00:00Z';
  return {
    version: '4', groupKey: '{}:{alertname="DiskFull"}', truncatedAlerts: 0, status, receiver: 'alertcord',
    groupLabels: { alertname: 'DiskFull' }, commonLabels: { alertname: 'DiskFull', severity: 'warning' }, commonAnnotations: {},
    externalURL: 'http://am.example', alerts: [{
      status, labels: { alertname: 'DiskFull', instance: 'web-1', severity: 'warning' }, annotations: { summary: 'Disk full on web-1' },
      startsAt, endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : '2026-11-29T10:05:00Z', generatorURL: '', fingerprint: 'aaaabbbbccccdddd',
    }],
  };
}

const titles = (messages: readonly RecordedMessage[]): string[] =>
  [...messages].sort((x, y) => x.receivedAt - y.receivedAt).flatMap((m) => ((m.body as { embeds?: { title?: string }[] }).embeds ?? []).map((e) => e.title ?? ''));

describe('Redis: two replicas, one queue, Discord failing', () => {
  it('a resolve queued behind a firing another replica holds is not sent before that firing', async () => {
    const a = await startReplica('replica-a');
    a.fake.setDown({ status: 502, body: '<html>502 Bad Gateway</html>' });
    expect((await a.post('/webhook/alertmanager', amBody('firing'))).status).toBe(202);
    // a holds the firing and fails on it until its breaker (shared through Redis) opens.
    await expect.poll(async () => (await a.runtime.state.status(MONITORING, { perMinute: 30, burst: 30, algorithm: 'token_bucket' }, Date.now())).breaker.consecutiveFailures, WAIT).toBeGreaterThanOrEqual(2);
    const b = await startReplica('replica-b');
    expect((await b.post('/webhook/alertmanager', amBody('resolved'))).status).toBe(202);
    // Several breaker probes go by (b's path to Discord works: any probe of its own would deliver).
    const seen = a.fake.requests.length;
    await expect.poll(() => a.fake.requests.length, WAIT).toBeGreaterThanOrEqual(seen + 8);
    a.fake.setDown(null);
    const all = (): RecordedMessage[] => [...a.fake.messagesFor(MONITORING), ...b.fake.messagesFor(MONITORING)];
    await expect.poll(() => all().length, WAIT).toBe(2);
    expect(titles(all()).map((t) => t.split(':')[0])).toEqual(['🔥 FIRING', '✅ RESOLVED']);
  }, 60_000);
});

describe('Redis: how long replicas wait for the one holding an older entry', () => {
  // A replica that reaches Redis but not Discord renews its lease and never gives its entry up (an outage
  // dead-letters nothing): waited for without end, it would hold its webhook's queue on every replica.
  it('waits while the older entry was queued within ORDER_WAIT_MAX_MS, not after', async () => {
    const r = new Redis(redis.url);
    try {
      // Two streams: the older entry queued 1 minute ago (within the bound) and 6 minutes ago (past it), by Redis' clock.
      const [sec] = await r.time();
      const now = Number(sec) * 1000;
      const held = async (stream: string, agoMs: number, reader: string): Promise<boolean> => {
        const t = now - agoMs;
        await r.xadd(stream, `${t}-0`, 'n', 'older');
        await r.xadd(stream, `${t + 1}-0`, 'n', 'newer');
        await r.xgroup('CREATE', stream, CONSUMER_GROUP, '0');
        // Replica "other" holds the older entry (just read: live).
        await r.xreadgroup('GROUP', CONSUMER_GROUP, 'other', 'COUNT', 1, 'STREAMS', stream, '>');
        return heldByAnotherReader(r, stream, reader, 30_000, [`${t + 1}-0`]);
      };
      expect(await held('turn-within', 60_000, 'me')).toBe(true);
      expect(await held('turn-past', ORDER_WAIT_MAX_MS + 60_000, 'me')).toBe(false);
      // Its own older entry never holds a replica back.
      expect(await held('turn-own', 60_000, 'other')).toBe(false);
    } finally {
      r.disconnect();
    }
  });
});

describe('Redis: the turn check itself', () => {
  const Q = '223456789012345678';
  const stores: RedisStore[] = [];
  const open = (name: string, keyPrefix: string): RedisStore => {
    const store = createRedisStore({ url: redis.url, keyPrefix, queueSize: 100, historyMaxEntries: 10, historyRetentionMs: 60_000, consumerName: name, visibilityTimeoutMs: 30_000 });
    stores.push(store);
    return store;
  };
  afterEach(async () => {
    vi.useRealTimers();
    for (const s of stores.splice(0)) await s.close();
  });

  /** Redis' clock (stream ids are written by it), in ms. */
  async function redisNow(r: Redis): Promise<number> {
    const [s, us] = await r.time();
    return Number(s) * 1000 + Math.floor(Number(us) / 1000);
  }

  // Replica "other" holds (live) an entry queued `agoMs` before now by Redis' clock; "me" then has a newer one.
  async function olderHeldByOther(keyPrefix: string, agoMs: number): Promise<RedisStore> {
    const r = new Redis(redis.url);
    try {
      const at = (await redisNow(r)) - agoMs;
      await r.xadd(redisKeys(keyPrefix).stream(Q), `${at}-0`, 'n', JSON.stringify(notification('older')), 't', String(at));
    } finally {
      r.disconnect();
    }
    expect((await open('other', keyPrefix).queue.read(Q, 1, 0)).map((i) => i.notification.id)).toEqual(['older']);
    const me = open('me', keyPrefix);
    await me.queue.enqueue(Q, notification('newer'));
    return me;
  }

  it("judges an entry's age by Redis' clock, not by a replica's clock minutes behind or ahead", async () => {
    // Queued 6 minutes ago: past ORDER_WAIT_MAX_MS, "me" delivers what is newer, though its clock is 10 minutes behind.
    const behind = await olderHeldByOther('skew-behind', 6 * 60_000);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() - 10 * 60_000);
    expect((await behind.queue.read(Q, 10, 0)).map((i) => i.notification.id)).toEqual(['newer']);
    vi.useRealTimers();
    // Queued a minute ago: "me" waits for "other", though its clock is 10 minutes ahead.
    const ahead = await olderHeldByOther('skew-ahead', 60_000);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 10 * 60_000);
    expect(await ahead.queue.read(Q, 10, 0)).toEqual([]);
  });

  it('a failed turn check does not strand what the read took: it is not held until the visibility timeout', async () => {
    const me = open('me', 'turn-fails');
    await me.queue.enqueue(Q, notification('only'));
    // Redis stalls on the check (a fork, a slow command): its command times out once.
    const conn = (me.queue as unknown as { redis: Redis }).redis;
    const call = conn.call.bind(conn) as (...args: unknown[]) => Promise<unknown>;
    let failed = 0;
    (conn as unknown as { call: (...args: unknown[]) => Promise<unknown> }).call = (...args: unknown[]) =>
      String(args[0]).toLowerCase() === 'xpending' && String(args[4]).startsWith('(') && failed++ === 0 ? Promise.reject(new Error('Command timed out')) : call(...args);
    const got: QueuedItem[] = [];
    for (let i = 0; i < 2; i++) got.push(...(await me.queue.read(Q, 10, 0).catch(() => [])));
    expect(failed).toBeGreaterThan(0);
    expect(got.map((i) => i.notification.id)).toEqual(['only']);
  });
});
