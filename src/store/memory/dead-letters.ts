import type { DeadLetter, DeadLetters } from '../types.js';

/**
 * Dead letters in memory, bounded: past `max`, the oldest are dropped (and counted by the caller's metrics).
 * Each id once, as in Redis: a notification dead-lettered again (its ack was lost) replaces its earlier copy.
 */
export class MemoryDeadLetters implements DeadLetters {
  /** By id, oldest first (a Map keeps insertion order; a replaced id moves to the end). */
  readonly #entries = new Map<string, DeadLetter>();
  /** Taken by a replay that has not settled them yet, by id (in this process, a replay always settles). */
  readonly #held = new Map<string, DeadLetter>();
  constructor(private readonly max = 10_000) {}

  async add(entry: DeadLetter): Promise<void> {
    this.#entries.delete(entry.id);
    this.#entries.set(entry.id, entry);
    for (const id of this.#entries.keys()) {
      if (this.#entries.size <= this.max) break;
      this.#entries.delete(id);
    }
  }

  async list(limit: number): Promise<DeadLetter[]> {
    if (limit <= 0) return [];
    return [...this.#entries.values()].slice(-limit).reverse();
  }

  async take(ids?: string[]): Promise<DeadLetter[]> {
    const wanted = ids ? new Set(ids) : undefined;
    const taken: DeadLetter[] = [];
    for (const [id, e] of this.#entries) {
      if (wanted !== undefined && !wanted.has(id)) continue;
      if (this.#held.has(id)) continue; // held by a replay under way: stays for a later one (as in Redis)
      this.#held.set(id, e);
      this.#entries.delete(id);
      taken.push(e);
    }
    return taken;
  }

  async settle(outcome: { queued?: string[]; kept?: string[] }): Promise<void> {
    for (const id of outcome.queued ?? []) this.#held.delete(id);
    for (const id of outcome.kept ?? []) {
      const entry = this.#held.get(id);
      this.#held.delete(id);
      // Dead-lettered again while held: the listed copy is the later one (its latest reason).
      if (entry && !this.#entries.has(id)) await this.add(entry);
    }
  }

  async count(): Promise<number> {
    return this.#entries.size;
  }
}
