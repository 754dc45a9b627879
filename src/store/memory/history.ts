import { lastQueuedAt } from '../../model/notification.js';
import { historyCutoff, historyLimit, matchesHistoryQuery, newestFirst } from '../history-query.js';
import type { History, HistoryEntry, HistoryQuery } from '../types.js';

export interface MemoryHistoryOptions {
  maxEntries: number;
  retentionMs: number;
  now?: () => number;
}

/**
 * History in this process: at most `maxEntries` notifications of the last `retentionMs`, kept sorted by
 * `lastQueuedAt` (oldest first), so a query walks from the newest end and stops at its limit or cutoff.
 * Entries past retention are dropped as records arrive; the oldest go first when the store is full.
 */
export class MemoryHistory implements History {
  readonly #byId = new Map<string, HistoryEntry>();
  /** Oldest first by (lastQueuedAt, id); the same order as Redis' sorted set, reversed on query. */
  readonly #sorted: HistoryEntry[] = [];
  readonly #now: () => number;

  constructor(private readonly options: MemoryHistoryOptions) {
    this.#now = options.now ?? Date.now;
  }

  async record(entry: HistoryEntry): Promise<void> {
    const now = this.#now();
    if (lastQueuedAt(entry) + this.options.retentionMs <= now) return;
    this.#remove(entry.id);
    this.#sorted.splice(this.#insertionIndex(entry), 0, entry);
    this.#byId.set(entry.id, entry);
    this.#prune(now);
  }

  /** Newest first, within retention, filtered by type, status, outcome and time. */
  async list(query: HistoryQuery): Promise<HistoryEntry[]> {
    const limit = historyLimit(query);
    const cutoff = historyCutoff(query, this.#now(), this.options.retentionMs);
    const out: HistoryEntry[] = [];
    for (let i = this.#sorted.length - 1; i >= 0 && out.length < limit; i--) {
      const entry = this.#sorted[i]!;
      if (lastQueuedAt(entry) < cutoff) break;
      if (matchesHistoryQuery(entry, query)) out.push(entry);
    }
    return out;
  }

  async get(id: string): Promise<HistoryEntry | undefined> {
    const entry = this.#byId.get(id);
    if (!entry || lastQueuedAt(entry) + this.options.retentionMs <= this.#now()) return undefined;
    return entry;
  }

  /** Drops what retention no longer covers, then the oldest beyond `maxEntries`. */
  #prune(now: number): void {
    let drop = 0;
    while (drop < this.#sorted.length && lastQueuedAt(this.#sorted[drop]!) + this.options.retentionMs <= now) drop++;
    drop = Math.max(drop, this.#sorted.length - this.options.maxEntries);
    for (const gone of this.#sorted.splice(0, drop)) this.#byId.delete(gone.id);
  }

  #remove(id: string): void {
    const old = this.#byId.get(id);
    if (!old) return;
    this.#byId.delete(id);
    const at = this.#sorted.indexOf(old);
    if (at >= 0) this.#sorted.splice(at, 1);
  }

  /** Binary search for the slot keeping `#sorted` oldest first (most records land at the end). */
  #insertionIndex(entry: HistoryEntry): number {
    let lo = 0;
    let hi = this.#sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (newestFirst(this.#sorted[mid]!, entry) > 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
