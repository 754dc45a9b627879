import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { RECONNECT_CAP_MS } from '../../src/store/redis/connection.js';
import { createRedisStore, type RedisStore } from '../../src/store/redis/index.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { startTcpSwitch, type TcpSwitch } from '../helpers/tcp-switch.js';
import { notification } from './store-contract.js';

const Q = '123456789012345678';

let primary: RedisServer;
let standby: RedisServer;
let address: TcpSwitch;
let store: RedisStore;
const admins: Redis[] = [];

function admin(server: RedisServer): Redis {
  const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  admins.push(client);
  return client;
}

beforeAll(async () => {
  [primary, standby] = await Promise.all([startRedis(), startRedis()]);
  address = await startTcpSwitch(primary.port);
  store = createRedisStore({
    url: address.url, queueSize: 100, historyMaxEntries: 10, historyRetentionMs: 60_000,
    consumerName: 'failover', visibilityTimeoutMs: 3_000, commandTimeoutMs: 500,
  });
});

afterAll(async () => {
  await store?.close();
  for (const a of admins) a.disconnect();
  await address?.close();
  await Promise.all([primary?.destroy(), standby?.destroy()]);
});

it('after a failover that demotes the old primary, ingest and reads move to the new one instead of answering READONLY forever', { timeout: 30_000 }, async () => {
  expect(await store.queue.enqueue(Q, notification('before'))).toBe('queued');
  expect(await store.queue.read(Q, 10, 200)).toHaveLength(1); // the blocking reader is connected too

  // The failover: the address now leads to the promoted standby; the old primary becomes its replica
  // (READONLY). The store's open connections still lead to the old one.
  address.switchTo(standby.port);
  await admin(primary).replicaof('127.0.0.1', String(standby.port));

  let status = '';
  for (let i = 0; i < 100 && status !== 'queued'; i++) {
    status = await store.queue.enqueue(Q, notification(`after-${i}`)).catch((err: Error) => err.message);
    if (status !== 'queued') await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(status).toBe('queued');
  expect(await admin(standby).xlen(`alertcord:{q:${Q}}:stream`)).toBeGreaterThan(0);
  // The worker's blocking read reaches the new primary too (a READONLY on XREADGROUP, then a reconnect).
  let read: unknown[] | string = [];
  for (let i = 0; i < 100 && (typeof read === 'string' || read.length === 0); i++) {
    read = await store.queue.read(Q, 10, 200).catch((err: Error) => err.message);
  }
  expect(Array.isArray(read) && read.length).toBeGreaterThan(0);
  expect(await store.ping()).toEqual({ ok: true });
});

it('reconnects on READONLY at most once a second per connection (a URL naming a replica is not reconnected to on every command)', () => {
  const decide = store.connection.options.reconnectOnError;
  expect(typeof decide).toBe('function');
  const readonly = new Error("READONLY You can't write against a read only replica.");
  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    vi.setSystemTime(Date.now() + 10 * RECONNECT_CAP_MS); // past the reconnect the failover test made
    expect(decide!(readonly)).toBe(true);
    expect(decide!(readonly)).toBe(false);
    vi.setSystemTime(Date.now() + RECONNECT_CAP_MS - 1);
    expect(decide!(readonly)).toBe(false);
    expect(decide!(new Error('OOM command not allowed when used memory > maxmemory'))).toBe(false);
    vi.setSystemTime(Date.now() + 1);
    expect(decide!(readonly)).toBe(true);
  } finally {
    vi.useRealTimers();
  }
});
