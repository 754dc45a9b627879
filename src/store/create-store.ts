import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import type { WebhookState } from '../delivery/webhook-state.js';
import { createMemoryStore } from './memory/index.js';
import { MemoryWebhookState } from './memory/webhook-state.js';
import { createRedisStore, isRedisStore } from './redis/index.js';
import { RedisWebhookState } from './redis/webhook-state.js';
import type { Store } from './types.js';

/** Repeated connection errors are logged at most this often (ioredis reports every reconnect attempt). */
export const REDIS_ERROR_LOG_INTERVAL_MS = 30_000;

export interface CreateStoreDeps {
  logger: Logger;
  now: () => number;
}

/**
 * The store the configuration selects: memory by default, Redis when a Redis URL is configured. Redis
 * connects in the background and reconnects by itself; until it answers, enqueues fail (503) and
 * `/readyz` says the store is unreachable.
 */
export function createStore(config: Config, deps: CreateStoreDeps): Store {
  const common = { queueSize: config.discord.queueSize, historyMaxEntries: config.history.maxEntries, historyRetentionMs: config.history.retentionMs, now: deps.now };
  const store = config.store;
  if (store.kind === 'memory') return createMemoryStore(common);
  const log = deps.logger.child({ store: 'redis', address: store.address });
  return createRedisStore({
    ...common,
    url: store.url,
    keyPrefix: store.keyPrefix,
    // Unique among live processes (two on one host differ by pid; containers by hostname).
    consumerName: `${hostname()}-${process.pid}`,
    visibilityTimeoutMs: store.visibilityTimeoutMs,
    commandTimeoutMs: store.commandTimeoutMs,
    durability: store.durability,
    onError: throttledErrorLog(log, deps.now),
    onWarning: (message) => log.warn(message),
  });
}

/** What a probe's slot outlasts its request timeout by: the answer's bookkeeping after the request ends. */
const PROBE_LEASE_MARGIN_MS = 1_000;

/**
 * Rate limits, pauses, breaker and broken marks: shared through Redis when the configured Redis store is in
 * use (every replica then sees one webhook's limits and 429s), in this process otherwise.
 */
export function createWebhookState(config: Config, store: Store): WebhookState {
  const { failureThreshold, cooldownMs } = config.discord.breaker;
  // A half-open probe's request may be out for the whole request timeout: its slot is held that long (and a
  // moment more), else a probe hanging past a short cooldown lets a second one through (Redis: another
  // replica). Taken at start: a reload that lengthens the timeout keeps the lease it started with.
  const breaker = { failureThreshold, cooldownMs, probeLeaseMs: Math.max(cooldownMs, config.discord.timeoutMs + PROBE_LEASE_MARGIN_MS) };
  // A request holds its global slot until its answer (global-gate.ts); one whose answer is never noted (a
  // replica killed mid-request, Redis away) ends by its timeout, so its slot lapses then, not minutes later.
  const gate = { ...breaker, globalInFlightMaxMs: config.discord.timeoutMs + PROBE_LEASE_MARGIN_MS };
  if (config.store.kind !== 'redis' || !isRedisStore(store)) return new MemoryWebhookState(gate);
  return new RedisWebhookState({ redis: store.connection, keyPrefix: config.store.keyPrefix, commandTimeoutMs: config.store.commandTimeoutMs, ...gate });
}

/** Logs a connection error when it differs from the last one, or every interval while it repeats. */
function throttledErrorLog(log: Logger, now: () => number): (err: Error) => void {
  let last = '';
  let lastAt = 0;
  return (err) => {
    const message = err.message;
    if (message === last && now() - lastAt < REDIS_ERROR_LOG_INTERVAL_MS) return;
    last = message;
    lastAt = now();
    log.warn({ err: message }, 'redis: connection problem (retrying by itself)');
  };
}
