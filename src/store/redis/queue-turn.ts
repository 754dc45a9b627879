import type { Redis } from 'ioredis';
import { CONSUMER_GROUP, IDS_PER_CALL } from './queue-groups.js';
import { compareIds, idTime } from './stream-reply.js';

/**
 * Whether an entry queued before all of `entryIds` is still being delivered by another live reader (another
 * replica): pending under another consumer, renewed within the visibility timeout (a dead reader's or a
 * released entry is idle longer, and the next read takes it over). Replicas share a queue, and Discord's
 * answers order nothing between them: a replica holding a firing through an outage (waiting behind the
 * shared breaker) was overtaken by another holding its resolve as soon as that one won a breaker probe, so the
 * channel showed "resolved", then "firing" for good. A read behind another reader hands its entries back.
 */
export async function heldByAnotherReader(redis: Redis, stream: string, consumerName: string, visibilityTimeoutMs: number, entryIds: readonly string[]): Promise<boolean> {
  const first = entryIds.reduce((a, b) => (compareIds(a, b) <= 0 ? a : b));
  // Extended XPENDING, oldest first, ids strictly before `first` (exclusive range: Redis 6.2, as XAUTOCLAIM).
  const pending = (await redis.call('xpending', stream, CONSUMER_GROUP, '-', `(${first}`, IDS_PER_CALL)) as [string, string, number, number][];
  const held = pending.filter(([, consumer, idleMs]) => consumer !== consumerName && Number(idleMs) < visibilityTimeoutMs);
  if (held.length === 0) return false;
  // Ages by Redis' clock, which wrote the ids: by this replica's, a clock minutes behind waited that much past
  // the bound on a replica that never gives its entry up, and one minutes ahead kept no order at all.
  // (Asked only when another reader holds an older entry, so an uncontended read costs no extra command.)
  const now = await redisNow(redis);
  return held.some(([id]) => idTime(id) > now - ORDER_WAIT_MAX_MS);
}

/**
 * How long after an entry was queued the other replicas wait for the one holding it. A replica that reaches
 * Redis but not Discord (a node with broken egress) renews its lease and, an outage dead-lettering nothing,
 * never gives its entry up: waited for without end, it held its webhook's whole queue on every replica. Past
 * this, the others deliver what is newer; order is kept through outages shorter than that.
 */
export const ORDER_WAIT_MAX_MS = 5 * 60_000;

/** Redis' clock, in ms (TIME: seconds and microseconds). */
async function redisNow(redis: Redis): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}
