import { ATTEMPTS_CAP, DELIVERED_OUTCOMES, FIELD, RESPONSE_TIME_BUCKETS_MS } from './stats-counters.js';

export interface StatsQuery {
  /** Epoch ms; counted from the UTC day holding it (counters are per day). Default: now − retention. */
  since?: number;
}

/** One response-time bucket: how many responses took at most `le` ms (and more than the previous bound). */
export interface ResponseTimeBucket {
  /** Upper bound in ms as text (`"50"` … `"2500"`), or `"+Inf"`, as Prometheus labels buckets. */
  le: string;
  count: number;
}

/** The seed's statistics over the counted days (issue 7). */
export interface StatsSummary {
  /** Start (UTC midnight, epoch ms) of the first day counted, and the instant of the summary. */
  since: number;
  until: number;
  /** Notifications with a final outcome. */
  total: number;
  /** Sent to Discord or to the dry-run sender. */
  delivered: number;
  /** delivered / total, 0…1; null when nothing was counted. */
  successRate: number | null;
  byOutcome: Record<string, number>;
  /** Reasons of the undelivered (dead-lettered, failed). */
  failuresByReason: Record<string, number>;
  /** The seed's retry analysis. */
  retries: {
    /** Notifications that needed at least one retry, and their share of `total`. */
    notificationsRetried: number;
    retriedRate: number | null;
    totalRetries: number;
    /** Notifications by attempts made (`"0"` … `"9"`, `"10+"`). */
    byAttempts: Record<string, number>;
    /** Last failure reasons of the retried and the undelivered. */
    lastFailureReasons: Record<string, number>;
  };
  /** Discord's response times of delivered notifications. */
  responseTime: {
    count: number;
    avgMs: number | null;
    /** Estimated from the buckets as Prometheus' histogram_quantile does (linear within a bucket). */
    p50Ms: number | null;
    p95Ms: number | null;
    buckets: ResponseTimeBucket[];
  };
  byType: Record<string, number>;
  bySource: Record<string, number>;
  /** Every counted day, oldest first, also the empty ones. */
  byDay: { date: string; total: number; delivered: number; failed: number }[];
}

/** One day's counters as a store holds them (field → count; see `FIELD`). */
export interface DayCounters {
  date: string;
  counters: ReadonlyMap<string, number>;
}

/** Adds up the days' counters into the summary both stores answer `GET /api/stats` with. */
export function summarize(days: readonly DayCounters[], now: number): StatsSummary {
  const sum = new Map<string, number>();
  for (const day of days) for (const [field, n] of day.counters) sum.set(field, (sum.get(field) ?? 0) + n);
  const get = (field: string): number => sum.get(field) ?? 0;
  const total = get(FIELD.total);
  const delivered = DELIVERED_OUTCOMES.reduce((acc, status) => acc + get(FIELD.outcome(status)), 0);
  const retried = get(FIELD.retried);
  const first = days[0];
  return {
    since: first ? Date.parse(`${first.date}T00:00:00Z`) : now,
    until: now,
    total,
    delivered,
    successRate: ratio(delivered, total),
    byOutcome: byPrefix(sum, 'o:'),
    failuresByReason: byPrefix(sum, 'r:'),
    retries: {
      notificationsRetried: retried,
      retriedRate: ratio(retried, total),
      totalRetries: get(FIELD.retries),
      byAttempts: sortAttempts(byPrefix(sum, 'a:')),
      lastFailureReasons: byPrefix(sum, 'lf:'),
    },
    responseTime: responseTime(get),
    byType: byPrefix(sum, 't:'),
    bySource: byPrefix(sum, 's:'),
    byDay: days.map((day) => dayTotals(day)),
  };
}

function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/** The counters whose field starts with `prefix`, keyed by the rest of the field. */
function byPrefix(sum: ReadonlyMap<string, number>, prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [field, n] of sum) if (field.startsWith(prefix) && n !== 0) out[field.slice(prefix.length)] = n;
  return out;
}

function sortAttempts(byAttempts: Record<string, number>): Record<string, number> {
  const key = (k: string): number => (k.endsWith('+') ? ATTEMPTS_CAP : Number(k));
  return Object.fromEntries(Object.entries(byAttempts).sort(([a], [b]) => key(a) - key(b)));
}

function dayTotals(day: DayCounters): StatsSummary['byDay'][number] {
  const get = (field: string): number => day.counters.get(field) ?? 0;
  const delivered = DELIVERED_OUTCOMES.reduce((acc, status) => acc + get(FIELD.outcome(status)), 0);
  const total = get(FIELD.total);
  return { date: day.date, total, delivered, failed: total - delivered };
}

function responseTime(get: (field: string) => number): StatsSummary['responseTime'] {
  const buckets: ResponseTimeBucket[] = RESPONSE_TIME_BUCKETS_MS.map((le) => ({ le: String(le), count: get(`ms:${le}`) }));
  buckets.push({ le: '+Inf', count: get('ms:inf') });
  const count = get(FIELD.msCount);
  return {
    count,
    avgMs: count > 0 ? Math.round(get(FIELD.msSum) / count) : null,
    p50Ms: quantile(0.5, buckets),
    p95Ms: quantile(0.95, buckets),
    buckets,
  };
}

/**
 * The q-quantile of a histogram, as Prometheus' `histogram_quantile`: find the bucket holding rank
 * q × count and interpolate linearly between its bounds (the first bucket starts at 0); a rank in the
 * `+Inf` bucket answers the highest finite bound. Null for an empty histogram.
 */
export function quantile(q: number, buckets: readonly ResponseTimeBucket[]): number | null {
  const count = buckets.reduce((acc, b) => acc + b.count, 0);
  if (count === 0) return null;
  const rank = q * count;
  let below = 0;
  let lower = 0;
  for (const bucket of buckets) {
    const upper = bucket.le === '+Inf' ? Infinity : Number(bucket.le);
    if (bucket.count > 0 && below + bucket.count >= rank) {
      if (upper === Infinity) return lower;
      return Math.round(lower + ((upper - lower) * (rank - below)) / bucket.count);
    }
    below += bucket.count;
    if (upper !== Infinity) lower = upper;
  }
  return lower;
}

