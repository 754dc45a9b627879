import type { HistoryEntry } from './types.js';

/** One UTC day in ms. */
export const DAY_MS = 86_400_000;

/**
 * Upper bounds (ms, inclusive) of the response-time histogram; one more bucket holds the rest (`+Inf`).
 * Discord usually answers a webhook in 100–500 ms; 2.5 s and beyond is trouble.
 */
export const RESPONSE_TIME_BUCKETS_MS = [50, 100, 250, 500, 1000, 2500] as const;

/** Attempts at or above this share one bucket of the attempts distribution (`10+`). */
export const ATTEMPTS_CAP = 10;

/** Outcomes that reached their destination (Discord, or the dry-run sender). */
export const DELIVERED_OUTCOMES: readonly string[] = ['sent', 'dry_run'];

/**
 * Counter names (hash fields in Redis, map keys in memory), one vocabulary for both stores:
 * `n` notifications, `o:<outcome>`, `r:<failure reason>`, `t:<alert type>`, `s:<source>`,
 * `a:<attempts>`, `rn` notifications that needed retries, `rt` retries in all, `lf:<last failure reason>`
 * (of the retried and the failed), `ms:<bucket bound|inf>`, `ms:sum`, `ms:n` response times.
 */
export const FIELD = {
  total: 'n',
  retried: 'rn',
  retries: 'rt',
  msSum: 'ms:sum',
  msCount: 'ms:n',
  outcome: (status: string) => `o:${status}`,
  reason: (reason: string) => `r:${reason}`,
  type: (type: string) => `t:${type}`,
  source: (source: string) => `s:${source}`,
  attempts: (attempts: number) => `a:${attempts >= ATTEMPTS_CAP ? `${ATTEMPTS_CAP}+` : Math.max(0, attempts)}`,
  lastFailure: (reason: string) => `lf:${reason}`,
  msBucket: (ms: number) => `ms:${RESPONSE_TIME_BUCKETS_MS.find((le) => ms <= le) ?? 'inf'}`,
} as const;

/** The UTC date (`YYYY-MM-DD`) of an epoch-ms instant: the key of its day's counters. */
export function dayKey(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** Epoch ms of the UTC midnight that starts the day holding `epochMs`. */
export function dayStart(epochMs: number): number {
  return Math.floor(epochMs / DAY_MS) * DAY_MS;
}

/**
 * Until when a day's counters are kept: retention past the end of that day, so the oldest day still inside
 * the retention window is whole. Redis sets this as the day hash's TTL; memory prunes by it.
 */
export function dayExpiresAt(epochMs: number, retentionMs: number): number {
  return dayStart(epochMs) + DAY_MS + retentionMs;
}

/** The UTC dates from `since`'s day (floored at now − retention) to today, oldest first. */
export function daysInWindow(now: number, retentionMs: number, since?: number): string[] {
  const from = dayStart(Math.max(since ?? 0, now - retentionMs));
  const out: string[] = [];
  for (let day = from; day <= now; day += DAY_MS) out.push(dayKey(day));
  return out;
}

/** The counters one final outcome adds to its day (by `outcome.at`). */
export function statsIncrements(entry: HistoryEntry): Map<string, number> {
  const inc = new Map<string, number>();
  const add = (field: string, by = 1): void => void inc.set(field, (inc.get(field) ?? 0) + by);
  const { outcome } = entry;
  add(FIELD.total);
  add(FIELD.outcome(outcome.status));
  add(FIELD.type(entry.alertType));
  add(FIELD.source(entry.source));
  add(FIELD.attempts(outcome.attempts));
  const delivered = DELIVERED_OUTCOMES.includes(outcome.status);
  if (!delivered && outcome.reason) add(FIELD.reason(outcome.reason));
  if (entry.retries > 0) {
    add(FIELD.retried);
    add(FIELD.retries, entry.retries);
  }
  const lastFailure = entry.lastFailureReason ?? (delivered ? undefined : outcome.reason);
  if (lastFailure && (entry.retries > 0 || !delivered)) add(FIELD.lastFailure(lastFailure));
  if (delivered && outcome.responseTimeMs !== undefined && Number.isFinite(outcome.responseTimeMs)) {
    const ms = Math.max(0, Math.round(outcome.responseTimeMs));
    add(FIELD.msBucket(ms));
    add(FIELD.msSum, ms);
    add(FIELD.msCount);
  }
  return inc;
}
