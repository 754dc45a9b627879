import type { Logger } from 'pino';
import { FailureStreak } from '../lib/failure-streak.js';
import type { SendContext } from './send-with-retry.js';

/**
 * What the log says about one webhook's requests to Discord. Each request is counted (metrics), not logged;
 * the log gets what changes, as architecture.md asks of retries: a warning when requests start failing
 * (5xx, timeouts, resets) and when the error changes, one line when Discord answers again (with how long
 * it failed); the same for a global 429 or Cloudflare ban, which pauses every webhook; and one error when
 * Discord refuses the webhook itself. Without them an operator read nothing at all through a Discord outage,
 * a deleted webhook or a ban, and had to know to look at /api/status.
 */
export class AttemptLog {
  readonly #failing: FailureStreak;
  readonly #paused: FailureStreak;

  constructor(private readonly logger: Logger, now: () => number, private readonly webhookId: string) {
    const fields = { webhookId }; // (`webhook` is a redacted field: it may hold a URL)
    this.#failing = new FailureStreak(logger, now, { fields, failing: 'Discord requests fail; retrying with backoff, the breaker opens after repeated failures (logged again when the error changes)', recovered: 'Discord answers again' });
    this.#paused = new FailureStreak(logger, now, { fields, failing: 'Discord paused every webhook (a global 429 or Cloudflare ban); nothing is sent until pause.until in /api/status', recovered: 'Discord takes requests again after its pause' });
  }

  /** Each attempt's classification (SendContext.onAttempt). */
  readonly attempt: NonNullable<SendContext['onAttempt']> = (kind, reason, detail, info) => {
    if (info.simulated) return;
    // The same error is the same reason and status: the text may differ per answer (a Ray ID, a wait).
    if (kind === 'retryable') this.#failing.failed(`${reason}: ${detail}`, `${reason} ${info.status ?? ''}`);
    else if (kind === 'throttle' && (info.scope === 'global' || info.scope === 'cloudflare')) this.#paused.failed(`${info.scope} 429: ${detail}`, info.scope);
    else if (kind === 'success' || kind === 'permanent') {
      // Discord answered (a 400 too: the webhook is healthy, the body was wrong).
      this.#failing.succeeded();
      this.#paused.succeeded();
    }
  };

  /** A message used its retries while Discord fails the webhook's GET too: said once per message, it waits. */
  readonly outage = (detail: string): void => {
    this.logger.warn({ webhookId: this.webhookId, detail }, 'a message used its retries, but Discord does not answer the webhook at all (an outage, not this message): it waits in the queue behind the breaker instead of going to dead letters');
  };

  /** Discord refused the webhook (401/403/404) and it was marked broken: said once, it gets no more requests. */
  readonly broken = (detail: string): void => {
    this.logger.error({ webhookId: this.webhookId, detail }, 'Discord refused the webhook (401/403/404: deleted or wrong token): marked broken, its alerts go to the general webhook (to dead letters without a usable one); fix the URL and reload, or POST /api/validate once it works again');
  };
}
