import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import type { LoadOptions } from './config/load.js';
import type { Config } from './config/types.js';
import { systemClock, systemRandom, type Clock, type Random } from './delivery/clock.js';
import { Delivery } from './delivery/delivery.js';
import { createDiscordSender, type DiscordSender } from './delivery/discord-sender.js';
import { createDispatcher } from './delivery/dispatcher.js';
import { createDryRunSender } from './delivery/dry-run-sender.js';
import { createIntake } from './delivery/intake.js';
import { closableIntake } from './delivery/intake-gate.js';
import type { Intake } from './delivery/intake-types.js';
import { queueKeyFor } from './delivery/queue-key.js';
import type { Notification } from './model/notification.js';
import type { OutcomeObserver } from './delivery/recorder.js';
import type { WebhookState } from './delivery/webhook-state.js';
import { createApp } from './http/app.js';
import { readLimitsOf } from './http/read-json.js';
import { mountAdminRoutes } from './http/routes/admin/ops.js';
import type { Readiness } from './http/routes/health.js';
import { metricHooks } from './metrics/hooks.js';
import { createMetrics, recordReload, type Metrics } from './metrics/registry.js';
import { createSnapshot } from './metrics/snapshot.js';
import { reloadConfig, reloadSource, type ReloadResult } from './ops/reload.js';
import { recheckBrokenWebhooks } from './ops/validate-webhooks.js';
import { Watchdog } from './ops/watchdog.js';
import type { WatchdogTimers } from './ops/watchdog-timers.js';
import { registerWatchdogMetrics } from './ops/watchdog-metrics.js';
import { watchdogNoticeDedupeMs } from './ops/watchdog-notice.js';
import { createOtlpFloodControl } from './sources/otlp/flood.js';
import { createFloodFlusher } from './sources/otlp/flood-flusher.js';
import { createStore, createWebhookState } from './store/create-store.js';
import type { Store } from './store/types.js';

/** How often a Redis-backed runtime looks for queues it has no worker for (left by a replica that died). */
export const QUEUE_DISCOVERY_INTERVAL_MS = 10_000;

export { OTLP_FLOOD_FLUSH_INTERVAL_MS } from './sources/otlp/flood-flusher.js';

export interface RuntimeOptions {
  config: Config;
  logger: Logger;
  store?: Store;
  state?: WebhookState;
  dispatcher?: Dispatcher;
  clock?: Clock;
  random?: Random;
  observe?: OutcomeObserver;
  /** prom-client's default process metrics in /metrics (default true). */
  processMetrics?: boolean;
  /** How `config` was read (env + file), so `reload()` reads it the same way again. */
  configSource?: LoadOptions;
  /** Outbound proxy variables (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) for the default dispatcher; default `configSource.env`. */
  env?: Record<string, string | undefined>;
  /** The watchdog's timers (tests); the global ones by default. */
  watchdogTimers?: WatchdogTimers;
}

/** Everything a running alertcord is made of, wired once; main.ts and the library both use it. */
export interface Runtime {
  app: ReturnType<typeof createApp>;
  intake: Intake;
  delivery: Delivery;
  store: Store;
  state: WebhookState;
  config: () => Config;
  sender: () => DiscordSender;
  /** The sender that reaches Discord even in dry-run: for GET-webhook checks, which post nothing. */
  discordSender: () => DiscordSender;
  /** This runtime's Prometheus metrics (its own registry), served at GET /metrics. */
  metrics: Metrics;
  start(): Promise<void>;
  /** Stops intake (503), drains until the deadline, closes the store; returns what was left per queue. */
  stop(deadlineMs?: number): Promise<Record<string, number>>;
  /**
   * Reads YAML + env again (as `configSource` says) and swaps routes, types and webhooks in, keeping queued
   * work; an invalid config keeps the running one. Reloads run one at a time. `trigger` is for the log.
   */
  reload(trigger?: string): Promise<ReloadResult>;
  /** The dead man's switch (`watchdog.status()` for /api/status). */
  watchdog: Watchdog;
  /** The runtime's clock (epoch ms): the time delivery takes rate-limit tokens and breaker states by. */
  now: () => number;
}

/**
 * Assembles alertcord: store, webhook state, sender, intake, delivery and the HTTP app. Dependencies that
 * touch the outside world (store, dispatcher, clock, random) are injectable, so tests control them.
 */
export function createRuntime(options: RuntimeOptions): Runtime {
  let config = options.config;
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const store = options.store ?? createStore(config, { logger, now: clock.now });
  const state = options.state ?? createWebhookState(config, store);
  const dispatcher = options.dispatcher ?? createDispatcher(options.env ?? options.configSource?.env ?? {}, logger);
  let realSender = createDiscordSender({ dispatcher, timeoutMs: config.discord.timeoutMs });
  const drySender = createDryRunSender(logger);
  const sender = () => (config.discord.dryRunReason ? drySender : realSender);
  let shuttingDown = false;
  const startedAt = clock.now();
  const metrics = createMetrics({ snapshot: createSnapshot({ config: () => config, store, state, now: clock.now }), processMetrics: options.processMetrics, now: clock.now });
  const hooks = metricHooks(metrics);
  const observe: OutcomeObserver = (n, outcome) => {
    hooks.observe(n, outcome);
    options.observe?.(n, outcome);
  };
  const delivery = new Delivery({ config: () => config, store, state, sender, clock, random: options.random ?? systemRandom, logger, observe, onAttempt: hooks.onAttempt, onRetry: hooks.onRetry });
  const queued = (n: Notification, key: string) => {
    hooks.onQueued(n);
    delivery.ensureWorker(key);
  };
  const watchdog: Watchdog = new Watchdog({
    config: () => config.watchdog,
    now: clock.now,
    logger,
    timers: options.watchdogTimers,
    onHeartbeat: registerWatchdogMetrics(metrics.registry, () => watchdog.status()).onHeartbeat,
    heartbeats: store.heartbeats,
    announce: async (n, watchdogConfig) => {
      const key = queueKeyFor(config, n.alertType);
      const status = await store.queue.enqueue(key, n, { key: n.dedupeKey, windowMs: Math.max(config.dedupe.windowMs, watchdogNoticeDedupeMs(watchdogConfig)) });
      if (status === 'full') return false;
      if (status === 'queued') queued(n, key);
      return true; // queued, or already queued by another replica for the same outage
    },
  });
  const intake = closableIntake(createIntake({ config: () => config, queue: store.queue, logger, now: clock.now, onQueued: queued, onDuplicate: hooks.onDuplicate, onMuted: hooks.onMuted, filter: (a) => !watchdog.consume(a) }));
  /** Puts a reloaded config in force; the sender is rebuilt when its timeout changed. */
  const swap = (next: Config) => {
    if (next.discord.timeoutMs !== config.discord.timeoutMs) realSender = createDiscordSender({ dispatcher, timeoutMs: next.discord.timeoutMs });
    config = next;
    logger.level = next.logLevel;
    watchdog.reconfigure();
  };
  let reloading: Promise<unknown> = Promise.resolve();
  const source = options.configSource && reloadSource(options.configSource, options.config.source.file);
  const readiness = () => readinessOf(store, config, shuttingDown);
  let discoveryTimer: NodeJS.Timeout | undefined;
  // OTLP flood control, one per runtime (otlp.flood; a restart applies a changed one). /v1/logs flushes it on
  // each request; the flusher sends what is due between requests.
  const flood = createOtlpFloodControl({ windowMs: config.otlp.flood.windowMs, perServicePerMinute: config.otlp.flood.perServicePerMinute, now: clock.now });
  const floodFlusher = createFloodFlusher({ flood, intake, logger });
  /** Starts workers for the queues the store holds; a store that does not answer yet is not fatal. */
  const discoverQueues = async (): Promise<void> => {
    try {
      await delivery.start();
    } catch (err) {
      logger.warn({ err: String(err) }, 'store unreachable: queued work left by earlier processes is picked up once it answers');
    }
  };
  /** Broken marks an earlier run left (Redis keeps them): cleared for webhooks Discord knows again. */
  const recheckBroken = async (): Promise<void> => {
    try {
      const cleared = await recheckBrokenWebhooks({ config: () => config, discordSender: () => realSender, state });
      // `webhookId`, not `webhook`: the logger's redaction blanks a `webhook` key (it may hold a URL).
      for (const id of cleared) logger.info({ webhookId: id }, 'a webhook marked broken by an earlier run answers again: mark cleared');
    } catch (err) {
      logger.warn({ err: String(err) }, 'could not recheck webhooks marked broken (store or Discord unreachable); POST /api/validate does it later');
    }
  };
  const app = createApp({
    logger,
    intake: () => intake,
    limits: () => readLimitsOf(config),
    readiness,
    adminToken: () => config.admin.token,
    ingestAuth: () => config.ingest,
    isShuttingDown: () => shuttingDown,
    metrics: { metrics, onParsed: hooks.onParsed },
    otlp: { minSeverity: () => config.otlp.minSeverity, flood },
    mountAdmin: (api) =>
      mountAdminRoutes(api, { config: () => config, store, state, sender, discordSender: () => realSender, delivery, startedAt, now: clock.now, onQueued: queued, watchdog: () => watchdog.status() }),
  });
  return {
    app,
    intake,
    delivery,
    store,
    state,
    config: () => config,
    sender,
    discordSender: () => realSender,
    metrics,
    watchdog,
    now: clock.now,
    reload(trigger) {
      const run = reloading.then(() =>
        reloadConfig({ source, current: () => config, swap, state, delivery, logger, onResult: (result) => recordReload(metrics, result, clock.now()) }, trigger),
      );
      reloading = run.catch(() => undefined);
      return run;
    },
    async start() {
      watchdog.start();
      void recheckBroken();
      await discoverQueues();
      // Another replica may die leaving a queue this one never enqueued to: look for such queues now and then.
      if (store.kind === 'redis') discoveryTimer = setInterval(() => void discoverQueues(), QUEUE_DISCOVERY_INTERVAL_MS).unref();
      floodFlusher.start();
    },
    async stop(deadlineMs = config.server.shutdownDeadlineMs) {
      const until = clock.now() + deadlineMs;
      shuttingDown = true;
      clearInterval(discoveryTimer);
      // Counts still open (folds, the current minute's cap) go out now, before the drain, instead of being lost.
      await floodFlusher.stop();
      // What is being enqueued now was (or will be) answered 202: it must be in the queues the drain looks at.
      await intake.close(until - clock.now());
      watchdog.stop();
      const left = await delivery.stop(Math.max(0, until - clock.now()));
      await store.close().catch(() => undefined);
      if (!options.dispatcher) await dispatcher.close().catch(() => undefined);
      return left;
    },
  };
}

/** Readiness means "can accept": config loaded and store reachable (architecture.md); dry-run is reported. */
async function readinessOf(store: Store, config: Config, shuttingDown: boolean): Promise<Readiness> {
  const storeCheck = await store.ping().catch((err: Error) => ({ ok: false, message: err.message }));
  return {
    ready: storeCheck.ok && !shuttingDown,
    checks: {
      config: { ok: true, message: config.source.file ?? 'built-in' },
      store: { ok: storeCheck.ok, message: storeCheck.ok ? store.kind : (storeCheck.message ?? `${store.kind} not ready`) },
      // Says why a draining process is not ready (every other check may well be fine).
      ...(shuttingDown ? { shutdown: { ok: false, message: 'shutting down: draining the queue, new alerts go to another replica' } } : {}),
    },
    dryRun: config.discord.dryRunReason,
  };
}
