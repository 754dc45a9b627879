import { dayExpiresAt, dayKey, daysInWindow, statsIncrements } from '../stats-counters.js';
import { summarize, type StatsQuery, type StatsSummary } from '../stats-summary.js';
import type { HistoryEntry, Stats } from '../types.js';

export interface MemoryStatsOptions {
  retentionMs: number;
  now?: () => number;
}

/**
 * Statistics in this process: one counter map per UTC day, dropped once retention has passed the end of
 * that day. Bounded: at most retention-in-days + 2 days, each with counters for the outcomes, reasons,
 * alert types and sources there are (all finite sets).
 */
export class MemoryStats implements Stats {
  readonly #days = new Map<string, { expiresAt: number; counters: Map<string, number> }>();
  readonly #now: () => number;

  constructor(private readonly options: MemoryStatsOptions) {
    this.#now = options.now ?? Date.now;
  }

  async record(entry: HistoryEntry): Promise<void> {
    const now = this.#now();
    const expiresAt = dayExpiresAt(entry.outcome.at, this.options.retentionMs);
    if (expiresAt <= now) return;
    this.#prune(now);
    const date = dayKey(entry.outcome.at);
    let day = this.#days.get(date);
    if (!day) {
      day = { expiresAt, counters: new Map() };
      this.#days.set(date, day);
    }
    for (const [field, by] of statsIncrements(entry)) day.counters.set(field, (day.counters.get(field) ?? 0) + by);
  }

  async summary(query: StatsQuery = {}): Promise<StatsSummary> {
    const now = this.#now();
    this.#prune(now);
    const days = daysInWindow(now, this.options.retentionMs, query.since).map((date) => ({
      date,
      counters: this.#days.get(date)?.counters ?? new Map<string, number>(),
    }));
    return summarize(days, now);
  }

  #prune(now: number): void {
    for (const [date, day] of this.#days) if (day.expiresAt <= now) this.#days.delete(date);
  }
}
