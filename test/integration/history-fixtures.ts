import type { DeliveryOutcome } from '../../src/model/outcome.js';
import type { HistoryEntry, Store } from '../../src/store/types.js';

export const DAY_MS = 86_400_000;
/** Noon UTC, so "a few hours ago" stays on the same day and day keys are predictable. */
export const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);

/**
 * Sizes the history/stats contract builds stores with (`makeStore` must use them): room for more than the
 * 1000-entry query cap, and a retention of three days so per-day statistics span several days.
 */
export const HISTORY_CONTRACT_OPTIONS = { queueSize: 5, historyMaxEntries: 1_100, historyRetentionMs: 3 * DAY_MS } as const;

/** What the contract needs from a store under test; `ttlMs` (Redis) reads the TTL Redis holds for a key. */
export interface HistoryHarness {
  store: Store;
  cleanup(): Promise<void>;
  ttlMs?: {
    historyEntry(id: string): Promise<number>;
    statsDay(date: string): Promise<number>;
    /** The keys every entry shares (Redis: the index and the write counter). */
    historyShared(): Promise<number[]>;
  };
}

/** A fresh, empty store per test whose clock is `now` (the contract moves it). */
export type MakeHistoryStore = (now: () => number) => Promise<HistoryHarness>;

export interface EntryOverrides {
  receivedAt?: number;
  replayedAt?: number;
  alertType?: string;
  source?: string;
  status?: 'firing' | 'resolved';
  outcome?: Partial<DeliveryOutcome>;
  retries?: number;
  lastFailureReason?: HistoryEntry['lastFailureReason'];
}

/** A complete history entry (every field the issue names), delivered 150 ms after it was received. */
export function historyEntry(id: string, o: EntryOverrides = {}): HistoryEntry {
  const receivedAt = o.receivedAt ?? T0;
  const entry: HistoryEntry = {
    id,
    title: `Disk full on ${id}`,
    alertType: o.alertType ?? 'general',
    source: o.source ?? 'alertmanager',
    status: o.status ?? 'firing',
    alertNames: ['DiskFull', 'DiskAlmostFull'],
    fingerprints: [`fp-${id}-1`, `fp-${id}-2`],
    receivedAt,
    outcome: { notificationId: id, status: 'sent', attempts: 1, responseTimeMs: 120, messageIds: [`msg-${id}`], at: receivedAt + 150, ...o.outcome },
    retries: o.retries ?? 0,
  };
  if (o.lastFailureReason) entry.lastFailureReason = o.lastFailureReason;
  if (o.replayedAt !== undefined) entry.replayedAt = o.replayedAt;
  return entry;
}

export const ids = (entries: { id: string }[]): string[] => entries.map((e) => e.id);
