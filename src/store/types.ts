import type { Notification } from '../model/notification.js';
import type { DeliveryOutcome, FailureReason, OutcomeStatus } from '../model/outcome.js';
import type { StatsQuery, StatsSummary } from './stats-summary.js';

/** One queued notification as a consumer sees it; `entryId` is what `ack` takes. */
export interface QueuedItem {
  entryId: string;
  notification: Notification;
  enqueuedAt: number;
  /** UTF-8 bytes of its stored text (JSON, or a TextForm's): what a {@link ReadBudget} counts (set by the stores' reads). */
  bytes?: number;
}

/**
 * A bound on a read besides the entry count: a storm's groups of thousands of alerts are hundreds of KB each,
 * and a reader takes no more than it can parse, hold and plan at once. Counts the UTF-8 bytes of the text
 * the store keeps: the notification's JSON, or the request body of a {@link TextForm} (memory store).
 */
export interface ReadBudget {
  /** Most bytes the reader holds once the read is done. */
  maxBytes: number;
  /**
   * Bytes the reader holds already (read earlier into the same batch; default 0). An entry larger than
   * `maxBytes` by itself goes, alone, to a reader that holds nothing: it fits no read, and must not stay
   * first in line forever.
   */
  heldBytes?: number;
}

export type EnqueueStatus = 'queued' | 'duplicate' | 'full';

/**
 * The dedupe claim of an enqueue: `key` within `windowMs`; `replaces`, the claims of the same thing in the
 * other state (its firing, at each severity it may have had, when this is its resolve), dropped once this
 * one is queued, so that a state coming back within the window (firing → resolved → firing) is not taken
 * for a repeat.
 */
export interface DedupeClaim {
  key: string;
  windowMs: number;
  replaces?: readonly string[];
}

/**
 * The notification as text a store may keep instead of its JSON: `text` (UTF-8 `bytes` long), already at
 * hand (the request body it came from), and `decoder`, which gives the notification back from it. Spares
 * the ingest path serializing what it has just parsed (see the memory queue). `decode` must give what
 * `JSON.parse(JSON.stringify(n))` would. The decoder is kept apart from the text so a store can keep it
 * while the text is packed: it must not hold the text itself.
 */
export interface TextForm {
  text: string;
  bytes: number;
  decoder: NotificationDecoder;
}

/** Gives a notification back from the text of its {@link TextForm}. */
export interface NotificationDecoder {
  decode(text: string): Notification;
}

/**
 * The per-webhook notification queue. `enqueue` claims the dedupe key and enqueues together: a failed
 * enqueue leaves no key behind to swallow the sender's retry (architecture.md "Dedupe").
 */
export interface NotificationQueue {
  /** `form`: a cheaper text for `n` (ingest), which a store may keep instead of `n`'s JSON. */
  enqueue(queueKey: string, n: Notification, dedupe?: DedupeClaim, form?: TextForm): Promise<EnqueueStatus>;
  /**
   * Drops dedupe claims of this queue (keys as `enqueue` took them; absent ones are fine): `replaces` for a
   * notification queued on another queue, when the other state of the same thing went to this one (a resolve
   * routed elsewhere than its firing).
   */
  dropClaims(queueKey: string, keys: readonly string[]): Promise<void>;
  /**
   * Up to `max` entries not yet handed out, oldest first; waits up to `blockMs` for the first one. With a
   * `budget`, stops before the entry that would not fit it (never skipping it for a later, smaller one).
   */
  read(queueKey: string, max: number, blockMs: number, signal?: AbortSignal, budget?: ReadBudget): Promise<QueuedItem[]>;
  /** Delivered or dead-lettered: gone for good. */
  ack(queueKey: string, entryIds: string[]): Promise<void>;
  /** Hands entries back (not delivered, e.g. at shutdown or reroute) so they are read again. */
  release(queueKey: string, entryIds: string[]): Promise<void>;
  /**
   * Optional lease renewal (Redis): entries held past the store's visibility timeout are handed to another
   * reader, so a worker waiting on Discord that long touches them. Resolves the ids no other consumer took
   * over (those missing were: that consumer delivers them).
   */
  touch?(queueKey: string, entryIds: string[]): Promise<string[]>;
  /** With `touch`: the visibility timeout (ms) a held entry's lease lasts; workers touch every third of it. */
  readonly leaseMs?: number;
  /** Undelivered entries (queued + in flight). */
  depth(queueKey: string): Promise<number>;
  oldestEnqueuedAt(queueKey: string): Promise<number | undefined>;
  queueKeys(): Promise<string[]>;
  /**
   * Drops an empty queue from `queueKeys` (its webhook is no longer configured and it drained), so no
   * process keeps a worker, or a Redis connection, for it. False, changing nothing, when it holds entries.
   * An enqueue to it later brings it back.
   */
  forget(queueKey: string): Promise<boolean>;
}

/**
 * A notification Discord refused for good, or that ran out of retries: kept for inspection and replay. Read
 * back as stored: one written by hand or by another version may lack fields (store/dead-letter-list.ts); a
 * replay checks `notification` before queueing it.
 */
export interface DeadLetter {
  id: string;
  notification: Notification;
  reason: FailureReason;
  error: string;
  webhookId?: string;
  at: number;
}

/** How long a replay may hold the dead letters it took before they count as abandoned (see `DeadLetters.take`). */
export const DEAD_LETTER_HOLD_MS = 10 * 60_000;

export interface DeadLetters {
  add(entry: DeadLetter): Promise<void>;
  list(limit: number): Promise<DeadLetter[]>;
  /**
   * Claims the given entries (all when `ids` is undefined) for replay, oldest first. They leave the list at
   * once (a replay running elsewhere does not get them too) but stay in the store, held, until `settle`
   * says what became of each: a replay that dies half way, or loses the store, loses nothing. In Redis,
   * entries held longer than {@link DEAD_LETTER_HOLD_MS} (a replay that never settled) return to the list at
   * the next `list`, `count` or `take`; in memory a replay always settles (it runs in the process that holds
   * the store). An id listed twice (one notification dead-lettered again after its ack was lost) is taken
   * once: its other entries are dropped, or a later replay would deliver it again.
   */
  take(ids?: string[]): Promise<DeadLetter[]>;
  /** After `take`: the `queued` ids are done (no longer held), the `kept` ones go back to the list. */
  settle(outcome: { queued?: string[]; kept?: string[] }): Promise<void>;
  count(): Promise<number>;
}

/** One notification's record in history (the seed's Redis history, now behind an interface). */
export interface HistoryEntry {
  id: string;
  title: string;
  alertType: string;
  source: string;
  status: 'firing' | 'resolved';
  alertNames: string[];
  fingerprints: string[];
  /** Epoch ms when intake accepted it; history is ordered and filtered by this (by `replayedAt` once replayed). */
  receivedAt: number;
  /** Epoch ms of the replay that led to this outcome (absent: none); see `lastQueuedAt`. */
  replayedAt?: number;
  /** The final outcome: status, attempts, response time, reason, Discord message ids, `at` (epoch ms). */
  outcome: DeliveryOutcome;
  /** Requests re-sent after a failed or throttled attempt (attempts beyond the first, per Discord message). */
  retries: number;
  /** Why the last failed attempt failed (also when a later attempt succeeded); absent when none failed. */
  lastFailureReason?: FailureReason;
}

/**
 * A history filter. `outcome: 'failed'` matches every undelivered outcome (`failed` and `dead_lettered`);
 * `since` / `until` bound `lastQueuedAt`: `receivedAt`, or `replayedAt` once replayed (epoch ms, inclusive).
 */
export interface HistoryQuery {
  type?: string;
  status?: 'firing' | 'resolved';
  outcome?: OutcomeStatus;
  since?: number;
  until?: number;
  /** Default 100, at most 1000. */
  limit?: number;
}

/** The notifications of the last `retention`, newest (`lastQueuedAt`: `receivedAt`, or `replayedAt`) first. */
export interface History {
  /** Records (or replaces, by id) one notification's final story; an entry already past retention is dropped. */
  record(entry: HistoryEntry): Promise<void>;
  list(query: HistoryQuery): Promise<HistoryEntry[]>;
  get(id: string): Promise<HistoryEntry | undefined>;
}

/** Delivery statistics as counters per UTC day, kept for the history's retention (issue 7). */
export interface Stats {
  /** Counts one final outcome (the recorder calls it next to `History.record`). */
  record(entry: HistoryEntry): Promise<void>;
  /** Sums the days from `since` (rounded down to its UTC day; default and floor: now − retention) to today. */
  summary(query?: StatsQuery): Promise<StatsSummary>;
}

/**
 * How far a heartbeat time may be ahead of a clock and still be taken as true: replicas' clocks differ by
 * that little, and writes from one replica arrive late by no more. Further ahead, it was stamped by a clock
 * that was wrong (a VM restored, an RTC wrong until NTP set it): no heartbeat time at all.
 */
export const HEARTBEAT_CLOCK_SLACK_MS = 60_000;

/**
 * When the watchdog's heartbeat last arrived, at any replica (Redis: shared). Alertmanager keeps its
 * connection to one replica, so the others may never see the heartbeat themselves: without this, each of
 * them would declare the pipeline down after every timeout while it works.
 */
export interface Heartbeats {
  /**
   * Records that the heartbeat `name` arrived at `at` (epoch ms). A time earlier than the one kept is ignored
   * (a slower replica's older beat, or one written late: heard while the store was down), unless the kept one
   * is more than {@link HEARTBEAT_CLOCK_SLACK_MS} ahead of `now`, the writer's clock as it writes (default
   * `at`): stamped by a clock that was ahead and was set right since, which kept would hide every outage
   * until that time came. Judged against `at` instead, a beat written minutes late replaced the newer time
   * another replica had written meanwhile, and the replicas saw the heartbeat as missing.
   */
  record(name: string, at: number, now?: number): Promise<void>;
  /** When the heartbeat `name` last arrived, at any replica; undefined when never. */
  lastSeen(name: string): Promise<number | undefined>;
  /**
   * The outage of heartbeat `name` whose "down" was told and whose "back" not yet, shared by replicas and
   * kept across restarts: a replica started during it resumes it, so the channel still hears "back".
   */
  toldOutage(name: string): Promise<ToldOutage | undefined>;
  /** Records the told outage of `name`; `undefined` clears it (its "back" is told). */
  setToldOutage(name: string, outage: ToldOutage | undefined): Promise<void>;
}

/** An outage of the watchdog's heartbeat that the channel was told of (its notices' dedupe key names it). */
export interface ToldOutage {
  /** When the heartbeat became overdue. */
  since: number;
  /** No heartbeat was known anywhere when it began (the notices are keyed "never"). */
  neverHeard: boolean;
}

/**
 * Which firing alerts a message already pinged about, per webhook queue (Redis: shared by replicas, kept
 * across restarts). An Alertmanager or Grafana group where one alert resolves while others still fire is a
 * firing notification: without this it pinged the channel again for alerts it had pinged about already.
 * Marks are opaque keys with a life; a lost mark (memory store restarted, evicted) only means one ping more.
 */
export interface PingMarks {
  /** The `keys` that hold no live mark in `queueKey`. */
  unmarked(queueKey: string, keys: readonly string[]): Promise<string[]>;
  /** Marks `keys` in `queueKey` for `ttlMs`. */
  mark(queueKey: string, keys: readonly string[], ttlMs: number): Promise<void>;
}

/** The answer of {@link Store.ping}: `message` says what is wrong when not ok. */
export interface StoreCheck {
  ok: boolean;
  message?: string;
  /** A risk to fix that does not stop the store taking alerts (Redis: a `maxmemory-policy` that evicts). */
  warning?: string;
}

/** Everything delivery keeps; one object so memory and Redis can be swapped as a whole. */
export interface Store {
  kind: 'memory' | 'redis';
  queue: NotificationQueue;
  deadLetters: DeadLetters;
  history: History;
  stats: Stats;
  heartbeats: Heartbeats;
  pingMarks: PingMarks;
  /**
   * Whether the store can take alerts now: reachable AND accepting writes. A Redis replica promoted away
   * from (READONLY), out of memory or short of `min-replicas-to-write` still answers PING while every
   * enqueue fails; readiness must say so, so a load balancer sends senders elsewhere.
   */
  ping(): Promise<StoreCheck>;
  close(): Promise<void>;
}
