import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { formatDuration } from '../config/duration.js';
import type { WatchdogConfig } from '../config/watchdog.js';
import type { Alert } from '../model/alert.js';
import type { Notification } from '../model/notification.js';
import { HEARTBEAT_CLOCK_SLACK_MS, type Heartbeats } from '../store/types.js';
import { watchdogNotice } from './watchdog-notice.js';
import { SharedHeartbeats } from './watchdog-shared.js';
import { watchdogStatus, type WatchdogStatus } from './watchdog-status.js';
import { globalTimers, type WatchdogTimers } from './watchdog-timers.js';
import { ToldOutages } from './watchdog-told.js';

export type { WatchdogState, WatchdogStatus } from './watchdog-status.js';

/** How soon a notice that could not be queued (queue full, store down) is tried again. */
export const WATCHDOG_RETRY_MS = 30_000;
/** While missing, how often the shared heartbeat time is read: the heartbeat may come back at another replica. */
export const WATCHDOG_SHARED_POLL_MS = 30_000;

/**
 * One outage: when the heartbeat became overdue, and whether its "down" notice is queued. Only a told outage
 * is told over: a "back" for a "down" never queued (queue full, store down) is news of an outage nobody heard
 * of, and one queued before the "down" lands reads, in the channel, as the pipeline still being down.
 */
interface Outage {
  /** The heartbeat it is of: its told mark is kept under this name, even after a reload renamed the heartbeat. */
  alertname: string;
  since: number;
  told: boolean;
  /** No heartbeat was known anywhere when it began (its notices' dedupe key, watchdog-notice.ts). */
  neverHeard: boolean;
  /** Ended by the heartbeat coming back (not by a reload switching the watchdog off). */
  back?: boolean;
}

export interface WatchdogDeps {
  config: () => WatchdogConfig | undefined;
  now: () => number;
  /** Queues a notice (of the watchdog `config`) through the normal queue; false when it could not be queued. */
  announce: (n: Notification, config: WatchdogConfig) => Promise<boolean>;
  logger: Logger;
  timers?: WatchdogTimers;
  newId?: () => string;
  /** Each heartbeat received (metrics). */
  onHeartbeat?: () => void;
  /**
   * Heartbeat times every replica sees (the store's). Alertmanager keeps its connection to one replica, so
   * the others hear no heartbeat themselves: before declaring the pipeline down a replica asks when any
   * replica last heard it, and while down it asks whether the heartbeat came back elsewhere.
   */
  heartbeats?: Heartbeats;
}

/**
 * The dead man's switch. Intake hands it every alert (`consume`); the configured heartbeat (Alertmanager's
 * always-firing `Watchdog`) is recorded and not delivered. When none arrives for longer than the timeout it
 * posts, through the normal queue, to the critical channel that the alerting pipeline is down; when the
 * heartbeat returns it posts the resolution.
 */
export class Watchdog {
  readonly #deps: WatchdogDeps;
  readonly #timers: WatchdogTimers;
  readonly #toldOutages: ToldOutages;
  readonly #shared: SharedHeartbeats;
  #started = false;
  #armedAt = 0;
  #lastSeenAt: number | undefined;
  #outage: Outage | undefined;
  #heartbeats = 0;
  #timer: unknown;
  #retry: unknown;
  #poll: unknown;
  #resumeAgain: unknown;
  #enabled = false;
  /** The heartbeat name watched since it was switched on (a reload may rename it). */
  #watching: string | undefined;
  /** A told outage is being read (#resume). */
  #resuming = false;

  constructor(deps: WatchdogDeps) {
    this.#deps = deps;
    this.#timers = deps.timers ?? globalTimers;
    this.#toldOutages = new ToldOutages(deps.heartbeats, deps.logger);
    this.#shared = new SharedHeartbeats({ heartbeats: deps.heartbeats, timers: this.#timers, now: deps.now, logger: deps.logger });
  }

  /** Intake's filter: true when `alert` is the heartbeat (recorded here, not delivered). */
  consume(alert: Alert): boolean {
    const config = this.#deps.config();
    if (!config || alert.labels.alertname !== config.alertname) return false;
    // A resolved Watchdog means its source stopped firing it: not a heartbeat, and not worth a message.
    if (alert.status === 'firing') this.#beat(config);
    return true;
  }

  /** Starts the clock: no heartbeat within the timeout from now is already "missing". */
  start(): void {
    this.#started = true;
    this.reconfigure();
  }

  /** After a config reload: switches on or off, or re-arms with the new timeout. */
  reconfigure(): void {
    if (!this.#started) return;
    const config = this.#deps.config();
    if (!config) {
      this.#enabled = false;
      this.#outage = undefined;
      this.#clearTimers();
      return;
    }
    // Another heartbeat by a reload (none missing): it too is switched on now. The time of the old one says
    // nothing of the new one: counted from it, a replica hearing neither (its time read a timeout ago) told
    // "down" before the renamed heartbeat could come, and replicas told one missing name under two keys.
    const renamed = this.#enabled && this.#outage === undefined && config.alertname !== this.#watching;
    if (!this.#enabled || renamed) {
      // Switched on (at start, or by a reload after being off): count from now. A heartbeat seen before it
      // was switched off says nothing about the time it was off (heartbeats were not watched then), and
      // counting from it declared the pipeline down the moment a reload switched the watchdog back on.
      this.#armedAt = this.#deps.now();
      this.#lastSeenAt = undefined;
      void this.#resume(config);
    }
    this.#enabled = true;
    this.#watching = config.alertname;
    if (this.#outage === undefined) this.#arm(config);
    else this.#pollShared(config);
  }

  stop(): void {
    this.#started = false;
    this.#clearTimers();
  }

  status(): WatchdogStatus {
    return watchdogStatus(this.#deps.config(), { heartbeats: this.#heartbeats, lastSeenAt: this.#lastSeenAt, missingSince: this.#outage?.since });
  }

  #beat(config: WatchdogConfig): void {
    const now = this.#deps.now();
    this.#heartbeats++;
    this.#deps.onHeartbeat?.();
    this.#shared.record(config.alertname, now);
    const knewOfOutage = this.#outage !== undefined;
    this.#seen(config, now);
    // None known here: another replica may have told one this one never had (started just before that "down",
    // its own first check still to come) and be gone since; its kept mark makes this heartbeat that "back".
    if (!knewOfOutage) void this.#resume(config);
  }

  /**
   * The heartbeat arrived at `at` (here, or at another replica): a missing pipeline is back. `at` replaces the
   * time known even when that is later: it was stamped while this clock was ahead (set right since), and
   * kept, it would hold the deadline off until that time came.
   */
  #seen(config: WatchdogConfig, at: number): void {
    this.#lastSeenAt = at;
    const outage = this.#outage;
    if (outage !== undefined) {
      this.#outage = undefined;
      outage.back = true;
      this.#timers.clear(this.#poll);
      this.#deps.logger.info({ watchdog: config.alertname }, 'watchdog: heartbeat is back; the alerting pipeline works again');
      // Not told yet: its "down" notice, once queued, tells this too (#announce).
      if (outage.told) void this.#announce('resolved', config, outage);
    }
    this.#arm(config);
  }

  /** The check comes when the heartbeat is due, or in `inMs` (the shared time must be read again). */
  #arm(config: WatchdogConfig, inMs?: number): void {
    if (!this.#started) return;
    this.#timers.clear(this.#timer);
    const due = (this.#lastSeenAt ?? this.#armedAt) + config.timeoutMs;
    this.#timer = this.#timers.set(() => void this.#check(), inMs ?? Math.max(0, due - this.#deps.now()));
  }

  /** A shared heartbeat time later than the last one known here: heard at another replica since. */
  #isNews(at: number | undefined): at is number {
    return at !== undefined && at > (this.#lastSeenAt ?? Number.NEGATIVE_INFINITY);
  }

  /**
   * The timer fired: overdue means missing (told once), unless another replica heard the heartbeat in
   * time; a timer that fired early is re-armed.
   */
  async #check(): Promise<void> {
    const config = this.#deps.config();
    if (!config || !this.#started || this.#outage !== undefined) return;
    // Heard while this clock was ahead, and none since it was set right: when is unknown, but not later than
    // now. Counted from now, the heartbeat missing since is told a timeout later, not once that time came.
    if (this.#lastSeenAt !== undefined && this.#lastSeenAt > this.#deps.now() + HEARTBEAT_CLOCK_SLACK_MS) this.#lastSeenAt = this.#deps.now();
    if (this.#deps.now() - (this.#lastSeenAt ?? this.#armedAt) < config.timeoutMs) return this.#arm(config);
    const shared = await this.#shared.read(config.alertname);
    // The world may have moved during the read: a reload, a stop, a heartbeat here.
    if (this.#deps.config() !== config || !this.#started || this.#outage !== undefined) return;
    if (this.#isNews(shared.at)) this.#lastSeenAt = shared.at;
    const last = this.#lastSeenAt ?? this.#armedAt;
    if (this.#deps.now() - last < config.timeoutMs) return this.#arm(config);
    // Unknown is not missing: the store is down, or just back while the replica that heard the heartbeat
    // meanwhile still writes it. Told now, the "down" would be false, and queued once the store is back.
    if (!shared.sure) return this.#arm(config, shared.recheckMs);
    const outage: Outage = { alertname: config.alertname, since: last + config.timeoutMs, told: false, neverHeard: this.#lastSeenAt === undefined };
    this.#outage = outage;
    this.#deps.logger.error(
      { watchdog: config.alertname, lastSeenAt: this.#lastSeenAt, timeout: formatDuration(config.timeoutMs) },
      `watchdog: no ${config.alertname} heartbeat for ${formatDuration(config.timeoutMs)}: the alerting pipeline may be down`,
    );
    void this.#announce('firing', config, outage);
    this.#pollShared(config);
  }

  /**
   * Switched on (a start, or a reload), or a heartbeat with no outage known here: an outage told before (by
   * this replica before a restart, or by one since gone) and not over is resumed, so the channel still hears
   * "back"; a heartbeat since it began is that "back", told at once. One read at a time: one in flight reads
   * the heartbeat times after its answer, so it sees a heartbeat that came meanwhile (and tells one "back").
   */
  async #resume(config: WatchdogConfig): Promise<void> {
    if (!this.#deps.heartbeats || this.#resuming) return;
    this.#resuming = true;
    let again: number | undefined;
    try {
      again = await this.#resumeTold(config);
    } finally {
      this.#resuming = false;
    }
    if (again === undefined || !this.#started) return;
    this.#timers.clear(this.#resumeAgain);
    this.#resumeAgain = this.#timers.set(() => {
      const current = this.#deps.config();
      if (current) void this.#resume(current);
    }, again);
  }

  /** Resumes the told outage, if any; answers when to read again (the store could not be read), else undefined. */
  async #resumeTold(config: WatchdogConfig): Promise<number | undefined> {
    const [told, shared] = await Promise.all([this.#toldOutages.read(config.alertname), this.#shared.read(config.alertname)]);
    // A reload during the read builds a new watchdog section even when nothing in it changed: only another
    // heartbeat (or none) makes the outage read not this one's; the settings in force from here are the current ones.
    const current = this.#deps.config();
    if (!this.#started || current?.alertname !== config.alertname || this.#outage !== undefined) return undefined;
    // None read while the store was down (started with it down): there may be one. Read again, sooner than this
    // replica's own check can find the heartbeat missing (it waits for the store to settle): else a second "down".
    if (told === undefined) return shared.sure ? undefined : shared.recheckMs;
    config = current;
    const outage: Outage = { ...told, alertname: config.alertname, told: true };
    const last = Math.max(this.#lastSeenAt ?? Number.NEGATIVE_INFINITY, shared.at ?? Number.NEGATIVE_INFINITY);
    if (Number.isFinite(last)) this.#lastSeenAt = last;
    if (last >= told.since) {
      this.#arm(config);
      void this.#announce('resolved', config, outage);
      return undefined;
    }
    this.#outage = outage;
    this.#timers.clear(this.#timer);
    this.#pollShared(config);
    return undefined;
  }

  /** While missing: the heartbeat may come back at another replica only; its shared time says so. */
  #pollShared(config: WatchdogConfig): void {
    if (!this.#deps.heartbeats) return;
    this.#timers.clear(this.#poll);
    this.#poll = this.#timers.set(async () => {
      const current = () => this.#started && this.#outage !== undefined && this.#deps.config() === config;
      if (!current()) return;
      const { at } = await this.#shared.read(config.alertname);
      // Stopped during the read: no new poll (it would outlive the closed store).
      if (!current()) return;
      // Newer than the last heartbeat known here (not `since − timeout`: a reload may have changed the timeout).
      if (this.#isNews(at)) this.#seen(config, at);
      else this.#pollShared(config);
    }, Math.min(WATCHDOG_SHARED_POLL_MS, config.timeoutMs));
  }

  /** Queues the notice; when it cannot be queued, tries again later while it is still true. */
  async #announce(kind: 'firing' | 'resolved', config: WatchdogConfig, outage: Outage): Promise<void> {
    const n = watchdogNotice({ kind, config, id: (this.#deps.newId ?? randomUUID)(), now: this.#deps.now(), lastSeenAt: this.#lastSeenAt, missingSince: outage.since, neverHeard: outage.neverHeard, startedAt: this.#armedAt });
    const queued = await this.#deps.announce(n, config).catch(() => false);
    if (queued) {
      if (kind === 'firing') outage.told = true;
      await (kind === 'firing' ? this.#toldOutages.told(outage.alertname, outage) : this.#toldOutages.over(outage.alertname, outage));
      // Back while the "down" was being queued: #seen left the "back" to this point, after it. (Not when a reload
      // switched the watchdog off meanwhile: the heartbeat is not back, and the kept mark is resumed when switched on.)
      if (kind === 'firing' && outage.back === true && this.#started) void this.#announce('resolved', config, outage);
      return;
    }
    if (!this.#started) return;
    this.#deps.logger.error({ watchdog: config.alertname, kind }, `watchdog: could not queue the ${kind} notice; trying again in ${WATCHDOG_RETRY_MS / 1000}s`);
    this.#retryLater(kind, config, outage, WATCHDOG_RETRY_MS);
  }

  #retryLater(kind: 'firing' | 'resolved', config: WatchdogConfig, outage: Outage, ms: number): void {
    this.#timers.clear(this.#retry);
    this.#retry = this.#timers.set(() => void this.#retryAnnounce(kind, config, outage), ms);
  }

  /**
   * A "down" only while this outage lasts, and as the shared time, read again, still says (the store that could
   * not queue it may have been down, the heartbeat heard meanwhile at a replica that writes it only now); a
   * "back" unless the heartbeat went missing again since.
   */
  async #retryAnnounce(kind: 'firing' | 'resolved', config: WatchdogConfig, outage: Outage): Promise<void> {
    const stillTrue = () => this.#started && (kind === 'firing' ? this.#outage === outage : this.#outage === undefined);
    if (!stillTrue()) return;
    if (kind === 'firing') {
      const shared = await this.#shared.read(config.alertname);
      if (!stillTrue()) return;
      if (this.#isNews(shared.at)) return this.#seen(config, shared.at);
      if (!shared.sure) return this.#retryLater(kind, config, outage, shared.recheckMs);
    }
    void this.#announce(kind, config, outage);
  }

  #clearTimers(): void {
    this.#shared.stop();
    this.#timers.clear(this.#timer);
    this.#timers.clear(this.#retry);
    this.#timers.clear(this.#poll);
    this.#timers.clear(this.#resumeAgain);
    this.#timer = undefined;
    this.#retry = undefined;
    this.#poll = undefined;
    this.#resumeAgain = undefined;
  }
}
