import type { DeadLetter, DeadLetters } from '../types.js';

/** Dead letters in memory, bounded: past `max`, the oldest are dropped (and counted by the caller's metrics). */
export class MemoryDeadLetters implements DeadLetters {
  #entries: DeadLetter[] = [];
  constructor(private readonly max = 10_000) {}

  async add(entry: DeadLetter): Promise<void> {
    this.#entries.push(entry);
    if (this.#entries.length > this.max) this.#entries.splice(0, this.#entries.length - this.max);
  }

  async list(limit: number): Promise<DeadLetter[]> {
    return this.#entries.slice(-limit).reverse();
  }

  async take(ids?: string[]): Promise<DeadLetter[]> {
    if (!ids) {
      const all = this.#entries;
      this.#entries = [];
      return all;
    }
    const wanted = new Set(ids);
    const taken = this.#entries.filter((e) => wanted.has(e.id));
    this.#entries = this.#entries.filter((e) => !wanted.has(e.id));
    return taken;
  }

  async count(): Promise<number> {
    return this.#entries.length;
  }
}
