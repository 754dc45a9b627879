import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import { createLogger } from '../lib/logger.js';
import { loadConfigOrThrow } from '../config/load.js';
import type { Config } from '../config/types.js';
import type { DeliveryOutcome } from '../model/outcome.js';
import { systemClock, type Clock } from '../delivery/clock.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../runtime.js';
import { parseGeneric } from '../sources/generic/parse.js';
import { checkHealth, type HealthReport } from '../ops/health.js';
import { logLeftover } from '../ops/leftover-summary.js';
import type { DeliveryResult, NotificationMessage } from './notification-message.js';
import { parseMentions, toGenericWire } from './notification-message.js';
import { rateLimitStatus, type RateLimitStatus } from '../ops/rate-limit-status.js';
import { validateWebhooks, type WebhookValidation } from '../ops/validate-webhooks.js';

/** How a waiting `send` ends: the notification's final outcome, or the outage its message waits through. */
type Settled = { outcome: DeliveryOutcome } | { held: string };

/** How often `send` looks in the shared (Redis) history for an outcome another process recorded. */
const HISTORY_POLL_MS = 1_000;

export interface ServiceOptions extends Partial<Omit<RuntimeOptions, 'config' | 'logger'>> {
  /** A loaded config; otherwise read like the server does: CONFIG_FILE (or `yaml`) plus `env`. */
  config?: Config;
  env?: Record<string, string | undefined>;
  yaml?: string;
  logger?: Logger;
}

/**
 * The seed's library face, usable without the server: the same queue, rate limits, retries, breaker and
 * history as the server, in process. `send` waits for Discord; `enqueue` returns once queued.
 */
export class DiscordNotificationService {
  readonly #runtime: Runtime;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #started: Promise<void>;
  /** Aborted once `close()` has stopped the runtime: a `send` still waiting then gets its answer. */
  readonly #closing = new AbortController();
  /** Set by the first `close()`: later sends are refused, and later `close()` calls share its promise. */
  #closed: Promise<void> | undefined;

  constructor(options: ServiceOptions = {}) {
    // The library is an entry point like main: the process environment unless the caller gives its own.
    const env = options.env ?? process.env;
    const config = options.config ?? loadConfigOrThrow({ env, yaml: options.yaml }).config;
    const logger = options.logger ?? createLogger(config.logLevel);
    this.#logger = logger;
    this.#clock = options.clock ?? systemClock;
    // The outbound proxy (HTTPS_PROXY / NO_PROXY) applies to library sends as to the server.
    this.#runtime = createRuntime({ ...options, env, config, logger });
    this.#started = this.#runtime.start();
    // Every waiting send listens here until it settles (then it stops): more than Node's default 10 is a
    // busy program, not a leak, and must not print "MaxListenersExceededWarning" on its stderr.
    setMaxListeners(0, this.#closing.signal);
  }

  /** Sends and resolves when Discord answered, or when the last retry failed. Never throws for Discord problems. */
  async send(message: NotificationMessage): Promise<DeliveryResult> {
    const { result: queued, ids, queueKeys } = await this.#submit(message);
    if (ids.length === 0) return queued;
    // A route with `continue: true` fans one message out to several types: each is its own notification,
    // and the send succeeded only if every one of them did (the first failure is reported).
    const results = await Promise.all(ids.map(async (id, index): Promise<DeliveryResult> => {
      const settled = await this.#outcomeOf(id, queueKeys?.[index]);
      if (settled && 'outcome' in settled) return toResult(settled.outcome, id);
      // Its message (or the one ahead of it in its queue) used its retries and Discord does not answer at all:
      // it waits behind the breaker until Discord is back (an outage dead-letters nothing), and a send waiting
      // with it would hang the program.
      if (settled) return { success: false, status: 'queued', notificationId: id, attempts: 0, error: `Discord does not answer (${settled.held}); not delivered yet: it stays queued and is sent once Discord answers, while this service runs` };
      // Closed before Discord answered: Redis keeps the entry for another replica; memory loses it.
      const kept = this.#runtime.store.kind === 'redis';
      if (kept) return { success: true, status: 'queued', notificationId: id, attempts: 0 };
      return { success: false, status: 'failed', notificationId: id, attempts: 0, error: 'the service was closed before Discord answered; not delivered (the memory store keeps nothing)' };
    }));
    const result = results.find((r) => !r.success) ?? results[0]!;
    return queued.warnings ? { ...result, warnings: queued.warnings } : result;
  }

  /** Queues and resolves at once with status 'queued' (or 'rate_limited' when the queue is full). */
  async enqueue(message: NotificationMessage): Promise<DeliveryResult> {
    return (await this.#submit(message)).result;
  }

  /** Store, dry run and each alert type's webhook; never healthy once `close()` was called (it cannot deliver). */
  async healthCheck(): Promise<HealthReport> {
    const report = await checkHealth(this.#runtime);
    return this.#closed ? { ...report, healthy: false } : report;
  }

  /**
   * GETs each configured webhook (Discord's no-auth webhook lookup); posts nothing. Rejects once `close()` was
   * called: the closed service's sockets would fail every lookup, which read as "every webhook is invalid".
   */
  validateConfiguration(): Promise<WebhookValidation[]> {
    if (this.#closed) return Promise.reject(new Error('the service is closed (close() was called); no webhook was checked'));
    return validateWebhooks(this.#runtime);
  }

  /** Per alert type: requests remaining now, the limit, and when it is full again (epoch ms). */
  getRateLimitStatus(): Promise<Record<string, RateLimitStatus>> {
    return rateLimitStatus(this.#runtime);
  }

  /**
   * Drains what is queued (up to the shutdown deadline) and releases sockets and the store. From the call
   * on, `send` / `enqueue` answer `failed` without queuing; calling it again waits for the same close.
   */
  close(): Promise<void> {
    this.#closed ??= this.#stop();
    return this.#closed;
  }

  async #stop(): Promise<void> {
    await this.#started;
    try {
      // What the drain left is said, as the server says it: an `enqueue`d notification has no other way to
      // tell it was lost (memory) or waits in Redis.
      logLeftover(this.#logger, await this.#runtime.stop(), this.#runtime.store.kind);
    } finally {
      this.#closing.abort();
    }
  }

  /**
   * The final outcome of a notification, the outage its queue waits through once a message used its retries
   * (`held`: at once when the queue is held already), or undefined once `close()` stopped the service first. On Redis, another process sharing the
   * queue may deliver it: its outcome then shows in the shared history only.
   */
  async #outcomeOf(id: string, queueKey: string | undefined): Promise<Settled | undefined> {
    const done = new AbortController();
    const onClose = (): void => done.abort();
    this.#closing.signal.addEventListener('abort', onClose, { once: true });
    if (this.#closing.signal.aborted) done.abort();
    const { recorder } = this.#runtime.delivery;
    const outcome = (o: DeliveryOutcome | undefined): Settled | undefined => (o ? { outcome: o } : undefined);
    try {
      const waits = [recorder.waitFor(id, done.signal).then(outcome)];
      if (queueKey !== undefined) waits.push(recorder.waitForHold(id, queueKey, done.signal).then((held): Settled | undefined => (held === undefined ? undefined : { held })));
      if (this.#runtime.store.kind === 'redis') waits.push(this.#sharedOutcome(id, done.signal).then(outcome));
      return await Promise.race(waits);
    } finally {
      // Whichever answered, the other waits (their waiters, the poll timer) end here.
      done.abort();
      this.#closing.signal.removeEventListener('abort', onClose);
    }
  }

  /** Polls the shared history every {@link HISTORY_POLL_MS} for the outcome; undefined once `signal` aborts. */
  async #sharedOutcome(id: string, signal: AbortSignal): Promise<DeliveryOutcome | undefined> {
    try {
      for (;;) {
        await this.#clock.sleep(HISTORY_POLL_MS, signal);
        // A store hiccup is one missed look, not a failed send: the next poll asks again.
        const entry = await this.#runtime.store.history.get(id).catch(() => undefined);
        if (entry) return entry.outcome;
      }
    } catch {
      return undefined; // aborted: answered locally, or closed
    }
  }

  async #submit(message: NotificationMessage): Promise<{ result: DeliveryResult; ids: string[]; queueKeys?: string[] }> {
    // Checked before the first await, so a send made before `close()` is still queued and drained. After it,
    // the stopped runtime would take the message and never deliver it (memory), or call the closed Redis
    // "unavailable, retry later": neither is true, so say closed.
    if (this.#closed) return { ids: [], result: { success: false, status: 'failed', attempts: 0, error: 'the service is closed (close() was called); nothing was queued' } };
    await this.#started;
    // Plain JavaScript may pass anything: no object at all is refused by the parser, like a bad field.
    const isObject = typeof message === 'object' && message !== null;
    const parsed = parseGeneric(isObject ? toGenericWire(message) : message);
    if (!parsed.ok) {
      return { ids: [], result: { success: false, status: 'failed', attempts: 0, error: parsed.issues.map((i) => `${i.path || 'message'}: ${i.message}`).join('; ') } };
    }
    const mentions = parseMentions(message);
    if (!mentions.ok) return { ids: [], result: { success: false, status: 'failed', attempts: 0, error: mentions.error } };
    // Library sends are deliberate: unless the caller names its own key, a unique one, so two equal sends are
    // two messages.
    const groups = parsed.groups.map((g) => ({ ...g, source: 'library' as const, dedupeKey: g.dedupeKey ?? randomUUID(), mentions: mentions.mentions, alerts: g.alerts.map((a) => ({ ...a, source: 'library' as const })) }));
    const result = await this.#runtime.intake.accept(groups);
    if (!result.ok) return { ids: [], result: { success: false, status: 'rate_limited', attempts: 0, error: result.message } };
    // An alert type that is not configured (a typo in plain JavaScript) is routed as if unnamed: said, not hidden.
    const warnings = result.warnings ? { warnings: result.warnings } : {};
    // Muted by its route, nothing was queued: "queued" would promise a message that will not come.
    if (result.notifications.length === 0 && result.muted > 0) return { ids: [], result: { success: true, status: 'muted', attempts: 0, ...warnings } };
    if (result.notifications.length === 0 && result.duplicates > 0) return { ids: [], result: { success: true, status: 'duplicate', attempts: 0, ...warnings } };
    return { ids: result.notifications, queueKeys: result.queueKeys, result: { success: true, status: 'queued', notificationId: result.notifications[0], attempts: 0, ...warnings } };
  }
}

function toResult(outcome: DeliveryOutcome, notificationId: string): DeliveryResult {
  const ok = outcome.status === 'sent' || outcome.status === 'dry_run';
  return {
    success: ok,
    status: outcome.status === 'sent' ? 'sent' : outcome.status === 'dry_run' ? 'dry_run' : 'failed',
    notificationId,
    messageId: outcome.messageIds[0],
    attempts: outcome.attempts,
    responseTimeMs: outcome.responseTimeMs,
    error: ok ? undefined : `${outcome.reason ?? 'failed'}: ${outcome.error ?? ''}`.trim(),
  };
}
