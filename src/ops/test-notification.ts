import { randomUUID } from 'node:crypto';
import type { Config } from '../config/types.js';
import { queueKeyFor } from '../delivery/queue-key.js';
import { shortHash } from '../lib/hash.js';
import type { Alert } from '../model/alert.js';
import type { Notification } from '../model/notification.js';
import type { NotificationQueue } from '../store/types.js';

export interface TestSendDeps {
  config: () => Config;
  queue: NotificationQueue;
  /** Wakes the queue's worker (and counts the notification as queued). */
  onQueued: (n: Notification, queueKey: string) => void;
  now: () => number;
  newId?: () => string;
}

export type TestSendResult =
  | { ok: true; notificationId: string; alertType: string; webhookId: string | null }
  | { ok: false; reason: 'unknown_type' | 'queue_full' | 'unavailable'; message: string };

/**
 * Queues a test notification for one alert type, straight onto that type's webhook queue (routing rules
 * are skipped: the point is to test THIS type's webhook, colour, name and mentions). It is marked as a test
 * (the renderer's TEST marker), carries a unique dedupe key, and then goes the normal way: queue, rate
 * limit, breaker, retries, history.
 */
export async function sendTestNotification(deps: TestSendDeps, alertType: string): Promise<TestSendResult> {
  const config = deps.config();
  const type = config.alertTypes.get(alertType);
  if (!type) return { ok: false, reason: 'unknown_type', message: `unknown alert type "${alertType}" (known: ${[...config.alertTypes.keys()].join(', ')})` };
  const n = testNotification(type.name, (deps.newId ?? randomUUID)(), deps.now());
  const queueKey = queueKeyFor(config, type.name);
  let status;
  try {
    status = await deps.queue.enqueue(queueKey, n);
  } catch {
    return { ok: false, reason: 'unavailable', message: 'the store is unavailable; retry later' };
  }
  if (status === 'full') return { ok: false, reason: 'queue_full', message: `the queue for alert type "${type.name}" is full; retry later` };
  deps.onQueued(n, queueKey);
  return { ok: true, notificationId: n.id, alertType: type.name, webhookId: type.webhook?.id ?? null };
}

/** The notification itself: one info alert from alertcord, `isTest`, labelled so it is easy to find. */
export function testNotification(alertType: string, id: string, now: number): Notification {
  const alert: Alert = {
    source: 'alertcord',
    status: 'firing',
    severity: 'info',
    title: `alertcord test notification for "${alertType}"`,
    message: `Sent from the admin API (POST /api/test/${alertType}) to check this alert type's Discord webhook. Nothing is wrong.`,
    labels: { alertname: 'AlertcordTest', alert_type: alertType },
    annotations: {},
    links: [],
    fields: [],
    fingerprint: shortHash(`alertcord-test:${id}`),
    startsAt: new Date(now).toISOString(),
    isTest: true,
  };
  return {
    id,
    alertType,
    source: 'alertcord',
    status: 'firing',
    alerts: [alert],
    truncatedAlerts: 0,
    dedupeKey: `alertcord-test:${id}`,
    receivedAt: now,
    attempts: 0,
  };
}
