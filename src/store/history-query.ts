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
 * Where an entry sits in history (order, retention, `since`/`until`, `max_entries`): when intake accepted
 * it, or when it was last replayed. A dead letter is replayed however old it is; placed by `receivedAt`, the
 * replay's delivery was dropped on record (past retention) or trimmed at once (the oldest of a full history).
 */
export function historyAt(entry: { receivedAt: number; replayedAt?: number }): number {
  return entry.replayedAt !== undefined && entry.replayedAt > entry.receivedAt ? entry.replayedAt : entry.receivedAt;
}

/**
 * Oldest `historyAt` a query may see: its `since`, but never an entry whose retention has ended
 * (`historyAt + retention <= now`, the moment its Redis TTL runs out).
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
  if (query.until !== undefined && historyAt(entry) > query.until) return false;
  return true;
}

/**
 * Newest first: `historyAt` descending, then id descending: the order of Redis' ZREVRANGE over a sorted
 * set scored by `historyAt` (members with equal scores in reverse lexicographic order), so both stores agree.
 */
export function newestFirst(a: { receivedAt: number; replayedAt?: number; id: string }, b: { receivedAt: number; replayedAt?: number; id: string }): number {
  const [at, bt] = [historyAt(a), historyAt(b)];
  if (at !== bt) return bt - at;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
