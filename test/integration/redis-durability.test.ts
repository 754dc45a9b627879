import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore, type RedisStore } from '../../src/store/redis/index.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { notification } from './store-contract.js';

const Q = '123456789012345678';

let server: RedisServer;
let admin: Redis;
let version: [number, number];
const stores: RedisStore[] = [];

function open(warnings: string[], url = server.url): RedisStore {
  const store = createRedisStore({
    url, queueSize: 100, historyMaxEntries: 10, historyRetentionMs: 60_000, consumerName: 'durability',
    durability: 'fsync', onWarning: (m) => warnings.push(m),
  });
  stores.push(store);
  return store;
}

beforeAll(async () => {
  server = await startRedis();
  admin = new Redis(server.url);
  const [major = 0, minor = 0] = (/redis_version:(\d+)\.(\d+)/.exec(await admin.info('server')) ?? []).slice(1).map(Number);
  version = [major, minor];
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await admin.config('SET', 'appendfsync', 'everysec');
  await admin.flushall();
});

afterAll(async () => {
  await admin?.quit();
  await server?.destroy();
});

/** Redis 7.2 added WAITAOF; Debian's redis-server here is 7.0, where `durability: fsync` falls back, warned. */
const hasWaitAof = (): boolean => version[0] > 7 || (version[0] === 7 && version[1] >= 2);

describe('durability: fsync', () => {
  it('uses WAITAOF where the server has it, and otherwise warns once and falls back to the server policy', async () => {
    const warnings: string[] = [];
    const store = open(warnings);
    expect(await store.queue.enqueue(Q, notification('n1'))).toBe('queued');
    expect(await store.queue.enqueue(Q, notification('n2'))).toBe('queued');
    if (hasWaitAof()) {
      expect(warnings).toEqual([]);
    } else {
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/WAITAOF needs Redis >= 7\.2/);
      expect(warnings[0]).toMatch(/appendfsync everysec/);
      expect(warnings[0]).not.toContain(server.url);
    }
    expect(await store.queue.depth(Q)).toBe(2);
  });

  it('is met without WAITAOF when the server fsyncs every write (appendfsync always): no warning', async () => {
    await admin.config('SET', 'appendfsync', 'always');
    const warnings: string[] = [];
    const store = open(warnings);
    expect(await store.queue.enqueue(Q, notification('n1'))).toBe('queued');
    expect(warnings).toEqual([]);
  });

  it('a server that will not say how it persists (an ACL denying INFO, CONFIG, COMMAND): warned, and ingest goes on', async () => {
    // A common hardening: `+@all -@dangerous` (INFO and CONFIG are in @dangerous; some deny COMMAND too).
    await admin.call('acl', 'setuser', 'hardened', 'on', '>pw', '~*', '&*', '+@all', '-@dangerous', '-command');
    try {
      const warnings: string[] = [];
      const store = open(warnings, `redis://hardened:pw@127.0.0.1:${server.port}`);
      expect(await store.queue.enqueue(Q, notification('n1'))).toBe('queued');
      expect(await store.queue.enqueue(Q, notification('n2'))).toBe('queued');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/cannot tell/);
      expect(warnings[0]).not.toContain('pw@');
      expect(warnings[0]).toMatch(/refused: NOPERM/); // Redis' own words: what the ACL denies
    } finally {
      await admin.call('acl', 'deluser', 'hardened');
    }
  });

  it('warns that nothing is fsynced when the server runs without an append-only file', async () => {
    const noAof = await startRedis({ appendonly: false });
    try {
      const warnings: string[] = [];
      const store = open(warnings, noAof.url);
      expect(await store.queue.enqueue(Q, notification('n1'))).toBe('queued');
      expect(warnings.join('\n')).toMatch(/append-only file is off/);
    } finally {
      await Promise.all(stores.splice(0).map((s) => s.close()));
      await noAof.destroy();
    }
  });
});
