import { hostname } from 'node:os';
import type { Redis, RedisOptions } from 'ioredis';
import { systemRandom, type Random } from '../../delivery/clock.js';
import type { Secret } from '../../lib/secret.js';
import type { Store } from '../types.js';
import { createConnection, whenReady } from './connection.js';
import { consumerConnectionName } from './consumer-liveness.js';
import { RedisDeadLetters } from './dead-letters.js';
import { RedisHeartbeats } from './heartbeats.js';
import { AofDurability, type Durability } from './durability.js';
import { EvictionPolicyCheck } from './eviction-policy.js';
import { RedisHistory } from './history.js';
import { redisKeys } from './keys.js';
import { RedisPingMarks } from './ping-marks.js';
import { RedisQueue } from './queue.js';
import { RedisStats } from './stats.js';
import type { ScriptCommands } from './scripts.js';

export { StoreUnavailableError } from './connection.js';
export { RedisQueue } from './queue.js';
export type { Durability, DurabilitySupport } from './durability.js';

export interface RedisStoreOptions {
  /** `redis://…` (a Secret when it carries a password); or give `redis` options instead. */
  url?: string | Secret;
  /** ioredis connection options (host, port, db, password, tls …); timeouts, retries and the connection name are set by the store. */
  redis?: RedisOptions;
  /** Start of every key (default `alertcord`): two deployments may share one Redis with two prefixes. */
  keyPrefix?: string;
  /** Most undelivered notifications per webhook queue. */
  queueSize: number;
  historyMaxEntries: number;
  historyRetentionMs: number;
  /**
   * This replica's name in the consumer groups; unique among live replicas, and best stable across restarts
   * (default `<hostname>-<pid>`: stable in a container, unique on a shared host) so a restarted replica takes
   * back its own unfinished work at once. Two live processes that share it (containers with host networking:
   * same hostname, pid 1) are detected by their connection names, and neither releases the other's work.
   */
  consumerName?: string;
  /** Consumers (past replicas) idle this long with nothing pending leave a queue's group (default 7 days; tests lower it). */
  forgetConsumersIdleMs?: number;
  /** Entries held this long without ack or touch are handed to another reader (default 60 s). */
  visibilityTimeoutMs?: number;
  /** Bound on each command and on waiting for a connection (default 1.5 s): a Redis outage answers 503 in < 2 s. */
  commandTimeoutMs?: number;
  now?: () => number;
  random?: Random;
  /** `fsync`: each enqueue is confirmed only once Redis fsynced it (WAITAOF, Redis >= 7.2); default `none`. */
  durability?: Durability;
  /** Connection errors and dropped unreadable entries; the owner logs them (ioredis would print them). */
  onError?: (err: Error) => void;
  /**
   * Configuration the server cannot honour (durability fsync on Redis < 7.2), once per reason; a consumer
   * name shared with another live process; a `maxmemory-policy` that may evict alertcord's keys.
   */
  onWarning?: (message: string) => void;
}

/** The Redis store, with its connection for what shares it (the Redis `WebhookState`). */
export interface RedisStore extends Store {
  readonly kind: 'redis';
  /** The store's bounded, self-reconnecting connection; closed by `close()`. */
  readonly connection: Redis;
}

/** True for a store made by `createRedisStore`. */
export function isRedisStore(store: Store): store is RedisStore {
  return store.kind === 'redis' && 'connection' in store;
}

export const DEFAULT_KEY_PREFIX = 'alertcord';
export const DEFAULT_VISIBILITY_TIMEOUT_MS = 60_000;
/** Life of the readiness write probe's key: long enough to outlive a probe period, short enough to leave no trace. */
const WRITE_PROBE_TTL_MS = 60_000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 1_500;

/**
 * The Redis store (issues 6 and 7): durable queue on Streams, dedupe claimed in the same Lua step as the
 * enqueue, dead letters and history shared by every replica. Connects at once and reconnects by itself;
 * while Redis is unreachable, calls reject within `commandTimeoutMs` and `ping()` answers false.
 */
export function createRedisStore(options: RedisStoreOptions): RedisStore {
  const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  const onError = options.onError ?? (() => undefined);
  const keys = redisKeys(options.keyPrefix ?? DEFAULT_KEY_PREFIX);
  const consumerName = options.consumerName ?? `${hostname()}-${process.pid}`;
  // Names this process's connections (blocking readers inherit it), so a namesake can be told from a dead life.
  const connectionName = consumerConnectionName(consumerName);
  const redis = createConnection({ url: options.url, redis: { ...options.redis, connectionName }, commandTimeoutMs, onError, random: options.random ?? systemRandom });
  const scripted = redis as typeof redis & ScriptCommands;
  const onWarning = options.onWarning ?? (() => undefined);
  const durability = options.durability === 'fsync' ? new AofDurability(redis, { commandTimeoutMs, onWarning }) : undefined;
  const eviction = new EvictionPolicyCheck(redis, onWarning);
  const queue = new RedisQueue(scripted, {
    keys,
    consumerName,
    connectionName,
    queueSize: options.queueSize,
    visibilityTimeoutMs: options.visibilityTimeoutMs ?? DEFAULT_VISIBILITY_TIMEOUT_MS,
    forgetConsumersIdleMs: options.forgetConsumersIdleMs,
    commandTimeoutMs,
    now,
    onError,
    onWarning: options.onWarning,
    confirm: durability && (() => durability.confirm()),
  });
  return {
    kind: 'redis',
    connection: redis,
    queue,
    deadLetters: new RedisDeadLetters(scripted, keys.deadLetters, { listed: keys.deadLettersListed, entries: keys.deadLettersHeld, takenAt: keys.deadLettersHeldAt }, commandTimeoutMs, now),
    history: new RedisHistory(redis, { keys, maxEntries: options.historyMaxEntries, retentionMs: options.historyRetentionMs, commandTimeoutMs, now }),
    stats: new RedisStats(redis, { keys, retentionMs: options.historyRetentionMs, commandTimeoutMs, now }),
    heartbeats: new RedisHeartbeats(scripted, keys.heartbeats, keys.watchdogOutages, commandTimeoutMs),
    pingMarks: new RedisPingMarks(redis, keys, commandTimeoutMs),
    async ping() {
      try {
        await whenReady(redis, commandTimeoutMs);
      } catch {
        return { ok: false, message: 'redis unreachable' };
      }
      const warning = eviction.warning === undefined ? {} : { warning: eviction.warning };
      try {
        // The main connection has `commandTimeout`: a stuck server rejects within it.
        await redis.set(keys.writeProbe, String(now()), 'PX', WRITE_PROBE_TTL_MS);
        return { ok: true, ...warning };
      } catch (err) {
        // READONLY, OOM, NOREPLICAS …: Redis' own words tell the operator what to fix. Anything else (a command
        // timeout on a connection still open: a frozen server, a partition without a reset) got no answer at all,
        // and "refuses writes" would send the operator after replication or maxmemory instead.
        if ((err as Error).name !== 'ReplyError') return { ok: false, message: `redis unreachable: ${(err as Error).message}`, ...warning };
        return { ok: false, message: `redis refuses writes: ${(err as Error).message}`, ...warning };
      }
    },
    async close() {
      queue.close();
      try {
        await whenReady(redis, commandTimeoutMs);
        await redis.quit();
      } catch {
        redis.disconnect();
      }
    },
  };
}
