import type { History, HistoryEntry, HistoryQuery } from '../types.js';

/** The last `maxEntries` notifications in memory, newest first on query; older ones fall off. */
export class MemoryHistory implements History {
  readonly #byId = new Map<string, HistoryEntry>();
  constructor(private readonly options: { maxEntries: number; retentionMs: number; now?: () => number }) {}

  async record(entry: HistoryEntry): Promise<void> {
    this.#byId.delete(entry.id);
    this.#byId.set(entry.id, entry);
    while (this.#byId.size > this.options.maxEntries) {
      const oldest = this.#byId.keys().next().value;
      if (oldest === undefined) break;
      this.#byId.delete(oldest);
    }
  }

  async list(query: HistoryQuery): Promise<HistoryEntry[]> {
    const cutoff = Math.max(query.since ?? 0, (this.options.now ?? Date.now)() - this.options.retentionMs);
    const limit = Math.min(query.limit ?? 100, 1000);
    const out: HistoryEntry[] = [];
    for (const e of [...this.#byId.values()].reverse()) {
      if (out.length >= limit) break;
      if (e.receivedAt < cutoff) continue;
      if (query.type && e.alertType !== query.type) continue;
      if (query.outcome && e.outcome.status !== query.outcome) continue;
      out.push(e);
    }
    return out;
  }

  async get(id: string): Promise<HistoryEntry | undefined> {
    return this.#byId.get(id);
  }
}
