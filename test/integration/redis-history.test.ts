import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRedisStore, type RedisStore } from '../../src/store/redis/index.js';
import { RedisHistory } from '../../src/store/redis/history.js';
import { redisKeys } from '../../src/store/redis/keys.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { HISTORY_CONTRACT_OPTIONS, T0, historyEntry, ids } from './history-fixtures.js';

let server: RedisServer;
let admin: Redis;
beforeAll(async () => {
  server = await startRedis({ appendonly: false });
  admin = new Redis(server.url);
});
afterAll(async () => {
  await admin?.quit();
  await server?.destroy();
});

/** HGETs Redis has answered so far: reading entries from Redis rather than from the cache shows here. */
async function hgetCalls(): Promise<number> {
  const info = await admin.info('commandstats');
  return Number(/cmdstat_hget:calls=(\d+)/.exec(info)?.[1] ?? 0);
}

describe('Redis history shared by replicas, with a cache of recent entries in each', () => {
  let a: RedisStore;
  let b: RedisStore;
  const now = (): number => T0;
  beforeEach(async () => {
    await admin.flushall();
    await admin.config('RESETSTAT');
    const options = { url: server.url, ...HISTORY_CONTRACT_OPTIONS, historyMaxEntries: 5, now };
    a = createRedisStore({ ...options, consumerName: 'a' });
    b = createRedisStore({ ...options, consumerName: 'b' });
  });
  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it("serves repeated reads from the cache, and a replica sees another's writes at its next read", async () => {
    await a.history.record(historyEntry('x1', { receivedAt: T0 - 3_000 }));
    expect(ids(await b.history.list({}))).toEqual(['x1']);
    const before = await hgetCalls();
    for (let i = 0; i < 5; i++) expect(ids(await b.history.list({ limit: 10 }))).toEqual(['x1']);
    expect(await hgetCalls()).toBe(before);

    await a.history.record(historyEntry('x2', { receivedAt: T0 - 2_000 }));
    expect(ids(await b.history.list({}))).toEqual(['x2', 'x1']);
    const replaced = historyEntry('x1', { receivedAt: T0 - 3_000, outcome: { status: 'dead_lettered', reason: 'invalid_body' } });
    await a.history.record(replaced);
    expect(await b.history.list({ outcome: 'failed' })).toEqual([replaced]);
  });

  it('keeps its own cache current on its own writes without reading the entries again', async () => {
    await a.history.record(historyEntry('y1', { receivedAt: T0 - 5_000 }));
    expect(ids(await a.history.list({}))).toEqual(['y1']);
    const before = await hgetCalls();
    await a.history.record(historyEntry('y2', { receivedAt: T0 - 1_000 }));
    await a.history.record(historyEntry('y0', { receivedAt: T0 - 9_000 }));
    expect(ids(await a.history.list({}))).toEqual(['y2', 'y1', 'y0']);
    expect(await hgetCalls()).toBe(before);
  });

  it('after Redis lost its data (FLUSHALL, a restart without persistence), lists what Redis holds, not its cache', async () => {
    for (let i = 0; i < 3; i++) await a.history.record(historyEntry(`old${i}`, { receivedAt: T0 - 5_000 + i }));
    expect(ids(await a.history.list({}))).toEqual(['old2', 'old1', 'old0']);
    await admin.flushall();
    await b.history.record(historyEntry('new1', { receivedAt: T0 - 1_000 }));
    expect(ids(await a.history.list({}))).toEqual(['new1']);
    expect(ids(await a.history.list({}))).toEqual(['new1']); // and again, from its refilled cache
  });

  it('after Redis lost its data, is not fooled by others writing exactly as many entries as its cache had seen', async () => {
    for (let i = 0; i < 3; i++) await a.history.record(historyEntry(`old${i}`, { receivedAt: T0 - 5_000 + i }));
    expect(ids(await a.history.list({}))).toEqual(['old2', 'old1', 'old0']);
    await admin.flushall();
    for (let i = 0; i < 3; i++) await b.history.record(historyEntry(`new${i}`, { receivedAt: T0 - 1_000 + i }));
    expect(ids(await a.history.list({}))).toEqual(['new2', 'new1', 'new0']);
  });

  it('trimming past maxEntries reaches every replica: nobody lists a trimmed entry', async () => {
    for (let i = 0; i < 5; i++) await a.history.record(historyEntry(`t${i}`, { receivedAt: T0 - (10 - i) * 1_000 }));
    expect(await b.history.list({})).toHaveLength(5);
    await b.history.record(historyEntry('t5', { receivedAt: T0 - 1_000 }));
    expect(ids(await a.history.list({}))).toEqual(['t5', 't4', 't3', 't2', 't1']);
    expect(ids(await b.history.list({}))).toEqual(['t5', 't4', 't3', 't2', 't1']);
    expect(await a.history.get('t0')).toBeUndefined();
  });

  it('two replicas trimming past maxEntries at once keep maxEntries, not fewer', async () => {
    // Replica a's trim reads the oldest ids only after b recorded and trimmed too (both saw the index over
    // maxEntries): a must not drop an entry b's trim already made room for.
    const clientA = new Redis(server.url);
    const clientB = new Redis(server.url);
    const options = { keys: redisKeys('alertcord'), maxEntries: 3, retentionMs: HISTORY_CONTRACT_OPTIONS.historyRetentionMs, commandTimeoutMs: 2_000, now, cacheSize: 0 };
    const ha = new RedisHistory(clientA, options);
    const hb = new RedisHistory(clientB, options);
    try {
      for (let i = 0; i < 3; i++) await ha.record(historyEntry(`o${i}`, { receivedAt: T0 - 10_000 + i }));
      const zrange = clientA.zrange.bind(clientA) as (...args: unknown[]) => Promise<string[]>;
      let first = true;
      (clientA as unknown as { zrange: (...args: unknown[]) => Promise<string[]> }).zrange = async (...args) => {
        if (first) {
          first = false;
          await hb.record(historyEntry('b1', { receivedAt: T0 - 1_000 }));
        }
        return zrange(...args);
      };
      await ha.record(historyEntry('a1', { receivedAt: T0 - 2_000 }));
      expect(ids(await ha.list({}))).toEqual(['b1', 'a1', 'o2']);
    } finally {
      await Promise.all([clientA.quit(), clientB.quit()]);
    }
  });

  it('statistics are shared: one summary counts what every replica recorded', async () => {
    await a.stats.record(historyEntry('s1'));
    await b.stats.record(historyEntry('s2', { outcome: { status: 'dead_lettered', reason: 'invalid_body' } }));
    const summary = await a.stats.summary();
    expect(summary).toMatchObject({ total: 2, delivered: 1, failuresByReason: { invalid_body: 1 } });
  });

  it('names every key under a hash tag ({history} or {stats}), so each MULTI stays in one slot', async () => {
    await a.history.record(historyEntry('k1'));
    await a.stats.record(historyEntry('k1'));
    const keys = await admin.keys('*');
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).toMatch(/^alertcord:\{(history|stats)\}:/);
  });
});

describe('Redis history: a query that reads the index page by page', () => {
  let client: Redis;
  beforeEach(async () => {
    await admin.flushall();
    client = new Redis(server.url);
  });
  afterEach(async () => {
    await client.quit();
  });

  it('lists an entry once even when entries are recorded between its pages (they shift the pages down)', async () => {
    // No cache: every query reads the index, 100 ids a page. The 100th newest entry is the only failed one,
    // the last of the first page.
    const history = new RedisHistory(client, { keys: redisKeys('alertcord'), maxEntries: 1_000, retentionMs: HISTORY_CONTRACT_OPTIONS.historyRetentionMs, commandTimeoutMs: 2_000, now: () => T0, cacheSize: 0 });
    for (let i = 0; i < 150; i++) {
      const failed = i === 50;
      await history.record(historyEntry(`p${String(i).padStart(3, '0')}`, { receivedAt: T0 - 200_000 + i * 1_000, outcome: failed ? { status: 'dead_lettered', reason: 'server_error' } : {} }));
    }
    // A delivery finishing (on this replica or another) while the query is between its pages.
    const page = client.zrevrangebyscore.bind(client) as (...args: unknown[]) => Promise<string[]>;
    let pages = 0;
    (client as unknown as { zrevrangebyscore: (...args: unknown[]) => Promise<string[]> }).zrevrangebyscore = async (...args) => {
      const answer = await page(...args);
      if (pages++ === 0) await admin.zadd(redisKeys('alertcord').historyIndex, T0 - 500, 'new-between-pages');
      return answer;
    };
    expect(ids(await history.list({ outcome: 'failed' }))).toEqual(['p050']);
    expect(pages).toBeGreaterThan(1);
  });

  it('pages through more entries of one instant than a page holds, each once, in id order', async () => {
    const history = new RedisHistory(client, { keys: redisKeys('alertcord'), maxEntries: 1_000, retentionMs: HISTORY_CONTRACT_OPTIONS.historyRetentionMs, commandTimeoutMs: 2_000, now: () => T0, cacheSize: 0 });
    const failed: string[] = [];
    for (let i = 0; i < 250; i++) {
      const id = `s${String(i).padStart(3, '0')}`;
      if (i % 10 === 0) failed.unshift(id);
      await history.record(historyEntry(id, { receivedAt: T0 - 1_000, outcome: i % 10 === 0 ? { status: 'dead_lettered', reason: 'server_error' } : {} }));
    }
    await history.record(historyEntry('older', { receivedAt: T0 - 2_000, outcome: { status: 'dead_lettered', reason: 'server_error' } }));
    expect(ids(await history.list({ outcome: 'failed' }))).toEqual([...failed, 'older']);
    expect(await history.list({ limit: 1_000 })).toHaveLength(251);
  });
});
