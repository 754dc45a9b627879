import { queueKeyFor } from '../delivery/queue-key.js';
import { queueTarget } from '../delivery/queue-target.js';
import type { WebhookStatus } from '../delivery/webhook-state.js';
import type { Runtime } from '../runtime.js';

export interface RateLimitStatus {
  /** Requests that may go now: 0 while Discord pauses the webhook (`pausedUntil`). */
  remaining: number;
  limit: number;
  /** Epoch ms when the webhook's budget is full again (now when it is full), never before a pause ends. */
  reset: number;
  webhookId?: string;
  /** Epoch ms until which Discord's pause (429, Remaining 0, global or Cloudflare) holds every request. */
  pausedUntil?: number;
}

/**
 * Per alert type, the effective limit of its webhook (shared webhooks: the strictest wins); 0 of 0 for a type
 * whose sends go nowhere. Each webhook is read once, all side by side: one read per type in turn made 60
 * teams' types 60 Redis round trips, and during an outage 60 command timeouts (90 s) before an answer.
 */
export async function rateLimitStatus(runtime: Runtime): Promise<Record<string, RateLimitStatus>> {
  const config = runtime.config();
  // The clock sends take their tokens by (an injected one too), else the numbers are another time's.
  const now = runtime.now();
  const reads = new Map<string, Promise<WebhookStatus>>();
  const types = [...config.alertTypes.values()].map((t) => {
    // The queue the type's sends go to: in dry run without webhooks, the unthrottled stand-in's.
    const target = queueTarget(config, queueKeyFor(config, t.name));
    if (target && !reads.has(target.webhook.id)) reads.set(target.webhook.id, runtime.state.status(target.webhook.id, target.limits, now));
    return { name: t.name, target };
  });
  // Awaited together: one read failing rejects the call, and none is left rejecting unhandled.
  const statuses = new Map(await Promise.all([...reads].map(async ([id, read]) => [id, await read] as const)));
  const out: Record<string, RateLimitStatus> = {};
  for (const { name, target } of types) {
    if (!target) {
      out[name] = { remaining: 0, limit: 0, reset: now };
      continue;
    }
    const s = statuses.get(target.webhook.id)!;
    // Through Discord's pause (429, Remaining 0, global or Cloudflare) no request goes, whatever our limiter has left.
    const pausedUntil = s.pausedUntil !== undefined && s.pausedUntil > now ? s.pausedUntil : undefined;
    out[name] = {
      remaining: pausedUntil === undefined ? s.rateLimit.remaining : 0,
      limit: s.rateLimit.limit,
      reset: Math.max(now + s.rateLimit.resetMs, pausedUntil ?? 0),
      webhookId: target.webhook.id,
      pausedUntil: s.pausedUntil,
    };
  }
  return out;
}
