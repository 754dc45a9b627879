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
  /** The last history or statistics write error logged; undefined once writes work again. */
  #writeError: string | undefined;
  constructor(private readonly deps: { store: Store; now: () => number; observe?: OutcomeObserver; logger?: Logger }) {}

  /**
   * Resolves when the notification reaches a final outcome here, or with undefined once `signal` aborts
   * (the waiter is dropped then: a notification another replica delivers never settles here).
   */
  waitFor(notificationId: string, signal?: AbortSignal): Promise<DeliveryOutcome | undefined> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve(undefined);
      const set = this.#waiters.get(notificationId) ?? new Set();
      const settle = (outcome: DeliveryOutcome | undefined): void => {
        signal?.removeEventListener('abort', onAbort);
        set.delete(settle);
        if (set.size === 0 && this.#waiters.get(notificationId) === set) this.#waiters.delete(notificationId);
        resolve(outcome);
      };
      const onAbort = (): void => settle(undefined);
      signal?.addEventListener('abort', onAbort, { once: true });
      set.add(settle);
      this.#waiters.set(notificationId, set);
    });
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

  /** Moved to another queue (broken webhook → general): acked here, not final, so no history yet. */
  async moved(queueKey: string, item: QueuedItem): Promise<void> {
    await this.deps.store.queue.ack(queueKey, [item.entryId]);
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
    outcome,
    retries: retry.retries,
    ...(retry.lastFailureReason ? { lastFailureReason: retry.lastFailureReason } : {}),
  };
}
