import type { RecordedMessage } from './fake-discord/index.js';

/**
 * How many stored messages carry each marker (e.g. `CRASH123X` in an alert's title): 1 is delivered
 * once, more is a duplicate. A marker counts once per message, wherever it appears in the body.
 */
export function markerCounts(messages: readonly RecordedMessage[], pattern: RegExp): Map<string, number> {
  const counts = new Map<string, number>();
  const global = new RegExp(pattern.source, 'g');
  for (const m of messages) {
    for (const marker of new Set(JSON.stringify(m.body).match(global) ?? [])) counts.set(marker, (counts.get(marker) ?? 0) + 1);
  }
  return counts;
}

/** Deliveries beyond the first, summed over markers. */
export function duplicatesOf(counts: Map<string, number>): number {
  let extra = 0;
  for (const n of counts.values()) extra += Math.max(0, n - 1);
  return extra;
}

/** Markers of `expected` that no message carries. */
export function missingFrom(counts: Map<string, number>, expected: Iterable<string>): string[] {
  return [...expected].filter((m) => !counts.has(m));
}
