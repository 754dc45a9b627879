import type { Config } from '../config/types.js';
import type { BreakerState } from '../delivery/circuit-breaker.js';
import { queueTarget } from '../delivery/queue-target.js';
import type { WebhookState } from '../delivery/webhook-state.js';
import { queueDepth } from '../store/queue-depth.js';
import type { Store } from '../store/types.js';

/** What the scrape-time gauges show, read once per scrape. Keyed by webhook id (never its token). */
export interface ScrapeSnapshot {
  queues: { webhook: string; depth: number; oldestAgeSeconds: number }[];
  webhooks: { webhook: string; breaker: BreakerState; broken: boolean; pausedUntilSeconds: number; lastSuccessSeconds: number }[];
  /** Undefined when the store cannot count them (the gauge is left out then, see registry.ts). */
  deadLetters: number | undefined;
  /** The store answers and takes writes (Store.ping): false while Redis is unreachable or refuses writes. */
  storeUp: boolean;
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

/**
 * Every read starts at once rather than one after another: while Redis is down each read waits out the
 * command timeout (1.5 s), and in sequence a scrape of six webhooks took over 20 s, past Prometheus'
 * scrape timeout (10 s by default): the scrape failed and every alertcord metric went missing for the
 * whole outage, just when it mattered. Side by side, a scrape takes about two command timeouts at most.
 */
async function readSnapshot(deps: SnapshotDeps): Promise<ScrapeSnapshot> {
  const config = deps.config();
  const now = deps.now();
  const webhookIds = new Set<string>();
  for (const t of config.alertTypes.values()) if (t.webhook) webhookIds.add(t.webhook.id);
  const configured = [...webhookIds].map((key) => readQueue(deps.store, key, now));
  const [knownKeys, webhooks, deadLetters, storeUp] = await Promise.all([
    deps.store.queue.queueKeys().catch((): string[] => []),
    Promise.all([...webhookIds].map((id) => readWebhook(deps, config, id, now))),
    deps.store.deadLetters.count().catch(() => undefined),
    deps.store.ping().then((c) => c.ok, () => false),
  ]);
  // Queues the store knows that no configured webhook uses (a removed webhook's, dry run's), read once known.
  const others = knownKeys.filter((key) => !webhookIds.has(key)).map((key) => readQueue(deps.store, key, now));
  const queues = await Promise.all([...configured, ...others]);
  return {
    queues: queues.filter((q): q is ScrapeSnapshot['queues'][number] => q !== undefined),
    webhooks: webhooks.filter((w): w is ScrapeSnapshot['webhooks'][number] => w !== undefined),
    deadLetters,
    storeUp,
  };
}

/** One queue's depth and oldest age; undefined when the store cannot say. */
async function readQueue(store: Store, key: string, now: number): Promise<ScrapeSnapshot['queues'][number] | undefined> {
  const q = await queueDepth(store, key, now);
  return q && { webhook: key, depth: q.depth, oldestAgeSeconds: q.oldestAgeMs / 1000 };
}

/** One configured webhook's breaker, broken mark, pause and last success; undefined when unreadable. */
async function readWebhook(deps: SnapshotDeps, config: Config, id: string, now: number): Promise<ScrapeSnapshot['webhooks'][number] | undefined> {
  const target = queueTarget(config, id);
  if (!target) return undefined;
  const s = await deps.state.status(id, target.limits, now).catch(() => undefined);
  if (!s) return undefined;
  return {
    webhook: id,
    breaker: s.breaker.state,
    broken: s.broken !== undefined,
    pausedUntilSeconds: s.pausedUntil !== undefined && s.pausedUntil > now ? s.pausedUntil / 1000 : 0,
    lastSuccessSeconds: s.lastSuccessAt !== undefined ? s.lastSuccessAt / 1000 : 0,
  };
}
