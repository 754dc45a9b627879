import type { Config } from '../config/types.js';
import type { Store } from '../store/types.js';
import { queueKeyFor } from './queue-key.js';

/**
 * Puts dead letters back on the queue of their alert type's (current) webhook, attempts reset, so a fixed
 * webhook or a fixed config gets them delivered. Entries that cannot be queued are kept as dead letters.
 */
export async function replayDeadLetters(
  store: Store,
  config: Config,
  ids: string[] | undefined,
  onQueued: (queueKey: string) => void,
): Promise<{ replayed: string[]; failed: string[] }> {
  const taken = await store.deadLetters.take(ids);
  const replayed: string[] = [];
  const failed: string[] = [];
  for (const entry of taken) {
    const key = queueKeyFor(config, entry.notification.alertType);
    const status = await store.queue.enqueue(key, { ...entry.notification, attempts: 0, reroutedFrom: undefined }).catch(() => 'full' as const);
    if (status === 'queued') {
      replayed.push(entry.id);
      onQueued(key);
    } else {
      failed.push(entry.id);
      await store.deadLetters.add(entry);
    }
  }
  return { replayed, failed };
}
