import { Redis, type RedisOptions } from 'ioredis';
import type { Random } from '../../delivery/clock.js';
import { isSecret, type Secret } from '../../lib/secret.js';
import { REDIS_SCRIPTS } from './scripts.js';

/** Longest pause between two reconnect attempts: Redis back → delivery resumes within about a second. */
export const RECONNECT_CAP_MS = 1_000;
const RECONNECT_BASE_MS = 50;
const RECONNECT_JITTER_MS = 100;

export interface ConnectionOptions {
  /** `redis://[user:password@]host:port/db`; a Secret when it carries a password. */
  url?: string | Secret;
  /** ioredis options (host, port, db, password, tls …); the bounds below always win. */
  redis?: RedisOptions;
  /** Bound on every command, and on the wait for a connection: the 503 path must answer within 2 s. */
  commandTimeoutMs: number;
  onError?: (err: Error) => void;
  random: Random;
}

/**
 * One ioredis connection whose failures are prompt and honest: every command times out
 * (`commandTimeout`), nothing waits in an offline queue (`enableOfflineQueue: false`) or is re-sent after
 * a reconnect (a caller that saw an error must not see it happen later), and the client reconnects by
 * itself with capped, jittered backoff. RESP2 is pinned so reply shapes are the documented ones.
 */
export function createConnection(options: ConnectionOptions): Redis {
  const merged: RedisOptions = {
    ...options.redis,
    protocol: 2,
    commandTimeout: options.commandTimeoutMs,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    connectTimeout: Math.max(2 * options.commandTimeoutMs, 2_000),
    retryStrategy: (times) =>
      Math.min(RECONNECT_BASE_MS * 2 ** Math.min(times - 1, 10), RECONNECT_CAP_MS) + Math.floor(options.random() * RECONNECT_JITTER_MS),
    reconnectOnError: reconnectWhenDemoted(),
    scripts: REDIS_SCRIPTS,
  };
  const url = isSecret(options.url) ? options.url.reveal() : options.url;
  const redis = url === undefined ? new Redis(merged) : new Redis(url, merged);
  // Without a listener ioredis prints every connection error; the owner decides what to log.
  redis.on('error', options.onError ?? (() => undefined));
  return redis;
}

/**
 * ioredis' `reconnectOnError` for a server that was demoted under an open connection. After a failover behind
 * a DNS name or a virtual IP (managed Redis, a Kubernetes Service), the open sockets still lead to the old
 * primary, now a replica, which answers every write (and XREADGROUP) with READONLY: without a reconnect,
 * ingest answered 503 until the process restarted. The reconnect resolves the address again and reaches
 * the new primary. The failed command is not re-sent (the caller already saw its error: the sender retries).
 * At most one such reconnect per {@link RECONNECT_CAP_MS} per connection, so a server that stays a replica
 * (a URL naming a replica) is not reconnected to on every command.
 */
function reconnectWhenDemoted(): (err: Error) => boolean {
  let last = -Infinity;
  return (err) => {
    if (!err.message.includes('READONLY')) return false;
    const now = Date.now();
    if (now - last < RECONNECT_CAP_MS) return false;
    last = now;
    return true;
  };
}

/**
 * A connection for blocking reads (XREADGROUP BLOCK). It has no `commandTimeout` (that would cut every long
 * block short); the reader bounds each block itself (see blocking-reader.ts), which covers a connection
 * that died silently.
 */
export function duplicateForBlocking(main: Redis): Redis {
  const conn = main.duplicate({ commandTimeout: undefined, reconnectOnError: reconnectWhenDemoted() });
  conn.on('error', () => undefined);
  return conn;
}

/** The store could not reach Redis in time: the HTTP layer answers 503, the worker backs off. */
export class StoreUnavailableError extends Error {
  readonly reason = 'store_unavailable';
  readonly retryable = true;
  constructor(message: string) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * Per connection, the callers waiting for its next "ready": one pair of listeners serves them all (no listener
 * pile-up during an outage), and a wait that times out leaves the set. Not one shared promise raced against each
 * caller's timeout: every race that lost stayed attached to that promise, with its timer and error (~1.7 KB), until
 * Redis came back: at a few store calls a second (workers, scrapes, probes, senders' retries), hundreds of MB a day.
 */
const readyWaiters = new WeakMap<Redis, Set<(error?: Error) => void>>();

function waitersFor(redis: Redis): Set<(error?: Error) => void> {
  let waiters = readyWaiters.get(redis);
  if (!waiters) {
    const all = new Set<(error?: Error) => void>();
    const settle = (error?: Error): void => {
      redis.off('ready', onReady);
      redis.off('end', onEnd);
      readyWaiters.delete(redis);
      for (const waiter of all) waiter(error);
    };
    const onReady = (): void => settle();
    const onEnd = (): void => settle(new StoreUnavailableError('redis connection is closed'));
    redis.on('ready', onReady);
    redis.on('end', onEnd);
    readyWaiters.set(redis, (waiters = all));
  }
  return waiters;
}

/**
 * Resolves when the connection is ready, waiting at most `timeoutMs` (at start, or while reconnecting);
 * rejects otherwise. With the offline queue off, a command sent before "ready" would fail at once; this wait
 * bounds the gap instead of failing a request that arrives the moment Redis comes back.
 */
export function whenReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  if (redis.status === 'end') return Promise.reject(new StoreUnavailableError('redis connection is closed'));
  const what = `connecting to redis (status ${redis.status})`;
  return new Promise<void>((resolve, reject) => {
    const waiters = waitersFor(redis);
    const waiter = (error?: Error): void => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => {
      waiters.delete(waiter);
      reject(new StoreUnavailableError(`${what} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    waiters.add(waiter);
  });
}

/** Rejects when `promise` has not settled within `ms` (for commands on a connection without commandTimeout). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailableError(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * True for Redis' NOGROUP error: the stream or its group vanished (FLUSHALL, manual DEL). Raised inside a
 * script (the queue's reads), Redis before 7 wraps it: "ERR Error running script (call to f_…):
 * @user_script:41: NOGROUP No such key …". A read blocked on the stream when it vanished is told so by
 * Redis 7 with "UNBLOCKED the stream key no longer exists": the same, or the worker logged a read failure
 * and waited a second before the next read recreated the group.
 */
export function isNoGroupError(err: unknown): boolean {
  return err instanceof Error && (/(?:^|: )NOGROUP /.test(err.message) || err.message.startsWith('UNBLOCKED the stream key no longer exists'));
}
