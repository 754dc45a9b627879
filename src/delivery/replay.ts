import type { Config } from '../config/types.js';
import { isNotification } from '../model/notification.js';
import type { Store } from '../store/types.js';
import { queueKeyFor } from './queue-key.js';

/** What a replay did: ids queued again, ids kept as dead letters (not queued), asked-for ids not found. */
export interface ReplayResult {
  replayed: string[];
  failed: string[];
  /** Why each `failed` id was kept (present when some failed). */
  reasons?: Record<string, string>;
  missing?: string[];
}

/** Why a dead letter is kept: a store reply carries no more than these. */
const KEPT_BECAUSE = {
  unreadable: 'not a notification this version can send (written by hand or by another version)',
  full: 'queue full',
  duplicate: 'duplicate',
  unavailable: 'store unavailable',
} as const;

/**
 * Puts dead letters back on the queue of their alert type's (current) webhook, attempts reset, so a fixed
 * webhook or a fixed config gets them delivered. Each entry is settled as soon as it is queued (one O(1)
 * step: 10,000 replay in ~3 s on Redis); whatever could not be queued goes back to the dead letters. Should
 * the store go away half way, the entries not settled stay held in it and return to the dead letters later
 * (`DeadLetters.take`): none is lost. At least once, not exactly once: an entry queued whose settle was
 * lost with the store returns as a dead letter too, and a replay of it would deliver it again. Each is
 * stamped `replayedAt` (`now`): a dead letter waits for its replay however long, and history, which keeps
 * its retention and `max_entries` by time, places the replay's outcome there rather than at `receivedAt`.
 */
export async function replayDeadLetters(
  store: Store,
  config: Config,
  ids: string[] | undefined,
  onQueued: (queueKey: string) => void,
  now: () => number = Date.now,
): Promise<ReplayResult> {
  const taken = await store.deadLetters.take(ids);
  const replayed: string[] = [];
  const failed: string[] = [];
  const reasons: Record<string, string> = {};
  const keep = (id: string, why: keyof typeof KEPT_BECAUSE): void => {
    failed.push(id);
    reasons[id] = KEPT_BECAUSE[why];
  };
  try {
    for (const [i, entry] of taken.entries()) {
      // Queue entries are checked on read; a dead letter is checked here, where its shape is relied on. One
      // written by hand or by another version stays for the operator to see; the rest are still replayed.
      if (!isNotification(entry.notification)) {
        keep(entry.id, 'unreadable');
        continue;
      }
      const key = queueKeyFor(config, entry.notification.alertType);
      const status = await store.queue.enqueue(key, { ...entry.notification, attempts: 0, retries: undefined, lastFailureReason: undefined, reroutedFrom: undefined, replayedAt: now() }).catch(() => 'unavailable' as const);
      if (status === 'unavailable') {
        // The store is gone: every further enqueue would wait out its command timeout (10,000 entries: hours
        // of a hanging request). The rest stay dead letters; the answer says so at once.
        for (const e of taken.slice(i)) keep(e.id, 'unavailable');
        break;
      }
      if (status !== 'queued') {
        keep(entry.id, status);
        continue;
      }
      replayed.push(entry.id);
      onQueued(key);
      await store.deadLetters.settle({ queued: [entry.id] });
    }
  } finally {
    const done = new Set(replayed);
    const kept = taken.map((e) => e.id).filter((id) => !done.has(id));
    await store.deadLetters.settle({ kept }).catch(() => undefined); // else they return after the hold time
  }
  const found = new Set(taken.map((e) => e.id));
  const missing = ids?.filter((id) => !found.has(id)) ?? [];
  return { replayed, failed, ...(failed.length > 0 ? { reasons } : {}), ...(missing.length > 0 ? { missing } : {}) };
}
