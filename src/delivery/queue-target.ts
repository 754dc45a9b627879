import type { Config, RateLimitSettings } from '../config/types.js';
import type { Webhook } from '../config/webhook-url.js';
import { Secret } from '../lib/secret.js';
import { NO_WEBHOOK_QUEUE } from './queue-key.js';
import { strictest } from './rate-limiter.js';

/** The webhook behind a queue and its effective rate limit: the strictest of the types sharing it. */
export interface QueueTarget {
  webhook: Webhook;
  limits: RateLimitSettings;
  alertTypes: string[];
}

/** Resolves a queue key (a webhook id) against the current config; undefined when no type uses it any more. */
export function queueTarget(config: Config, queueKey: string): QueueTarget | undefined {
  if (queueKey === NO_WEBHOOK_QUEUE && config.discord.dryRunReason) return DRY_RUN_TARGET;
  const types = [...config.alertTypes.values()].filter((t) => t.webhook?.id === queueKey);
  const webhook = types[0]?.webhook;
  if (!webhook) return undefined;
  const combined = strictest(types.map((t) => t.rateLimit));
  const perMinute = combined?.perMinute ?? 30;
  return {
    webhook,
    limits: { algorithm: combined?.algorithm ?? 'token_bucket', perMinute, burst: combined?.burst ?? Math.max(1, Math.floor(perMinute)) },
    alertTypes: types.map((t) => t.name),
  };
}

/** In dry-run without any webhook, everything is "sent" (logged) through this stand-in, unthrottled. */
const DRY_RUN_TARGET: QueueTarget = {
  webhook: { id: NO_WEBHOOK_QUEUE, url: new Secret('http://dry-run.invalid/') },
  limits: { algorithm: 'token_bucket', perMinute: 6000, burst: 6000 },
  alertTypes: [],
};
