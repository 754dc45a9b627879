import type { Notification } from '../model/notification.js';
import type { DeliveryOutcome, FailureReason } from '../model/outcome.js';

/** One queued notification as a consumer sees it; `entryId` is what `ack` takes. */
export interface QueuedItem {
  entryId: string;
  notification: Notification;
  enqueuedAt: number;
}

export type EnqueueStatus = 'queued' | 'duplicate' | 'full';

/**
 * The per-webhook notification queue. `enqueue` claims the dedupe key and enqueues together: a failed
 * enqueue leaves no key behind to swallow the sender's retry (architecture.md "Dedupe").
 */
export interface NotificationQueue {
  enqueue(queueKey: string, n: Notification, dedupe?: { key: string; windowMs: number }): Promise<EnqueueStatus>;
  /** Up to `max` entries not yet handed out, oldest first; waits up to `blockMs` for the first one. */
  read(queueKey: string, max: number, blockMs: number, signal?: AbortSignal): Promise<QueuedItem[]>;
  /** Delivered or dead-lettered: gone for good. */
  ack(queueKey: string, entryIds: string[]): Promise<void>;
  /** Hands entries back (not delivered, e.g. at shutdown or reroute) so they are read again. */
  release(queueKey: string, entryIds: string[]): Promise<void>;
  /**
   * Optional lease renewal (Redis): entries held past the store's visibility timeout are handed to another
   * reader, so a worker waiting on Discord that long touches them. Resolves the ids this consumer still holds.
   */
  touch?(queueKey: string, entryIds: string[]): Promise<string[]>;
  /** Undelivered entries (queued + in flight). */
  depth(queueKey: string): Promise<number>;
  oldestEnqueuedAt(queueKey: string): Promise<number | undefined>;
  queueKeys(): Promise<string[]>;
}

/** A notification Discord refused for good, or that ran out of retries: kept for inspection and replay. */
export interface DeadLetter {
  id: string;
  notification: Notification;
  reason: FailureReason;
  error: string;
  webhookId?: string;
  at: number;
}

export interface DeadLetters {
  add(entry: DeadLetter): Promise<void>;
  list(limit: number): Promise<DeadLetter[]>;
  /** Removes and returns the given entries (all when `ids` is undefined), for replay. */
  take(ids?: string[]): Promise<DeadLetter[]>;
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
  receivedAt: number;
  outcome: DeliveryOutcome;
}

export interface HistoryQuery {
  type?: string;
  outcome?: string;
  since?: number;
  limit?: number;
}

export interface History {
  record(entry: HistoryEntry): Promise<void>;
  list(query: HistoryQuery): Promise<HistoryEntry[]>;
  get(id: string): Promise<HistoryEntry | undefined>;
}

/** Everything delivery keeps; one object so memory and Redis can be swapped as a whole. */
export interface Store {
  kind: 'memory' | 'redis';
  queue: NotificationQueue;
  deadLetters: DeadLetters;
  history: History;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
