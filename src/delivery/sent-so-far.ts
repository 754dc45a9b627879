import type { Notification } from '../model/notification.js';
import type { FailureReason } from '../model/outcome.js';
import type { QueuedItem } from '../store/types.js';

/** What the messages of one notification posted so far took (a split notification has several). */
export interface SentSoFar {
  messageIds: string[];
  attempts: number;
  ms: number;
  retries: number;
  lastFailure?: FailureReason;
  /** Alerts shown so far by packed messages (a notification split across them shows its alerts in order). */
  alertsShown: number;
  /** Forum channels: the post its last message opened or went into, which its rest continues. */
  post?: string;
}

/**
 * What a notification took before this queue (requests to a webhook that then broke and rerouted it): the
 * start of its count here, so its history counts those requests too.
 */
export function startOf(n: Notification): SentSoFar {
  return { messageIds: [], attempts: n.attempts, ms: 0, retries: n.retries ?? 0, lastFailure: n.lastFailureReason, alertsShown: 0 };
}

/** The item with what it took so far (`before`; `failed`: the refused message, when it was in it) in its notification. */
export function withTries(item: QueuedItem, before: SentSoFar | undefined, failed: { attempts: number; retries: number; reason: FailureReason } | undefined): QueuedItem {
  const took = before ?? startOf(item.notification);
  const attempts = took.attempts + (failed?.attempts ?? 0);
  const retries = took.retries + (failed?.retries ?? 0);
  const lastFailureReason = failed && failed.attempts > 0 ? failed.reason : took.lastFailure;
  return { ...item, notification: { ...item.notification, attempts, retries, lastFailureReason } };
}
