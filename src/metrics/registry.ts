import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { THROTTLE_SCOPES } from '../delivery/classify.js';
import { DeferredCounts } from './deferred-counts.js';
import type { ScrapeSnapshot } from './snapshot.js';

/** Every metric name starts with this (Prometheus naming: `<namespace>_<what>_<unit>[_total]`). */
export const METRIC_PREFIX = 'alertcord_';

/**
 * Delivery latency buckets (seconds, ingest → Discord accepted): sub-second when idle, minutes when a
 * storm is paced by Discord's 30 messages/min per channel.
 */
export const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];
/** Ingest duration buckets (seconds): parse + route + enqueue, milliseconds with memory, more with Redis. */
export const INGEST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Breaker state as a number, for `alertcord_circuit_breaker_state` (Prometheus has no enum type). */
export const BREAKER_STATE_VALUE = { closed: 0, half_open: 1, open: 2 } as const;

export interface MetricsOptions {
  /** What scrape-time gauges read (queues, breakers, broken marks, dead letters); memoized per scrape. */
  snapshot: () => Promise<ScrapeSnapshot>;
  /** prom-client's default process metrics (CPU, memory, event loop, GC), prefixed `alertcord_`. */
  processMetrics?: boolean;
  /** Epoch ms (the runtime's clock): the start's load time. */
  now?: () => number;
}

/**
 * One runtime's metrics, in its own registry (never prom-client's global one: tests and library users
 * create many runtimes in one process). Counters and histograms move through hooks (see `hooks.ts`);
 * gauges of state are read from the store at scrape time. Label values are ids, types, reasons and
 * classes, never a webhook URL or token.
 */
export interface Metrics {
  registry: Registry;
  /** Where the ingest path counts (once per request or group): added to the counters of the same names when read. */
  counts: IngestCounts;
  alertsReceived: Counter<'source' | 'status'>;
  notifications: Counter<'alert_type' | 'outcome'>;
  notificationsQueued: Counter<'alert_type'>;
  discordRequests: Counter<'webhook' | 'class'>;
  rateLimited: Counter<'scope'>;
  retries: Counter<'reason'>;
  alertsMuted: Counter<'alert_type'>;
  dedupeHits: Counter<'source'>;
  deliveryLatency: Histogram;
  ingestDuration: Histogram<'route'>;
  ingestRequests: Counter<'route' | 'code'>;
  /** `result` is `ok` or `failed`; moved by config reload (see {@link recordReload}). */
  configReloads: Counter<'result'>;
  /** 1 while the config file last read loaded, 0 after a failed reload: the running config is older than the file. */
  configLastReloadSuccessful: Gauge;
  configLastReloadSuccessTimestamp: Gauge;
}

/** The counters the ingest path moves, deferred (see {@link DeferredCounts}). */
export interface IngestCounts {
  alertsReceived: DeferredCounts<'source' | 'status'>;
  notificationsQueued: DeferredCounts<'alert_type'>;
  ingestRequests: DeferredCounts<'route' | 'code'>;
}

/** Creates a registry and every alertcord metric in it. */
export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  const registers = [registry];
  const n = (name: string) => `${METRIC_PREFIX}${name}`;
  const counts: IngestCounts = {
    alertsReceived: new DeferredCounts(['source', 'status']),
    notificationsQueued: new DeferredCounts(['alert_type']),
    ingestRequests: new DeferredCounts(['route', 'code']),
  };
  const metrics: Metrics = {
    registry,
    counts,
    alertsReceived: new Counter({ name: n('alerts_received_total'), help: 'Alerts parsed from inbound requests, by source and status (firing/resolved).', labelNames: ['source', 'status'], registers, collect() { counts.alertsReceived.flushInto(this); } }),
    notifications: new Counter({ name: n('notifications_total'), help: 'Notifications by alert type and final outcome (sent, dry_run, dead_lettered, deduplicated).', labelNames: ['alert_type', 'outcome'], registers }),
    notificationsQueued: new Counter({ name: n('notifications_queued_total'), help: 'Notifications put on a webhook queue by intake, by alert type.', labelNames: ['alert_type'], registers, collect() { counts.notificationsQueued.flushInto(this); } }),
    discordRequests: new Counter({ name: n('discord_requests_total'), help: 'Requests to Discord by webhook id and status class (2xx, 4xx, 5xx, error for transport failures).', labelNames: ['webhook', 'class'], registers }),
    rateLimited: new Counter({ name: n('discord_rate_limited_total'), help: '429 answers from Discord by scope (webhook, shared, global, cloudflare, sublimit).', labelNames: ['scope'], registers }),
    retries: new Counter({ name: n('delivery_retries_total'), help: 'Backoff retries of a Discord request, by failure reason (429 waits are not retries).', labelNames: ['reason'], registers }),
    alertsMuted: new Counter({ name: n('alerts_muted_total'), help: 'Alerts accepted but not sent because the route they matched was muted (mute_time_intervals / active_time_intervals), by alert type.', labelNames: ['alert_type'], registers }),
    dedupeHits: new Counter({ name: n('dedupe_hits_total'), help: 'Notifications accepted but not sent again because their dedupe key was seen within the window.', labelNames: ['source'], registers }),
    deliveryLatency: new Histogram({ name: n('delivery_latency_seconds'), help: 'Time from ingest (or, for a replayed dead letter, its replay) to Discord accepting the notification.', buckets: LATENCY_BUCKETS, registers }),
    ingestDuration: new Histogram({ name: n('ingest_duration_seconds'), help: 'Time to answer an ingest request (read, parse, route, enqueue), by route.', labelNames: ['route'], buckets: INGEST_BUCKETS, registers }),
    ingestRequests: new Counter({ name: n('ingest_requests_total'), help: 'Ingest requests by route and HTTP status code.', labelNames: ['route', 'code'], registers, collect() { counts.ingestRequests.flushInto(this); } }),
    configReloads: new Counter({ name: n('config_reloads_total'), help: 'Configuration reloads by result (ok, failed).', labelNames: ['result'], registers }),
    // Named as Prometheus and Alertmanager name theirs, so dashboards and rules written for those read it alike.
    configLastReloadSuccessful: new Gauge({ name: n('config_last_reload_successful'), help: 'Whether the last configuration load (the start, or a reload) succeeded: 0 means the running config is older than the file, and a restart would fail to start.', registers }),
    configLastReloadSuccessTimestamp: new Gauge({ name: n('config_last_reload_success_timestamp_seconds'), help: 'Unix time of the last successful configuration load (the start, or a reload).', registers }),
  };
  for (const result of ['ok', 'failed']) metrics.configReloads.inc({ result }, 0);
  // The process started on a config that loaded: that is its first successful load.
  recordLoad(metrics, 'ok', options.now?.() ?? Date.now());
  // From 0, not born at 1 on the first 429: increase() cannot see a series' first sample, so the first
  // global or Cloudflare 429 of a process (the one that matters) never fired AlertcordDiscordGlobalRateLimit.
  for (const scope of THROTTLE_SCOPES) metrics.rateLimited.inc({ scope }, 0);
  scrapeGauges(registry, options.snapshot);
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return metrics;
}

/** Gauges of state, filled from one snapshot per scrape (collect() runs when /metrics is read). */
function scrapeGauges(registry: Registry, snapshot: () => Promise<ScrapeSnapshot>): void {
  const registers = [registry];
  const n = (name: string) => `${METRIC_PREFIX}${name}`;
  const perWebhook = (name: string, help: string, pick: (s: ScrapeSnapshot) => { webhook: string; value: number }[]) =>
    new Gauge({
      name: n(name),
      help,
      labelNames: ['webhook'],
      registers,
      async collect() {
        const rows = pick(await snapshot());
        this.reset();
        for (const r of rows) this.set({ webhook: r.webhook }, r.value);
      },
    });
  perWebhook('queue_depth', 'Undelivered notifications (queued + in flight) per webhook queue.', (s) => s.queues.map((q) => ({ webhook: q.webhook, value: q.depth })));
  perWebhook('queue_oldest_age_seconds', 'Age of the oldest undelivered notification per webhook queue (0 when empty).', (s) => s.queues.map((q) => ({ webhook: q.webhook, value: q.oldestAgeSeconds })));
  perWebhook('circuit_breaker_state', 'Circuit breaker per webhook: 0 closed, 1 half-open, 2 open.', (s) => s.webhooks.map((w) => ({ webhook: w.webhook, value: BREAKER_STATE_VALUE[w.breaker] })));
  perWebhook('webhook_broken', '1 when the webhook is marked broken (Discord answered 401/403/404), else 0.', (s) => s.webhooks.map((w) => ({ webhook: w.webhook, value: w.broken ? 1 : 0 })));
  perWebhook('webhook_paused_until_seconds', 'Unix time until which a 429 pauses the webhook (0 when not paused).', (s) => s.webhooks.map((w) => ({ webhook: w.webhook, value: w.pausedUntilSeconds })));
  perWebhook('webhook_last_success_timestamp_seconds', 'Unix time of the last message Discord accepted on the webhook (0 when none yet; a 400 or a dry run does not count).', (s) => s.webhooks.map((w) => ({ webhook: w.webhook, value: w.lastSuccessSeconds })));
  // The one gauge that speaks during a store outage: every gauge read from the store has no sample then, and
  // the Watchdog is still taken (202), so without it a Redis outage with no other alert arriving paged no one.
  new Gauge({
    name: n('store_up'),
    help: '1 when the store answers and takes writes, 0 while it does not (Redis unreachable or refusing writes): ingest answers 503 and nothing is delivered.',
    registers,
    async collect() {
      this.set((await snapshot()).storeUp ? 1 : 0);
    },
  });
  new Gauge({
    name: n('dead_letters'),
    help: 'Notifications in the dead-letter store (refused by Discord for good or out of retries), waiting for replay.',
    registers,
    async collect() {
      // Unknown (Redis down) is no sample, as for the per-webhook gauges: a 0 would say the dead letters were gone.
      // No sample alone still resolves a rule on the bare gauge (Prometheus marks the series stale), so the
      // example rules read it through last_over_time().
      const count = (await snapshot()).deadLetters;
      if (count === undefined) this.remove({});
      else this.set(count);
    },
  });
}

/** A config reload's result: counted, and the last-reload gauges set (the success time only on success). */
export function recordReload(metrics: Metrics, result: 'ok' | 'failed', now: number): void {
  metrics.configReloads.inc({ result });
  recordLoad(metrics, result, now);
}

function recordLoad(metrics: Metrics, result: 'ok' | 'failed', now: number): void {
  metrics.configLastReloadSuccessful.set(result === 'ok' ? 1 : 0);
  if (result === 'ok') metrics.configLastReloadSuccessTimestamp.set(now / 1000);
}
