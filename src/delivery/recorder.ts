import type { Logger } from 'pino';
import type { Notification } from '../model/notification.js';
import type { DeliveryOutcome, FailureReason, OutcomeStatus } from '../model/outcome.js';
import { MAX_TITLE, truncate } from '../render/limits.js';
import type { HistoryEntry, QueuedItem, Store } from '../store/types.js';
import { ackThenRecord } from './ack-then-record.js';

/** Observers of final outcomes (metrics, logs); never required for delivery to work. */
export interface OutcomeObserver {
  (n: Notification, outcome: DeliveryOutcome): void;
}

/**
 * Where a notification's story ends: acked off the queue and written to history (sent, dry run), or
 * moved to dead letters. Also resolves `waitFor` promises (the library's `send()` waits for Discord).
 */
export class OutcomeRecorder {
  readonly #waiters = new Map<string, Set<(o: DeliveryOutcome | undefined) => void>>();
  /** By notification id: sends waiting for the hold of the queue the notification is in ({@link #queueOf}). */
  readonly #holdWaiters = new Map<string, Set<(detail: string | undefined) => void>>();
  /** The queue of each notification in {@link #holdWaiters}: where intake put it, or where it was moved. */
  readonly #queueOf = new Map<string, string>();
  /** Queues whose head message used its retries while Discord does not answer at all: the outage's detail. */
  readonly #heldQueues = new Map<string, string>();
  /** The last history or statistics write error logged; undefined once writes work again. */
  #writeError: string | undefined;
  constructor(private readonly deps: { store: Store; now: () => number; observe?: OutcomeObserver; logger?: Logger }) {}

  /**
   * Resolves when the notification reaches a final outcome here, or with undefined once `signal` aborts
   * (the waiter is dropped then: a notification another replica delivers never settles here).
   */
  waitFor(notificationId: string, signal?: AbortSignal): Promise<DeliveryOutcome | undefined> {
    return waitIn(this.#waiters, notificationId, signal);
  }

  /**
   * Resolves with the outage's detail once the queue the notification is in (`queueKey`, or the one it is
   * {@link moved} to: a broken webhook's work goes to general's) is held ({@link held}): at once when it is
   * already, or with undefined once `signal` aborts. Not an outcome: what waits in the queue is sent when
   * Discord answers; the library's `send()` says so instead of waiting, for the held message and every one
   * queued behind it.
   */
  async waitForHold(notificationId: string, queueKey: string, signal?: AbortSignal): Promise<string | undefined> {
    const detail = this.#heldQueues.get(queueKey);
    if (detail !== undefined) return detail;
    this.#queueOf.set(notificationId, queueKey);
    try {
      return await waitIn(this.#holdWaiters, notificationId, signal);
    } finally {
      if (!this.#holdWaiters.has(notificationId)) this.#queueOf.delete(notificationId);
    }
  }

  /** The queue's head message used its retries through an outage: it, and all behind it, wait for Discord. */
  held(queueKey: string, detail: string): void {
    this.#heldQueues.set(queueKey, detail);
    for (const [id, key] of [...this.#queueOf]) if (key === queueKey) this.#settleHold(id, detail);
  }

  #settleHold(notificationId: string, detail: string): void {
    for (const settle of [...(this.#holdWaiters.get(notificationId) ?? [])]) settle(detail);
  }

  /** Discord answered a request of the queue's webhook: it is held no more. */
  answered(queueKey: string): void {
    this.#heldQueues.delete(queueKey);
  }

  /** Notifications someone is waiting for (a leak check for tests and the library). */
  get waiting(): number {
    return this.#waiters.size;
  }

  /**
   * A delivered notification whose queue entry the caller already acked: history, stats, metrics, waiters.
   * `retries` and `lastFailureReason` say what it took; history and stats keep them.
   */
  async recordDelivered(item: QueuedItem, status: Extract<OutcomeStatus, 'sent' | 'dry_run'>, detail: { messageIds: string[]; attempts: number; responseTimeMs?: number } & RetryDetail): Promise<void> {
    const { retries, lastFailureReason, ...rest } = detail;
    await this.#finish(item.notification, { notificationId: item.notification.id, status, at: this.deps.now(), ...rest }, { retries, lastFailureReason });
  }

  /** `retries` and `lastFailureReason` default to what `attempts` requests ending in `reason` took. */
  async deadLetter(queueKey: string, item: QueuedItem, failure: { reason: FailureReason; detail: string; attempts: number; retries?: number; lastFailureReason?: FailureReason; webhookId?: string; messageIds?: string[] }): Promise<void> {
    const n = item.notification;
    await this.deps.store.deadLetters.add({ id: n.id, notification: n, reason: failure.reason, error: failure.detail, webhookId: failure.webhookId, at: this.deps.now() });
    await ackThenRecord(this.deps.store.queue.ack(queueKey, [item.entryId]), () => this.#finish(n, {
      notificationId: n.id,
      status: 'dead_lettered',
      attempts: failure.attempts,
      messageIds: failure.messageIds ?? [],
      reason: failure.reason,
      error: failure.detail,
      at: this.deps.now(),
    }, { retries: failure.retries ?? Math.max(failure.attempts - 1, 0), lastFailureReason: failure.lastFailureReason ?? (failure.attempts > 0 ? failure.reason : undefined) }));
  }

  /**
   * Moved to another queue (broken webhook → general): acked here, not final, so no history yet. A send
   * waiting for it now waits on the hold of `toKey`, where it waits through an outage.
   */
  async moved(queueKey: string, item: QueuedItem, toKey: string): Promise<void> {
    await this.deps.store.queue.ack(queueKey, [item.entryId]);
    const id = item.notification.id;
    if (!this.#queueOf.has(id)) return;
    this.#queueOf.set(id, toKey);
    const detail = this.#heldQueues.get(toKey);
    if (detail !== undefined) this.#settleHold(id, detail);
  }

  async #finish(n: Notification, outcome: DeliveryOutcome, retry: RetryDetail): Promise<void> {
    const entry = historyEntry(n, outcome, retry);
    // History and statistics are best effort: a store hiccup must not undo a delivery. Not silent, though.
    const [history, stats] = await Promise.all([this.deps.store.history.record(entry).then(() => undefined, errorText), this.deps.store.stats.record(entry).then(() => undefined, errorText)]);
    this.#writes(n.id, history ? `history: ${history}` : stats ? `statistics: ${stats}` : undefined);
    try {
      this.deps.observe?.(n, outcome);
    } catch (err) {
      // An observer (a library user's callback) that throws must not fail the delivery it is told about.
      this.deps.logger?.error({ err, notification: n.id }, 'outcome observer threw');
    }
    for (const settle of [...(this.#waiters.get(n.id) ?? [])]) settle(outcome);
  }

  /**
   * Logs a failed history or statistics write once per error (a store down fails every write alike), and
   * again once writes have worked in between: the dashboard's holes then have their reason in the log.
   */
  #writes(notificationId: string, error: string | undefined): void {
    if (error === this.#writeError) return;
    this.#writeError = error;
    if (error) this.deps.logger?.warn({ notification: notificationId, err: error }, 'could not record the outcome in history or statistics; the delivery stands (logged again when the error changes)');
  }
}

/** A promise settled by a call of the setter it adds to `waiters` under `id`, or with undefined once `signal` aborts. */
function waitIn<T>(waiters: Map<string, Set<(value: T | undefined) => void>>, id: string, signal?: AbortSignal): Promise<T | undefined> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(undefined);
    const set = waiters.get(id) ?? new Set();
    const settle = (value: T | undefined): void => {
      signal?.removeEventListener('abort', onAbort);
      set.delete(settle);
      if (set.size === 0 && waiters.get(id) === set) waiters.delete(id);
      resolve(value);
    };
    const onAbort = (): void => settle(undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
    set.add(settle);
    waiters.set(id, set);
  });
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** What it took to reach an outcome: re-sends after failed or throttled attempts, and the last failure's reason. */
interface RetryDetail {
  retries: number;
  lastFailureReason?: FailureReason;
}

/**
 * Most alert names and fingerprints one history entry lists (the title says how many alerts there were).
 * History keeps up to `history.max_entries` (10,000) entries for the whole retention: with every fingerprint
 * of Alertmanager groups of thousands of alerts (`max_alerts: 0`), a storm's history alone held hundreds of MB.
 */
export const HISTORY_LIST_MAX = 100;

/**
 * Titles and alert names are cut to Discord's title limit, as the message showed them: a summary
 * annotation is not bounded by anything but the body limit, and history keeps (and the dashboard reads
 * 500 of) its entries for the whole retention, long after the queue let the notification go.
 */
function historyEntry(n: Notification, outcome: DeliveryOutcome, retry: RetryDetail): HistoryEntry {
  const first = n.alerts[0];
  const title = first && truncate(first.title, MAX_TITLE);
  return {
    id: n.id,
    title: title !== undefined ? (n.alerts.length > 1 ? `${title} (+${n.alerts.length - 1})` : title) : '(no alerts)',
    alertType: n.alertType,
    source: n.source,
    status: n.status,
    alertNames: [...new Set(n.alerts.map((a) => truncate(a.labels.alertname ?? a.title, MAX_TITLE)))].slice(0, HISTORY_LIST_MAX),
    fingerprints: n.alerts.slice(0, HISTORY_LIST_MAX).map((a) => a.fingerprint),
    receivedAt: n.receivedAt,
    ...(n.replayedAt !== undefined ? { replayedAt: n.replayedAt } : {}),
    outcome,
    retries: retry.retries,
    ...(retry.lastFailureReason ? { lastFailureReason: retry.lastFailureReason } : {}),
  };
}
