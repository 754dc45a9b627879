import type { Config } from '../config/types.js';
import { queueTarget } from '../delivery/queue-target.js';
import type { WebhookState, WebhookStatus } from '../delivery/webhook-state.js';
import { queueDepth } from '../store/queue-depth.js';
import type { Store, StoreCheck } from '../store/types.js';
import type { WatchdogStatus } from './watchdog.js';

/** One webhook as `/api/status` shows it: limits, Discord's bucket, breaker, 429 pause, queue, health. */
export interface WebhookReport {
  webhookId: string;
  alertTypes: string[];
  /** Our own limiter: requests left now, its size, and when it is full again. */
  rateLimit: { remaining: number; limit: number; resetAt: string };
  /** What Discord's last `X-RateLimit-*` headers said, when any. */
  discord: { remaining?: number; limit?: number; resetAt?: string; bucket?: string } | null;
  breaker: { state: string; consecutiveFailures: number; openedAt: string | null };
  /** A 429 pause in force (this webhook's, or a global / Cloudflare one). */
  pause: { until: string; reason: string } | null;
  /** `limit`: DISCORD_QUEUE_SIZE; at `depth >= limit` ingest refuses this webhook's alerts (503 queue_full). */
  queue: QueueReport;
  broken: { reason: string; since: string } | null;
  lastSuccessAt: string | null;
  lastError: { reason: string; detail: string; at: string } | null;
}

/** One queue: depth (-1 when the store cannot say), the age of its oldest entry, the size past which it is full. */
export interface QueueReport {
  depth: number;
  oldestAgeSeconds: number;
  limit: number;
}

/** What `GET /api/status` answers: everything needed to see in a minute why an alert did not arrive. */
export interface StatusReport {
  startedAt: string;
  uptimeSeconds: number;
  store: { kind: string; ok: boolean; message?: string; warning?: string };
  /** Why nothing reaches Discord (no webhook, DRY_RUN); null when delivering for real. */
  dryRun: string | null;
  alertTypes: { name: string; webhookId: string | null; fallsBackToGeneral: boolean }[];
  webhooks: WebhookReport[];
  /** Queues without a configured webhook (dry run, or a webhook removed from config) that still hold work. */
  otherQueues: ({ queueKey: string } & QueueReport)[];
  /** The dead man's switch: state, last heartbeat, since when it is missing; null when not wired. */
  watchdog: WatchdogStatus | null;
}

export interface StatusDeps {
  config: () => Config;
  store: Store;
  state: WebhookState;
  /** Epoch ms when this runtime was created. */
  startedAt: number;
  now: () => number;
  /** The watchdog's state (runtime.watchdog.status). */
  watchdog?: () => WatchdogStatus;
}

/**
 * Builds the status report from config, the store and the webhook state (Redis: shared by replicas).
 * Reads run side by side and each may fail alone: while Redis is down every read waits out the command
 * timeout, and the report must still answer, promptly, with `store.ok: false` (a webhook whose state
 * cannot be read is left out, as in /metrics) instead of failing the whole request.
 */
export async function statusReport(deps: StatusDeps): Promise<StatusReport> {
  const config = deps.config();
  const now = deps.now();
  const types = [...config.alertTypes.values()];
  const webhookIds = [...new Set(types.flatMap((t) => (t.webhook ? [t.webhook.id] : [])))];
  const [webhooks, otherQueues, storeCheck] = await Promise.all([
    Promise.all(webhookIds.map((id) => webhookReportOf(deps, config, id, now))),
    otherQueuesOf(deps.store, webhookIds, now, config.discord.queueSize),
    deps.store.ping().catch((err: Error): StoreCheck => ({ ok: false, message: err.message })),
  ]);
  return {
    startedAt: new Date(deps.startedAt).toISOString(),
    uptimeSeconds: Math.max(0, Math.round((now - deps.startedAt) / 1000)),
    store: { kind: deps.store.kind, ok: storeCheck.ok, ...(storeCheck.message ? { message: storeCheck.message } : {}), ...(storeCheck.warning ? { warning: storeCheck.warning } : {}) },
    dryRun: config.discord.dryRunReason ?? null,
    alertTypes: types.map((t) => ({ name: t.name, webhookId: t.webhook?.id ?? null, fallsBackToGeneral: t.fallsBackToGeneral })),
    webhooks: webhooks.filter((w): w is WebhookReport => w !== undefined),
    otherQueues,
    watchdog: deps.watchdog?.() ?? null,
  };
}

/** One configured webhook's report; undefined when it is no queue's target or its state cannot be read. */
async function webhookReportOf(deps: StatusDeps, config: Config, id: string, now: number): Promise<WebhookReport | undefined> {
  const target = queueTarget(config, id);
  if (!target) return undefined;
  const [s, queue] = await Promise.all([deps.state.status(id, target.limits, now).catch(() => undefined), queueInfo(deps.store, id, now, config.discord.queueSize)]);
  return s ? webhookReport(s, target.alertTypes, queue, now) : undefined;
}

/** Queues without a configured webhook that still hold work (or whose depth the store cannot say). */
async function otherQueuesOf(store: Store, webhookIds: string[], now: number, limit: number): Promise<StatusReport['otherQueues']> {
  const keys = (await store.queue.queueKeys().catch((): string[] => [])).filter((key) => !webhookIds.includes(key));
  const infos = await Promise.all(keys.map(async (queueKey) => ({ queueKey, ...(await queueInfo(store, queueKey, now, limit)) })));
  return infos.filter((q) => q.depth !== 0);
}

/**
 * Depth (-1 when the store cannot say), the age of the oldest undelivered notification, and the queue size the
 * store measures that depth against (queued + in flight) when it answers 'full'.
 */
async function queueInfo(store: Store, key: string, now: number, limit: number): Promise<QueueReport> {
  const q = await queueDepth(store, key, now);
  return { depth: q?.depth ?? -1, oldestAgeSeconds: Math.round((q?.oldestAgeMs ?? 0) / 1000), limit };
}

function webhookReport(s: WebhookStatus, alertTypes: string[], queue: WebhookReport['queue'], now: number): WebhookReport {
  const d = s.discord;
  return {
    webhookId: s.webhookId,
    alertTypes,
    rateLimit: { remaining: s.rateLimit.remaining, limit: s.rateLimit.limit, resetAt: iso(now + s.rateLimit.resetMs) },
    discord: d ? { remaining: d.remaining, limit: d.limit, resetAt: d.resetAt !== undefined ? iso(d.resetAt) : undefined, bucket: d.bucket } : null,
    breaker: { state: s.breaker.state, consecutiveFailures: s.breaker.consecutiveFailures, openedAt: s.breaker.openedAt !== undefined ? iso(s.breaker.openedAt) : null },
    pause: s.pausedUntil !== undefined && s.pausedUntil > now ? { until: iso(s.pausedUntil), reason: s.pauseReason ?? 'rate_limited' } : null,
    queue,
    broken: s.broken ? { reason: s.broken.reason, since: iso(s.broken.since) } : null,
    lastSuccessAt: s.lastSuccessAt !== undefined ? iso(s.lastSuccessAt) : null,
    lastError: lastErrorOf(s),
  };
}

/** The last failure; a broken mark is one too (Discord's 401/403/404 that set it), when it is the newer. */
function lastErrorOf(s: WebhookStatus): WebhookReport['lastError'] {
  const failure = s.lastError;
  if (s.broken && (!failure || s.broken.since >= failure.at)) return { reason: 'broken_webhook', detail: s.broken.reason, at: iso(s.broken.since) };
  return failure ? { reason: failure.reason, detail: failure.detail, at: iso(failure.at) } : null;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
