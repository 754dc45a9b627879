import { Agent, type Dispatcher } from 'undici';
import type { Logger } from 'pino';
import type { Config } from './config/types.js';
import { systemClock, systemRandom, type Clock, type Random } from './delivery/clock.js';
import { Delivery } from './delivery/delivery.js';
import { createDiscordSender, type DiscordSender } from './delivery/discord-sender.js';
import { createDryRunSender } from './delivery/dry-run-sender.js';
import { createIntake } from './delivery/intake.js';
import type { Intake } from './delivery/intake-types.js';
import type { OutcomeObserver } from './delivery/recorder.js';
import type { WebhookState } from './delivery/webhook-state.js';
import { replayDeadLetters } from './delivery/replay.js';
import { createApp } from './http/app.js';
import { deadLetterRoutes } from './http/routes/admin/dead-letters.js';
import type { Readiness } from './http/routes/health.js';
import { createMemoryStore } from './store/memory/index.js';
import { MemoryWebhookState } from './store/memory/webhook-state.js';
import type { Store } from './store/types.js';

export interface RuntimeOptions {
  config: Config;
  logger: Logger;
  store?: Store;
  state?: WebhookState;
  dispatcher?: Dispatcher;
  clock?: Clock;
  random?: Random;
  observe?: OutcomeObserver;
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
  start(): Promise<void>;
  /** Stops intake (503), drains until the deadline, closes the store; returns what was left per queue. */
  stop(deadlineMs?: number): Promise<Record<string, number>>;
}

/**
 * Assembles alertcord: store, webhook state, sender, intake, delivery and the HTTP app. Dependencies that
 * touch the outside world (store, dispatcher, clock, random) are injectable, so tests control them.
 */
export function createRuntime(options: RuntimeOptions): Runtime {
  let config = options.config;
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const store = options.store ?? createMemoryStore({ queueSize: config.discord.queueSize, historyMaxEntries: config.history.maxEntries, historyRetentionMs: config.history.retentionMs, now: clock.now });
  const state = options.state ?? new MemoryWebhookState({ failureThreshold: config.discord.breaker.failureThreshold, cooldownMs: config.discord.breaker.cooldownMs });
  const dispatcher = options.dispatcher ?? new Agent({ connections: 8, keepAliveTimeout: 30_000 });
  const realSender = createDiscordSender({ dispatcher, timeoutMs: config.discord.timeoutMs });
  const drySender = createDryRunSender(logger);
  const sender = () => (config.discord.dryRunReason ? drySender : realSender);
  let shuttingDown = false;
  const delivery = new Delivery({ config: () => config, store, state, sender, clock, random: options.random ?? systemRandom, logger, observe: options.observe });
  const intake = createIntake({ config: () => config, queue: store.queue, logger, now: clock.now, onQueued: (_n, key) => delivery.ensureWorker(key) });
  const readiness = async (): Promise<Readiness> => {
    const storeOk = await store.ping().catch(() => false);
    return {
      ready: storeOk && !shuttingDown,
      checks: { config: { ok: true, message: config.source.file ?? 'built-in' }, store: { ok: storeOk, message: `${store.kind}${storeOk ? '' : ' unreachable'}` } },
      dryRun: config.discord.dryRunReason,
    };
  };
  const app = createApp({
    logger,
    intake: () => intake,
    limits: () => ({ bodyLimit: config.server.bodyLimit, maxDepth: config.server.maxJsonDepth }),
    readiness,
    adminToken: () => config.admin.token,
    isShuttingDown: () => shuttingDown,
    mountAdmin: (api) => {
      api.route('/', deadLetterRoutes({ deadLetters: store.deadLetters, replay: (ids) => replayDeadLetters(store, config, ids, (k) => delivery.ensureWorker(k)) }));
    },
  });
  return {
    app,
    intake,
    delivery,
    store,
    state,
    config: () => config,
    sender,
    start: () => delivery.start(),
    async stop(deadlineMs = config.server.shutdownDeadlineMs) {
      shuttingDown = true;
      const left = await delivery.stop(deadlineMs);
      await store.close().catch(() => undefined);
      if (!options.dispatcher) await dispatcher.close().catch(() => undefined);
      return left;
    },
  };
}
