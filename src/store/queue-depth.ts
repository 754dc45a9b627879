import type { Store } from './types.js';

/** How full one queue is: its depth and how long its oldest entry has waited (ms; 0 when empty or unknown). */
export interface QueueDepth {
  depth: number;
  oldestAgeMs: number;
}

/**
 * One queue's depth and the age of its oldest entry, for /api/status and /metrics; undefined when the store
 * cannot tell the depth (Redis down). An unknown age counts as 0: the depth is what matters then.
 */
export async function queueDepth(store: Store, key: string, now: number): Promise<QueueDepth | undefined> {
  const depth = await store.queue.depth(key).catch(() => undefined);
  if (depth === undefined) return undefined;
  const oldest = depth > 0 ? await store.queue.oldestEnqueuedAt(key).catch(() => undefined) : undefined;
  return { depth, oldestAgeMs: oldest === undefined ? 0 : Math.max(0, now - oldest) };
}
