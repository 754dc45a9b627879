import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { statusReport } from '../../src/ops/status.js';
import { createRedisStore, type RedisStore } from '../../src/store/redis/index.js';
import { RedisWebhookState } from '../../src/store/redis/webhook-state.js';
import { useRedisForFile } from '../helpers/redis-for-file.js';

/**
 * A Redis whose `maxmemory-policy` evicts keys when full (ElastiCache's default `volatile-lru`, a cache's
 * `allkeys-lru`) may drop queued alerts, dedupe claims or rate-limit windows without a word: alertcord says
 * so at connect and in /api/status (`store.warning`), naming the policy and the fix.
 */

const redis = useRedisForFile({ appendonly: false, maxmemory: '50mb', maxmemoryPolicy: 'allkeys-lru' }, (admin) => admin.config('SET', 'maxmemory-policy', 'allkeys-lru'));


function redisStore(warnings: string[]): RedisStore {
  const store = createRedisStore({ url: redis.server.url, queueSize: 100, historyMaxEntries: 100, historyRetentionMs: 3_600_000, consumerName: 'policy', commandTimeoutMs: 1_500, onWarning: (m) => warnings.push(m) });
  redis.opened.push(store);
  return store;
}

describe('maxmemory-policy', () => {
  it('allkeys-lru: warned once at connect, naming the policy, what it may drop (queued alerts) and the fix; /api/status carries it', async () => {
    const warnings: string[] = [];
    const store = redisStore(warnings);
    await expect.poll(() => warnings.filter((w) => w.includes('maxmemory-policy'))).toHaveLength(1);
    expect(warnings[0]).toMatch(/maxmemory-policy is allkeys-lru/);
    expect(warnings[0]).toMatch(/queued notifications/);
    expect(warnings[0]).toMatch(/noeviction/);
    const check = await store.ping();
    expect(check.ok).toBe(true); // the store takes alerts: a risk to fix, not a reason to refuse them
    expect(check.warning).toMatch(/maxmemory-policy is allkeys-lru/);
    const { config } = loadConfigOrThrow({ env: { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/general-token' }, yaml: '' });
    const report = await statusReport({ config: () => config, store, state: new RedisWebhookState({ redis: store.connection, keyPrefix: 'alertcord' }), startedAt: Date.now(), now: Date.now });
    expect(report.store).toEqual({ kind: 'redis', ok: true, warning: warnings[0] });
  });

  // A Redis that refuses writes (here NOREPLICAS: no replica to write with) is the time an operator reads
  // /api/status closely: the eviction risk is still named beside the refusal.
  it('a store that refuses writes still carries the warning beside the refusal', async () => {
    const warnings: string[] = [];
    const store = redisStore(warnings);
    await expect.poll(() => warnings.length).toBe(1);
    await redis.admin.config('SET', 'min-replicas-to-write', '1');
    try {
      expect(await store.ping()).toEqual({ ok: false, message: expect.stringMatching(/^redis refuses writes: NOREPLICAS/), warning: warnings[0] });
    } finally {
      await redis.admin.config('SET', 'min-replicas-to-write', '0');
    }
  });

  it('is read again at each reconnect (a failover may lead to a server configured otherwise): noeviction clears it, volatile-lru warns about keys with a TTL', async () => {
    const warnings: string[] = [];
    const store = redisStore(warnings);
    await expect.poll(() => warnings.length).toBe(1);
    await redis.admin.config('SET', 'maxmemory-policy', 'noeviction');
    store.connection.disconnect(true);
    await expect.poll(async () => (await store.ping()).warning ?? 'none').toBe('none');
    await redis.admin.config('SET', 'maxmemory-policy', 'volatile-lru');
    store.connection.disconnect(true);
    await expect.poll(() => warnings.length).toBe(2);
    expect(warnings[1]).toMatch(/maxmemory-policy is volatile-lru.*dedupe claims/);
    expect((await store.ping()).warning).toBe(warnings[1]);
  });

  it('noeviction (Redis\' default): no warning', async () => {
    await redis.admin.config('SET', 'maxmemory-policy', 'noeviction');
    const warnings: string[] = [];
    const store = redisStore(warnings);
    expect(await store.ping()).toEqual({ ok: true });
    // The check runs at connect, beside the ping: give it the time of a few more commands.
    await store.queue.depth('any');
    expect(warnings).toEqual([]);
  });
});
