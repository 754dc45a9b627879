import { latestOfEachId } from '../dead-letter-list.js';
import type { DeadLetter, DeadLetters } from '../types.js';

/** Dead letters in memory, bounded: past `max`, the oldest are dropped (and counted by the caller's metrics). */
export class MemoryDeadLetters implements DeadLetters {
  #entries: DeadLetter[] = [];
  /** Taken by a replay that has not settled them yet, by id (in this process, a replay always settles). */
  readonly #held = new Map<string, DeadLetter>();
  constructor(private readonly max = 10_000) {}

  async add(entry: DeadLetter): Promise<void> {
    this.#entries.push(entry);
    if (this.#entries.length > this.max) this.#entries.splice(0, this.#entries.length - this.max);
  }

  async list(limit: number): Promise<DeadLetter[]> {
    return latestOfEachId(this.#entries.slice(-limit).reverse());
  }

  async take(ids?: string[]): Promise<DeadLetter[]> {
    const wanted = ids ? new Set(ids) : undefined;
    const taken: DeadLetter[] = [];
    const left: DeadLetter[] = [];
    const took = new Set<string>();
    for (const e of this.#entries) {
      if (wanted !== undefined && !wanted.has(e.id)) left.push(e);
      else if (!this.#held.has(e.id)) {
        this.#held.set(e.id, e);
        took.add(e.id);
        taken.push(e);
      } else if (!took.has(e.id)) left.push(e); // held by a replay under way: stays for a later one (as in Redis)
      // else the same notification dead-lettered twice (its ack was lost): one replay of it is enough
    }
    this.#entries = left;
    return taken;
  }

  async settle(outcome: { queued?: string[]; kept?: string[] }): Promise<void> {
    for (const id of outcome.queued ?? []) this.#held.delete(id);
    for (const id of outcome.kept ?? []) {
      const entry = this.#held.get(id);
      this.#held.delete(id);
      if (entry) await this.add(entry);
    }
  }

  async count(): Promise<number> {
    return this.#entries.length;
  }
}
