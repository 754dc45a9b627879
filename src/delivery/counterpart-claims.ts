import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import type { NotificationQueue } from '../store/types.js';
import { queueKeyFor } from './queue-key.js';

/*
 * The other state's dedupe claims (firing <-> resolved) a notification replaces, when its alert types sit on
 * several webhooks' queues: a script's resolve routed elsewhere than its firing (routing/dedupe-key.ts).
 */

/** Counterpart claims (per alert type) grouped by the queue that holds them: types may share a webhook. */
export function counterpartsByQueue(config: Config, byType: ReadonlyMap<string, string[]>): Map<string, string[]> {
  const byQueue = new Map<string, string[]>();
  for (const [alertType, keys] of byType) {
    const queueKey = queueKeyFor(config, alertType);
    byQueue.set(queueKey, [...(byQueue.get(queueKey) ?? []), ...keys]);
  }
  return byQueue;
}

/**
 * Drops the other state's claims held on other webhooks' queues, once this notification is queued (its own
 * queue's went with the enqueue): a resolve routed elsewhere than its firing. Not atomic with the enqueue;
 * a failure is logged, not answered 5xx: the notification is queued, and the sender's retry would be a
 * duplicate that drops nothing. Left behind, a claim only takes a flap within the window for a repeat.
 */
export async function dropClaimsElsewhere(byQueue: ReadonlyMap<string, string[]>, deps: { queue: Pick<NotificationQueue, 'dropClaims'>; logger: Logger }): Promise<void> {
  // Side by side: one round trip to Redis, not one per webhook, for each notification of a script.
  const dropped = await Promise.allSettled([...byQueue].map(([queueKey, keys]) => deps.queue.dropClaims(queueKey, keys)));
  const failed = dropped.find((d) => d.status === 'rejected');
  if (failed) deps.logger.warn({ err: String(failed.reason) }, 'store unavailable: cannot drop the dedupe claims of the other state');
}
