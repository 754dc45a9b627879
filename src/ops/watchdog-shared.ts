import type { Logger } from 'pino';
import { HEARTBEAT_CLOCK_SLACK_MS, type Heartbeats } from '../store/types.js';
import type { WatchdogTimers } from './watchdog-timers.js';

/** How soon a heartbeat this replica could not write to the store (store down) is written again. */
export const WATCHDOG_RECORD_RETRY_MS = 5_000;
/** How soon the shared time is read again after a read failed (store down). */
export const WATCHDOG_UNREAD_RECHECK_MS = 10_000;
/**
 * How long after the store could be read again its time is taken as complete: the replicas that heard the
 * heartbeat while it was down write it within a record retry of its return (plus their own reconnect).
 */
export const WATCHDOG_STORE_SETTLE_MS = 3 * WATCHDOG_RECORD_RETRY_MS;

/** The shared heartbeat time, as this replica read it. */
export interface SharedRead {
  /** When any replica last heard the heartbeat; undefined when never, unreadable, or ahead of this clock by more than the slack. */
  at: number | undefined;
  /**
   * False while the time may lack heartbeats another replica heard: the store could not be read, or came back
   * only lately (that replica may still be writing them). An overdue time that is not sure is no outage: read
   * again in `recheckMs`.
   */
  sure: boolean;
  recheckMs: number;
}

/**
 * The heartbeat times replicas share (the store's), through a store outage. Alertmanager keeps its connection
 * to one replica: when its writes fail and the store comes back, the others must not read the time from before
 * the outage as "the pipeline is down" (a false page, its "back" a minute later). So a heartbeat not written
 * is written again as soon as the store takes it (not only at the next heartbeat, a repeat_interval later),
 * and the time read is sure only once the store has been back long enough for that.
 */
export class SharedHeartbeats {
  /** Per heartbeat name, the latest heard here and not written yet. */
  readonly #unwritten = new Map<string, number>();
  #retry: unknown;
  #writeFailing = false;
  /** Until when a read is not sure: +∞ while reads fail, then their return + settle time. */
  #unsureUntil = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly deps: { heartbeats: Heartbeats | undefined; timers: WatchdogTimers; now: () => number; logger: Logger },
  ) {}

  /** Shares the heartbeat `name` heard here at `at`; kept, and written again, until the store takes it. */
  record(name: string, at: number): void {
    if (!this.deps.heartbeats) return;
    this.#unwritten.set(name, at);
    void this.#write();
  }

  async read(name: string): Promise<SharedRead> {
    if (!this.deps.heartbeats) return { at: undefined, sure: true, recheckMs: 0 };
    let at: number | undefined;
    try {
      at = await this.deps.heartbeats.lastSeen(name);
    } catch {
      this.#unsureUntil = Number.POSITIVE_INFINITY;
      return { at: undefined, sure: false, recheckMs: WATCHDOG_UNREAD_RECHECK_MS };
    }
    const now = this.deps.now();
    if (this.#unsureUntil === Number.POSITIVE_INFINITY) this.#unsureUntil = now + WATCHDOG_STORE_SETTLE_MS;
    const left = this.#unsureUntil - now;
    // A time ahead of this clock by more than the slack was stamped by a wrong clock: kept, it would keep every
    // replica quiet until that time came; the next heartbeat replaces it (store/types.ts).
    return { at: at !== undefined && at <= now + HEARTBEAT_CLOCK_SLACK_MS ? at : undefined, sure: left <= 0, recheckMs: Math.max(0, left) };
  }

  /** Stopped, or switched off: what is not written yet is dropped (no timer outlives the store). */
  stop(): void {
    this.deps.timers.clear(this.#retry);
    this.#retry = undefined;
    this.#unwritten.clear();
  }

  async #write(): Promise<void> {
    const heartbeats = this.deps.heartbeats!;
    this.deps.timers.clear(this.#retry);
    this.#retry = undefined;
    const writes = [...this.#unwritten].map(async ([name, at]) => {
      // With this clock's now: a beat written late must not pass for a wrong clock's (store/types.ts).
      await heartbeats.record(name, at, this.deps.now());
      // Written, unless a later one came meanwhile (being written too).
      if (this.#unwritten.get(name) === at) this.#unwritten.delete(name);
    });
    const failed = (await Promise.allSettled(writes)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (!failed) {
      if (this.#writeFailing) this.deps.logger.info('watchdog: heartbeat shared with other replicas again');
      this.#writeFailing = false;
      return;
    }
    // One line per failing streak, not one per retry.
    if (!this.#writeFailing) {
      const watchdog = [...this.#unwritten.keys()].join(', ');
      this.deps.logger.warn({ watchdog, err: String(failed.reason) }, `watchdog: could not share the heartbeat with other replicas; trying again every ${WATCHDOG_RECORD_RETRY_MS / 1000}s`);
    }
    this.#writeFailing = true;
    if (this.#unwritten.size === 0) return; // stopped meanwhile
    this.deps.timers.clear(this.#retry);
    this.#retry = this.deps.timers.set(() => void this.#write(), WATCHDOG_RECORD_RETRY_MS);
  }
}
