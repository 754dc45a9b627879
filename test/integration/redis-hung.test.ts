import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRedisStore } from '../../src/store/redis/index.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { CONTRACT_STORE_OPTIONS } from './store-contract.js';

/**
 * A Redis that stops answering with its connection still open (the server frozen, a network partition that
 * drops packets without a reset) is unreachable, not "refusing writes": README's /readyz and the dashboard
 * banner say `redis refuses writes: <Redis' error>` only for Redis' own refusals (READONLY, OOM,
 * NOREPLICAS), which send an operator to the wrong fix (replication, maxmemory) when nothing answers at all.
 */

/** A relay to Redis whose answers can be held back (buffered), as a frozen server or a silent partition would. */
async function startHoldingRelay(port: number): Promise<{ url: string; hold(on: boolean): void; close(): Promise<void> }> {
  let held = false;
  const pending: Array<() => void> = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => (held ? pending.push(() => client.write(chunk)) : client.write(chunk)));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hold(on) {
      held = on;
      if (!on) for (const flush of pending.splice(0)) flush();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await redis?.destroy();
});

it('a Redis that stops answering on an open connection reads "redis unreachable", not "refuses writes"', { timeout: 20_000 }, async () => {
  const relay = await startHoldingRelay(redis.port);
  const store = createRedisStore({ url: relay.url, ...CONTRACT_STORE_OPTIONS, consumerName: 'hung', commandTimeoutMs: 300 });
  try {
    expect(await store.ping()).toEqual({ ok: true });
    relay.hold(true);
    const down = await store.ping();
    expect(down.ok).toBe(false);
    expect(down.message).toMatch(/^redis unreachable/);
    expect(down.message).not.toContain('refuses writes');
    relay.hold(false);
    await expect.poll(async () => (await store.ping()).ok, { timeout: 5_000, interval: 100 }).toBe(true);
  } finally {
    relay.hold(false);
    await store.close();
    await relay.close();
  }
});
