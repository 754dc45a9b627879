import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { createRedisStore } from '../../src/store/redis/index.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
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
