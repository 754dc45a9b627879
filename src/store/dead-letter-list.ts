import type { DeadLetter } from './types.js';

/**
 * Dead letters newest first, each id once: a notification dead-lettered again after its ack was lost is
 * one dead letter to the operator (its latest copy, with the latest reason), as a replay takes it once.
 */
export function latestOfEachId(newestFirst: DeadLetter[]): DeadLetter[] {
  const seen = new Set<string>();
  return newestFirst.filter((d) => {
    if (seen.has(d.id)) return false;
    seen.add(d.id);
    return true;
  });
}
