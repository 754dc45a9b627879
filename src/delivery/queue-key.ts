import type { Config } from '../config/types.js';

/** Queue of notifications whose type has no webhook at all (dry-run, or a type without general). */
export const NO_WEBHOOK_QUEUE = 'no-webhook';

/**
 * Queues are per webhook, keyed by the webhook's id (never its token): alert types sharing a webhook
 * share its queue, its rate limit and its breaker.
 */
export function queueKeyFor(config: Config, alertType: string): string {
  return config.alertTypes.get(alertType)?.webhook?.id ?? NO_WEBHOOK_QUEUE;
}
