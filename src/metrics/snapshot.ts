import type { Config } from '../config/types.js';
import type { BreakerState } from '../delivery/circuit-breaker.js';
import { queueTarget } from '../delivery/queue-target.js';
import type { WebhookState } from '../delivery/webhook-state.js';
import type { Store } from '../store/types.js';

/** What the scrape-time gauges show, read once per scrape. Keyed by webhook id (never its token). */
export interface ScrapeSnapshot {
  queues: { webhook: string; depth: number; oldestAgeSeconds: number }[];
  webhooks: { webhook: string; breaker: BreakerState; broken: boolean; pausedUntilSeconds: number; lastSuccessSeconds: number }[];
  deadLetters: number;
}

export interface SnapshotDeps {
  config: () => Config;
  store: Store;
  state: WebhookState;
  now: () => number;
}

/**
 * Reads queues (every queue the store knows plus every configured webhook, so an empty queue shows 0),
 * per-webhook state and the dead-letter count. The returned function shares one read between the
 * gauges of a scrape: prom-client calls their `collect()` together, so an in-flight read is reused.
 * A store that cannot answer yields what could be read (a scrape must not fail for a Redis blip).
 */
export function createSnapshot(deps: SnapshotDeps): () => Promise<ScrapeSnapshot> {
  let inFlight: Promise<ScrapeSnapshot> | undefined;
  return () => {
    inFlight ??= readSnapshot(deps).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}

async function readSnapshot(deps: SnapshotDeps): Promise<ScrapeSnapshot> {
  const config = deps.config();
  const now = deps.now();
  const webhookIds = new Set<string>();
  for (const t of config.alertTypes.values()) if (t.webhook) webhookIds.add(t.webhook.id);
  const queueKeys = new Set([...webhookIds, ...(await deps.store.queue.queueKeys().catch(() => []))]);
  const queues: ScrapeSnapshot['queues'] = [];
  for (const key of queueKeys) {
    const depth = await deps.store.queue.depth(key).catch(() => undefined);
    if (depth === undefined) continue;
    const oldest = depth > 0 ? await deps.store.queue.oldestEnqueuedAt(key).catch(() => undefined) : undefined;
    queues.push({ webhook: key, depth, oldestAgeSeconds: oldest === undefined ? 0 : Math.max(0, (now - oldest) / 1000) });
  }
  const webhooks: ScrapeSnapshot['webhooks'] = [];
  for (const id of webhookIds) {
    const target = queueTarget(config, id);
    if (!target) continue;
    const s = await deps.state.status(id, target.limits, now).catch(() => undefined);
    if (!s) continue;
    webhooks.push({
      webhook: id,
      breaker: s.breaker.state,
      broken: s.broken !== undefined,
      pausedUntilSeconds: s.pausedUntil !== undefined && s.pausedUntil > now ? s.pausedUntil / 1000 : 0,
      lastSuccessSeconds: s.lastSuccessAt !== undefined ? s.lastSuccessAt / 1000 : 0,
    });
  }
  const deadLetters = await deps.store.deadLetters.count().catch(() => 0);
  return { queues, webhooks, deadLetters };
}
