import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/store/redis/index.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { redisKeys } from '../../src/store/redis/keys.js';
import { runHistoryContract } from './history-contract.js';
import { HISTORY_CONTRACT_OPTIONS, type MakeHistoryStore } from './history-fixtures.js';
import { runStatsContract } from './stats-contract.js';
import { CONTRACT_STORE_OPTIONS, runStoreContract } from './store-contract.js';

let server: RedisServer;
let admin: Redis;

beforeAll(async () => {
  server = await startRedis();
  admin = new Redis(server.url);
});

afterAll(async () => {
  await admin?.quit();
  await server?.destroy();
});

runStoreContract('redis', async () => {
  await admin.flushall();
  const store = createRedisStore({ url: server.url, ...CONTRACT_STORE_OPTIONS, consumerName: 'contract' });
  return { store, cleanup: () => store.close() };
});

const keys = redisKeys('alertcord');
const makeHistoryStore: MakeHistoryStore = async (now) => {
  await admin.flushall();
  const store = createRedisStore({ url: server.url, ...HISTORY_CONTRACT_OPTIONS, consumerName: 'contract', now });
  return {
    store,
    cleanup: () => store.close(),
    ttlMs: {
      historyEntry: (id) => admin.pttl(keys.historyEntry(id)),
      statsDay: (date) => admin.pttl(keys.statsDay(date)),
      historyShared: () => Promise.all([admin.pttl(keys.historyIndex), admin.pttl(keys.historySeq)]),
    },
  };
};
runHistoryContract('redis', makeHistoryStore);
runStatsContract('redis', makeHistoryStore);

describe('RedisHeartbeats: told outages written by hand or by another version', () => {
  it('reads a field that is not a told outage as none, and a neverHeard that is not true as false', async () => {
    await admin.flushall();
    const store = createRedisStore({ url: server.url, ...CONTRACT_STORE_OPTIONS, consumerName: 'told' });
    try {
      await admin.hset(keys.watchdogOutages, {
        garbled: '{not json',
        text: '{"since":"1700000000000","neverHeard":true}',
        infinite: '{"since":1e999,"neverHeard":false}',
        loose: '{"since":5000,"neverHeard":"yes"}',
      });
      for (const name of ['garbled', 'text', 'infinite']) expect(await store.heartbeats.toldOutage(name), name).toBeUndefined();
      expect(await store.heartbeats.toldOutage('loose')).toEqual({ since: 5_000, neverHeard: false });
      // What setToldOutage writes is that hash's field, under the watchdog's key.
      await store.heartbeats.setToldOutage('Watchdog', { since: 7_000, neverHeard: true });
      expect(JSON.parse((await admin.hget(keys.watchdogOutages, 'Watchdog'))!)).toEqual({ since: 7_000, neverHeard: true });
    } finally {
      await store.close();
    }
  });
});
