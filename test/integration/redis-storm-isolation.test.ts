/**
 * Two replicas on one Redis: a storm of monitoring warnings (the shipped config gives monitoring no
 * webhook of its own, so it fills general's queue: by design, types sharing a webhook share its queue)
 * must not hold up a critical alert that has its own webhook. What they share (the Redis connection, the
 * global gate's budget, the pool to Discord) must leave it free to go out at once.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { redisKeys } from '../../src/store/redis/keys.js';
import { startFakeDiscord, type FakeDiscord } from '../helpers/fake-discord/index.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { postSpread, startReplicaPair, type ReplicaPair } from '../helpers/replica-pair.js';
import { warningStorm } from '../helpers/storm.js';

const GENERAL = { id: '310000000000000001', token: 'tok-general-secret', channelId: '310000000000000002' };
const CRITICAL = { id: '310000000000000003', token: 'tok-critical-secret', channelId: '310000000000000004' };

let redis: RedisServer;
let admin: Redis;
let fake: FakeDiscord | undefined;
let pair: ReplicaPair | undefined;

beforeAll(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url);
});
afterEach(async () => {
  await pair?.close();
  await fake?.close();
});
afterAll(async () => {
  admin?.disconnect();
  await redis?.destroy();
});

it('a critical alert goes out while both replicas drain a 2,000-alert storm on general', { timeout: 90_000 }, async () => {
  fake = await startFakeDiscord({ webhooks: [GENERAL, CRITICAL] });
  pair = await startReplicaPair({
    redisUrl: redis.url,
    fake,
    hook: GENERAL,
    redis: { key_prefix: 'storm-isolation' },
    // The critical webhook goes straight to the fake (its host, any port, is allowed: the relays' too).
    env: { DISCORD_WEBHOOK_CRITICAL: `${fake.origin}/api/webhooks/${CRITICAL.id}/${CRITICAL.token}`, DISCORD_ALLOWED_HOSTS: '127.0.0.1' },
  });
  const [a, b] = pair.replicas;
  const statuses = await postSpread([a.proc, b.proc], warningStorm(200, 10), 16);
  expect(statuses.every((s) => s === 202)).toBe(true);
  const res = await b.proc.post('/webhook/generic', { title: 'CRITICAL-3AM database primary down', severity: 'critical' });
  expect(res.status).toBe(202);
  const seen = () => fake!.messagesFor(CRITICAL.id).filter((m) => JSON.stringify(m.body).includes('CRITICAL-3AM')).length;
  await expect.poll(seen, { timeout: 15_000, interval: 20 }).toBe(1);
  // Most of the storm still waits in general's stream (acked entries are deleted).
  expect(await admin.xlen(redisKeys('storm-isolation').stream(GENERAL.id))).toBeGreaterThan(100);
  expect(fake.stats.status429).toBe(0);
});
