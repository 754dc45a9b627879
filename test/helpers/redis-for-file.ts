import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startRedis, type RedisServer, type StartRedisOptions } from './redis-server.js';

/** A redis-server for one test file, an admin connection to it, and the closables its tests open. */
export interface RedisForFile {
  readonly server: RedisServer;
  readonly admin: Redis;
  /** Closed after each test. */
  readonly opened: { close(): Promise<unknown> }[];
}

/**
 * Starts a redis-server (`opts`) before the file's tests and destroys it after them; after each test closes
 * what the test put in `opened`, then runs `reset` with the admin connection (settings a test changed).
 */
export function useRedisForFile(opts: StartRedisOptions, reset: (admin: Redis) => Promise<unknown>): RedisForFile {
  let server: RedisServer | undefined;
  let admin: Redis | undefined;
  const opened: { close(): Promise<unknown> }[] = [];
  beforeAll(async () => {
    server = await startRedis(opts);
    admin = new Redis(server.url, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    admin?.disconnect();
    await server?.destroy();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((o) => o.close().catch(() => undefined)));
    if (admin) await reset(admin);
  });
  return {
    get server() {
      return server!;
    },
    get admin() {
      return admin!;
    },
    opened,
  };
}
