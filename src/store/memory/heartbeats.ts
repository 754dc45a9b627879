import type { Heartbeats } from '../types.js';

/** Heartbeat times in this process: with the memory store there is one replica, so nothing to share. */
export class MemoryHeartbeats implements Heartbeats {
  readonly #lastSeen = new Map<string, number>();

  async record(name: string, at: number): Promise<void> {
    if (at > (this.#lastSeen.get(name) ?? Number.NEGATIVE_INFINITY)) this.#lastSeen.set(name, at);
  }

  async lastSeen(name: string): Promise<number | undefined> {
    return this.#lastSeen.get(name);
  }
}
