import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/store/redis/index.js';
import { CONSUMER_GROUP } from '../../src/store/redis/queue-groups.js';
import { ORDER_WAIT_MAX_MS, heldByAnotherReader } from '../../src/store/redis/queue-turn.js';
import { HOOK_IDS, startBridge, type Bridge } from '../helpers/bridge.js';
import type { RecordedMessage } from '../helpers/fake-discord/index.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';

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
      const stream = 'turn-bound';
      const t = 1_700_000_000_000;
      await r.xadd(stream, `${t}-0`, 'n', 'older');
      await r.xadd(stream, `${t + 1}-0`, 'n', 'newer');
      await r.xgroup('CREATE', stream, CONSUMER_GROUP, '0');
      // Replica "other" holds the older entry (just read: live).
      await r.xreadgroup('GROUP', CONSUMER_GROUP, 'other', 'COUNT', 1, 'STREAMS', stream, '>');
      expect(await heldByAnotherReader(r, stream, 'me', 30_000, [`${t + 1}-0`], t + 60_000)).toBe(true);
      expect(await heldByAnotherReader(r, stream, 'me', 30_000, [`${t + 1}-0`], t + ORDER_WAIT_MAX_MS + 1)).toBe(false);
      // Its own older entry never holds a replica back.
      expect(await heldByAnotherReader(r, stream, 'other', 30_000, [`${t + 1}-0`], t + 60_000)).toBe(false);
    } finally {
      r.disconnect();
    }
  });
});
