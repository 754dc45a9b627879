import type { PingMarks } from '../types.js';

/**
 * Most marks kept: past it the oldest go first (a lost mark costs one ping more, never a missed one). A mark
 * is one firing alert of a pinging message: 100,000 is days of a busy on-call channel in a few MB.
 */
export const MAX_PING_MARKS = 100_000;

/** Ping marks in this process (the memory store: one replica, gone on restart). */
export class MemoryPingMarks implements PingMarks {
  /** `queueKey\nkey` → expiry (epoch ms), in the order they were last marked. */
  readonly #expiry = new Map<string, number>();

  constructor(private readonly options: { now?: () => number; max?: number } = {}) {}

  async unmarked(queueKey: string, keys: readonly string[]): Promise<string[]> {
    const now = this.#now();
    return keys.filter((key) => (this.#expiry.get(`${queueKey}\n${key}`) ?? 0) <= now);
  }

  async mark(queueKey: string, keys: readonly string[], ttlMs: number): Promise<void> {
    const now = this.#now();
    for (const key of keys) {
      const id = `${queueKey}\n${key}`;
      this.#expiry.delete(id); // re-inserted last: the Map's order stays the order of marking
      this.#expiry.set(id, now + ttlMs);
    }
    this.#trim(now);
  }

  /**
   * Drops, oldest first, what has expired and what is over the cap. Marks share one life, so the Map's
   * order (of marking) is the order of expiry: the walk stops at the first live mark once under the cap.
   */
  #trim(now: number): void {
    const max = this.options.max ?? MAX_PING_MARKS;
    for (const [id, expiry] of this.#expiry) {
      if (expiry > now && this.#expiry.size <= max) break;
      this.#expiry.delete(id);
    }
  }

  #now(): number {
    return (this.options.now ?? Date.now)();
  }
}
