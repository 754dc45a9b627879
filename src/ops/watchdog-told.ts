import type { Logger } from 'pino';
import type { Heartbeats, ToldOutage } from '../store/types.js';

/**
 * The outage the channel was told of, kept in the store (Redis: shared, and kept across restarts): a replica
 * started during it resumes it, so a "down" is never left without its "back". Best effort: a store that
 * cannot be written loses only that resumption, so failures are logged, never thrown.
 */
export class ToldOutages {
  constructor(
    private readonly heartbeats: Heartbeats | undefined,
    private readonly logger: Logger,
  ) {}

  /** The told outage of `name` not yet over; undefined when none, or the store cannot be read. */
  async read(name: string): Promise<ToldOutage | undefined> {
    return this.heartbeats?.toldOutage(name).catch(() => undefined);
  }

  /** Its "down" was queued. */
  async told(name: string, outage: ToldOutage): Promise<void> {
    await this.#write(name, () => this.heartbeats!.setToldOutage(name, { since: outage.since, neverHeard: outage.neverHeard }));
  }

  /**
   * Its "back" was queued: cleared, unless the mark is of another outage (a replica's late "back" of an earlier
   * one). Read, then cleared, not in one step: the gap is one round trip, against a poll of 30 s.
   */
  async over(name: string, outage: ToldOutage): Promise<void> {
    const marked = await this.read(name);
    if (marked === undefined || !sameOutage(marked, outage)) return;
    await this.#write(name, () => this.heartbeats!.setToldOutage(name, undefined));
  }

  async #write(name: string, write: () => Promise<void>): Promise<void> {
    if (!this.heartbeats) return;
    await write().catch((err: unknown) => {
      this.logger.warn({ watchdog: name, err: String(err) }, 'watchdog: could not keep the told outage in the store; a restart during it would not tell "back"');
    });
  }
}

/** Outages no heartbeat ever preceded are one outage whatever each replica's start (their key says "never"). */
function sameOutage(a: ToldOutage, b: ToldOutage): boolean {
  return a.neverHeard && b.neverHeard ? true : a.since === b.since && a.neverHeard === b.neverHeard;
}
