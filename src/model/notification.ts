import type { Alert, AlertStatus, SourceName } from './alert.js';
import type { AlertType } from './alert-type.js';
import type { FailureReason } from './outcome.js';

/**
 * The alerts of one inbound group routed to one alert type: the unit that is deduplicated,
 * queued, retried and kept in history.
 */
export interface Notification {
  id: string;
  alertType: AlertType;
  source: SourceName;
  /** firing when any alert fires. */
  status: AlertStatus;
  alerts: Alert[];
  truncatedAlerts: number;
  groupKey?: string;
  externalUrl?: string;
  dedupeKey: string;
  /** Epoch ms when intake accepted it. */
  receivedAt: number;
  /**
   * Requests made for it before it reached the queue it is in: those to a webhook that then answered
   * 401/403/404 and had it rerouted (0 when queued by intake or a replay). Its history counts them, with
   * `retries` and `lastFailureReason`, in the outcome it finally reaches.
   */
  attempts: number;
  /** Backoff re-sends among those earlier `attempts` (absent: none). */
  retries?: number;
  /** Why the last of those earlier attempts failed. */
  lastFailureReason?: FailureReason;
  /** Pings asked for by the sender (library `mentions`); otherwise the alert type's configured ones. */
  mentions?: { here?: boolean; everyone?: boolean; roles?: string[]; users?: string[] };
  /** Set when this notification was rerouted from a broken webhook (which channel is broken). */
  reroutedFrom?: string;
  /**
   * Epoch ms when a replay put it back on a queue (absent: never replayed). History places it by this time
   * (see `lastQueuedAt`); `receivedAt` stays, and the Discord message keeps showing it.
   */
  replayedAt?: number;
}

/**
 * When it was last put on a queue: by intake (`receivedAt`), or by a replay (`replayedAt`) when later. History
 * places an entry there (order, retention, `since`/`until`, `max_entries`): a dead letter is replayed however old
 * it is, and placed by `receivedAt` the replay's delivery was dropped on record or trimmed at once. Delivery
 * latency counts from it too: the days a dead letter waited for the operator are no latency.
 */
export function lastQueuedAt(n: { receivedAt: number; replayedAt?: number }): number {
  return n.replayedAt !== undefined && n.replayedAt > n.receivedAt ? n.replayedAt : n.receivedAt;
}

/**
 * True when a value read back from a store has the shape delivery and history rely on. An entry written
 * by hand, or by a version with another shape, that lacks it is dropped on read (and reported) instead of
 * failing every batch of its queue.
 */
export function isNotification(value: unknown): value is Notification {
  if (!isRecord(value)) return false;
  return (
    typeof value.id === 'string' &&
    typeof value.alertType === 'string' &&
    typeof value.source === 'string' &&
    isStatus(value.status) &&
    typeof value.dedupeKey === 'string' &&
    typeof value.receivedAt === 'number' &&
    Array.isArray(value.alerts) &&
    value.alerts.every(isAlertShape)
  );
}

function isAlertShape(a: unknown): boolean {
  return (
    isRecord(a) &&
    isStatus(a.status) &&
    typeof a.severity === 'string' &&
    typeof a.title === 'string' &&
    typeof a.message === 'string' &&
    typeof a.fingerprint === 'string' &&
    isRecord(a.labels) &&
    isRecord(a.annotations) &&
    Array.isArray(a.links) &&
    Array.isArray(a.fields)
  );
}

function isStatus(v: unknown): boolean {
  return v === 'firing' || v === 'resolved';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
