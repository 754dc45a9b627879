import { lastQueuedAt } from '../model/notification.js';
import type { OutcomeStatus } from '../model/outcome.js';
import type { HistoryEntry, HistoryQuery } from './types.js';

/** Page size of a history query without `limit`. */
export const HISTORY_DEFAULT_LIMIT = 100;
/** Most entries one history query returns (issue 7). */
export const HISTORY_MAX_LIMIT = 1000;

/** The query's limit: default 100, at most 1000, never negative. */
export function historyLimit(query: HistoryQuery): number {
  return Math.max(0, Math.min(Math.floor(query.limit ?? HISTORY_DEFAULT_LIMIT), HISTORY_MAX_LIMIT));
}

/**
 * Oldest `lastQueuedAt` a query may see: its `since`, but never an entry whose retention has ended
 * (`lastQueuedAt + retention <= now`, the moment its Redis TTL runs out).
 */
export function historyCutoff(query: HistoryQuery, now: number, retentionMs: number): number {
  return Math.max(query.since ?? 0, now - retentionMs + 1);
}

/** `failed` stands for every undelivered outcome; the other filters match their own status only. */
export function outcomeMatches(status: OutcomeStatus, filter: OutcomeStatus): boolean {
  return filter === 'failed' ? status === 'failed' || status === 'dead_lettered' : status === filter;
}

/** The query's filters but `since` (each store applies `since` with retention through `historyCutoff`). */
export function matchesHistoryQuery(entry: HistoryEntry, query: HistoryQuery): boolean {
  if (query.type !== undefined && entry.alertType !== query.type) return false;
  if (query.status !== undefined && entry.status !== query.status) return false;
  if (query.outcome !== undefined && !outcomeMatches(entry.outcome.status, query.outcome)) return false;
  if (query.until !== undefined && lastQueuedAt(entry) > query.until) return false;
  return true;
}

/**
 * Newest first: `lastQueuedAt` descending, then id descending: the order of Redis' ZREVRANGE over a sorted
 * set scored by `lastQueuedAt` (members with equal scores in reverse lexicographic order), so both stores agree.
 */
export function newestFirst(a: { receivedAt: number; replayedAt?: number; id: string }, b: { receivedAt: number; replayedAt?: number; id: string }): number {
  const [at, bt] = [lastQueuedAt(a), lastQueuedAt(b)];
  if (at !== bt) return bt - at;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
