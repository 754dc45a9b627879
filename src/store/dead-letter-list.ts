import type { DeadLetter } from './types.js';

/**
 * Dead letters newest first, each id once: a notification dead-lettered again after its ack was lost is
 * one dead letter to the operator (its latest copy, with the latest reason), as a replay takes it once. The
 * stores keep one copy of each id; this covers a Redis list written before they did.
 */
export function latestOfEachId(newestFirst: DeadLetter[]): DeadLetter[] {
  const seen = new Set<string>();
  return newestFirst.filter((d) => {
    if (seen.has(d.id)) return false;
    seen.add(d.id);
    return true;
  });
}

/**
 * A dead letter read back from a store, under the id the store keeps it by (Redis: the entry's `id` field,
 * which its hold and settle go by). One written by hand or by a version with another shape stays a dead
 * letter to list and keep, not a crash of the list: its fields pass as stored (a body that is no JSON object
 * becomes an error text), and a replay checks its notification before queueing it (delivery/replay.ts).
 */
export function readDeadLetter(id: string, json: string): DeadLetter {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    value = undefined;
  }
  const fields = typeof value === 'object' && value !== null && !Array.isArray(value) ? value : { error: 'unreadable dead letter: not a JSON object' };
  return { ...(fields as Omit<DeadLetter, 'id'>), id };
}
