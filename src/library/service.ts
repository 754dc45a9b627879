import { randomUUID } from 'node:crypto';
import pino, { type Logger } from 'pino';
import { loadConfigOrThrow } from '../config/load.js';
import type { Config } from '../config/types.js';
import type { DeliveryOutcome } from '../model/outcome.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../runtime.js';
import { parseGeneric } from '../sources/generic/parse.js';
import { checkHealth, type HealthReport } from '../ops/health.js';
import type { DeliveryResult, NotificationMessage } from './notification-message.js';
import { toGenericWire } from './notification-message.js';
import { rateLimitStatus, type RateLimitStatus } from '../ops/rate-limit-status.js';
import { validateWebhooks, type WebhookValidation } from '../ops/validate-webhooks.js';

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
  readonly #started: Promise<void>;

  constructor(options: ServiceOptions = {}) {
    const config = options.config ?? loadConfigOrThrow({ env: options.env ?? process.env, yaml: options.yaml }).config;
    const logger = options.logger ?? pino({ level: config.logLevel });
    // The outbound proxy (HTTPS_PROXY / NO_PROXY) applies to library sends as to the server.
    this.#runtime = createRuntime({ ...options, env: options.env ?? process.env, config, logger });
    this.#started = this.#runtime.start();
  }

  /** Sends and resolves when Discord answered, or when the last retry failed. Never throws for Discord problems. */
  async send(message: NotificationMessage): Promise<DeliveryResult> {
    const queued = await this.#submit(message);
    if (!queued.notificationId) return queued;
    return toResult(await this.#runtime.delivery.recorder.waitFor(queued.notificationId), queued.notificationId);
  }

  /** Queues and resolves at once with status 'queued' (or 'rate_limited' when the queue is full). */
  enqueue(message: NotificationMessage): Promise<DeliveryResult> {
    return this.#submit(message);
  }

  healthCheck(): Promise<HealthReport> {
    return checkHealth(this.#runtime);
  }

  /** GETs each configured webhook (Discord's no-auth webhook lookup); posts nothing. */
  validateConfiguration(): Promise<WebhookValidation[]> {
    return validateWebhooks(this.#runtime);
  }

  /** Per alert type: requests remaining now, the limit, and when it is full again (epoch ms). */
  getRateLimitStatus(): Promise<Record<string, RateLimitStatus>> {
    return rateLimitStatus(this.#runtime);
  }

  /** Drains what is queued (up to the shutdown deadline) and releases sockets and the store. */
  async close(): Promise<void> {
    await this.#started;
    await this.#runtime.stop();
  }

  async #submit(message: NotificationMessage): Promise<DeliveryResult> {
    await this.#started;
    const parsed = parseGeneric(toGenericWire(message));
    if (!parsed.ok) {
      return { success: false, status: 'failed', attempts: 0, error: parsed.issues.map((i) => `${i.path || 'message'}: ${i.message}`).join('; ') };
    }
    // Library sends are deliberate: a unique dedupe key, so two equal sends are two messages.
    const groups = parsed.groups.map((g) => ({ ...g, source: 'library' as const, dedupeKey: randomUUID(), mentions: message.mentions, alerts: g.alerts.map((a) => ({ ...a, source: 'library' as const })) }));
    const result = await this.#runtime.intake.accept(groups);
    if (!result.ok) return { success: false, status: 'rate_limited', attempts: 0, error: result.message };
    return { success: true, status: 'queued', notificationId: result.notifications[0], attempts: 0 };
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
