import { HEARTBEAT_CLOCK_SLACK_MS, type Heartbeats, type ToldOutage } from '../types.js';

/** Heartbeat times in this process: with the memory store there is one replica, so nothing to share. */
export class MemoryHeartbeats implements Heartbeats {
  readonly #lastSeen = new Map<string, number>();
  readonly #told = new Map<string, ToldOutage>();

  async record(name: string, at: number, now = at): Promise<void> {
    const kept = this.#lastSeen.get(name);
    if (kept === undefined || at > kept || kept > Math.max(at, now) + HEARTBEAT_CLOCK_SLACK_MS) this.#lastSeen.set(name, at);
  }

  async lastSeen(name: string): Promise<number | undefined> {
    return this.#lastSeen.get(name);
  }

  async toldOutage(name: string): Promise<ToldOutage | undefined> {
    return this.#told.get(name);
  }

  async setToldOutage(name: string, outage: ToldOutage | undefined): Promise<void> {
    if (outage) this.#told.set(name, { ...outage });
    else this.#told.delete(name);
  }
}
