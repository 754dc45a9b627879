import { queueKeyFor } from '../delivery/queue-key.js';
import { queueTarget } from '../delivery/queue-target.js';
import type { Runtime } from '../runtime.js';

export interface RateLimitStatus {
  remaining: number;
  limit: number;
  /** Epoch ms when the webhook's budget is full again (now when it is full). */
  reset: number;
  webhookId?: string;
  pausedUntil?: number;
}

/** Per alert type, the effective limit of its webhook (shared webhooks: the strictest wins); 0 of 0 for a type whose sends go nowhere. */
export async function rateLimitStatus(runtime: Runtime): Promise<Record<string, RateLimitStatus>> {
  const config = runtime.config();
  // The clock sends take their tokens by (an injected one too), else the numbers are another time's.
  const now = runtime.now();
  const out: Record<string, RateLimitStatus> = {};
  for (const t of config.alertTypes.values()) {
    // The queue the type's sends go to: in dry run without webhooks, the unthrottled stand-in's.
    const target = queueTarget(config, queueKeyFor(config, t.name));
    if (!target) {
      out[t.name] = { remaining: 0, limit: 0, reset: now };
      continue;
    }
    const s = await runtime.state.status(target.webhook.id, target.limits, now);
    out[t.name] = { remaining: s.rateLimit.remaining, limit: s.rateLimit.limit, reset: now + s.rateLimit.resetMs, webhookId: target.webhook.id, pausedUntil: s.pausedUntil };
  }
  return out;
}
