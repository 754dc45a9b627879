import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
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
