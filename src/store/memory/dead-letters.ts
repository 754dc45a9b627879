import type { DeadLetter, DeadLetters } from '../types.js';

/** Dead letters in memory, bounded: past `max`, the oldest are dropped (and counted by the caller's metrics). */
export class MemoryDeadLetters implements DeadLetters {
  #entries: DeadLetter[] = [];
  /** Taken by a replay that has not settled them yet (in this process, a replay always settles). */
  #held: DeadLetter[] = [];
  constructor(private readonly max = 10_000) {}

  async add(entry: DeadLetter): Promise<void> {
    this.#entries.push(entry);
    if (this.#entries.length > this.max) this.#entries.splice(0, this.#entries.length - this.max);
  }

  async list(limit: number): Promise<DeadLetter[]> {
    return this.#entries.slice(-limit).reverse();
  }

  async take(ids?: string[]): Promise<DeadLetter[]> {
    const wanted = ids ? new Set(ids) : undefined;
    const taken = wanted ? this.#entries.filter((e) => wanted.has(e.id)) : this.#entries;
    this.#entries = wanted ? this.#entries.filter((e) => !wanted.has(e.id)) : [];
    for (const e of taken) this.#held.push(e);
    return taken;
  }

  async settle(outcome: { queued?: string[]; kept?: string[] }): Promise<void> {
    const done = new Set([...(outcome.queued ?? []), ...(outcome.kept ?? [])]);
    const back = new Set(outcome.kept ?? []);
    for (const e of this.#held) if (back.has(e.id)) await this.add(e);
    this.#held = this.#held.filter((e) => !done.has(e.id));
  }

  async count(): Promise<number> {
    return this.#entries.length;
  }
}
