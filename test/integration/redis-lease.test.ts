import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBridge, HOOK_IDS, type Bridge } from '../helpers/bridge.js';
import { createRedisStore, type RedisStore } from '../../src/store/redis/index.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';

const HOOK = HOOK_IDS.general!;
/** Discord answers this late; far past the visibility timeout below. */
const DISCORD_DELAY_MS = 5_000;

let redis: RedisServer;
let bridge: Bridge;
let otherReplica: RedisStore;

beforeAll(async () => {
  redis = await startRedis();
  bridge = await startBridge({
    types: ['general'],
    env: { REDIS_URL: redis.url },
    yaml: 'store:\n  redis:\n    visibility_timeout: 2s\n    command_timeout: 500ms\n',
  });
  otherReplica = createRedisStore({ url: redis.url, consumerName: 'replica-b', visibilityTimeoutMs: 2_000, queueSize: 100, historyMaxEntries: 10, historyRetentionMs: 60_000 });
});

afterAll(async () => {
  await otherReplica?.close();
  await bridge?.close();
  await redis?.destroy();
});

it('a batch waiting on Discord past the visibility timeout keeps its lease: no other replica takes it', { timeout: 30_000 }, async () => {
  bridge.fake.inject(HOOK, { kind: 'delay', ms: DISCORD_DELAY_MS });
  expect((await bridge.post('/webhook/generic', { title: 'slow Discord' })).status).toBe(202);
  await expect.poll(() => bridge.fake.requests.length).toBe(1);

  const stolen: string[] = [];
  const until = Date.now() + DISCORD_DELAY_MS - 500;
  while (Date.now() < until) {
    stolen.push(...(await otherReplica.queue.read(HOOK, 10, 0)).map((i) => i.entryId));
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  expect(stolen).toEqual([]);
  await bridge.fake.waitForMessages(1);
  await expect.poll(() => bridge.runtime.store.queue.depth(HOOK)).toBe(0);
  expect(bridge.fake.messages).toHaveLength(1);
});
