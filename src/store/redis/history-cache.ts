import { lastQueuedAt } from '../../model/notification.js';
import { historyCutoff, historyLimit, matchesHistoryQuery, newestFirst } from '../history-query.js';
import type { HistoryEntry, HistoryQuery } from '../types.js';

/**
 * Entries the in-process cache holds: the dashboard's read (its `HISTORY_FETCH`, 500) is served from it;
 * with 200 every poll of every open tab scanned Redis once history held more.
 */
export const HISTORY_CACHE_SIZE = 500;

/** Where the cached window ends in the index: its last member (which may have expired since). */
interface Floor {
  /** Its score in the index: its `lastQueuedAt` (named so `newestFirst` compares it with entries). */
  receivedAt: number;
  id: string;
}

/**
 * The newest entries of the Redis history index, in this process, for the dashboard's frequent reads
 * (issue 7). It is labelled with the index's write counter (`seq`, bumped by every write of any replica):
 * a reader compares it with Redis' (one GET) before trusting the cache, and this replica's own writes are
 * applied in place when the cache was exactly one write behind, so recording does not empty it.
 *
 * Invariant: `entries` are, newest first, every live member of the index ranked above `floor` (all of
 * them when `complete`). Entries past retention may linger; queries drop them by their cutoff, as Redis does.
 */
export class RecentHistoryCache {
  #seq: number | undefined;
  #entries: HistoryEntry[] = [];
  #floor: Floor | undefined;
  #complete = false;

  constructor(readonly size = HISTORY_CACHE_SIZE) {}

  /** The write counter the cache reflects; undefined when empty. */
  get seq(): number | undefined {
    return this.#seq;
  }

  /** Replaces the cache with the index's top members read at `seq` (`complete`: the index had no more). */
  fill(seq: number, entries: HistoryEntry[], floor: Floor | undefined, complete: boolean): void {
    if (this.#seq !== undefined && seq < this.#seq) return;
    this.#seq = seq;
    this.#entries = [...entries].sort(newestFirst);
    this.#floor = floor;
    this.#complete = complete;
  }

  clear(): void {
    this.#seq = undefined;
    this.#entries = [];
    this.#floor = undefined;
    this.#complete = false;
  }

  /**
   * Applies this replica's own write, which Redis answered with `seq`: an upsert and/or removed ids. Any
   * other gap (another replica wrote in between) empties the cache; the next read refills it.
   */
  apply(seq: number, change: { upsert?: HistoryEntry; removed?: string[] }): void {
    if (this.#seq === undefined || this.#seq !== seq - 1) return this.clear();
    this.#seq = seq;
    const gone = new Set(change.removed ?? []);
    if (change.upsert) gone.add(change.upsert.id);
    if (gone.size > 0) this.#entries = this.#entries.filter((e) => !gone.has(e.id));
    if (change.upsert && !this.#insert(change.upsert)) this.clear();
  }

  /**
   * The query's answer when the cache holds all of it: `limit` matches found, or the cache covers every
   * entry the query can see (the whole index, or everything down to the query's cutoff). Else undefined.
   */
  answer(query: HistoryQuery, now: number, retentionMs: number): HistoryEntry[] | undefined {
    if (this.#seq === undefined) return undefined;
    const limit = historyLimit(query);
    const cutoff = historyCutoff(query, now, retentionMs);
    const out: HistoryEntry[] = [];
    for (const entry of this.#entries) {
      if (out.length >= limit) return out;
      if (lastQueuedAt(entry) < cutoff) return out;
      if (matchesHistoryQuery(entry, query)) out.push(entry);
    }
    if (out.length >= limit || this.#complete) return out;
    return this.#floor && this.#floor.receivedAt < cutoff ? out : undefined;
  }

  /** Inserts in order (nothing to do when it ranks below a partial window); false when the cache is unusable. */
  #insert(entry: HistoryEntry): boolean {
    if (!this.#complete) {
      if (!this.#floor) return false;
      if (newestFirst(entry, this.#floor) > 0) return true;
    }
    const at = this.#entries.findIndex((e) => newestFirst(e, entry) > 0);
    this.#entries.splice(at < 0 ? this.#entries.length : at, 0, entry);
    if (this.#entries.length > this.size) {
      this.#entries.length = this.size;
      const last = this.#entries.at(-1)!;
      this.#floor = { receivedAt: lastQueuedAt(last), id: last.id };
      this.#complete = false;
    }
    return true;
  }
}
