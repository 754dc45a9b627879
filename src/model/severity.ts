/** Normalized severities, most severe first. Every source maps into these four. */
export const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Lower rank = more severe; used to pick the worst severity of a group. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/**
 * The most severe of several severities (info when given none). A value that is not one of the four (an
 * entry read back from a store, written by hand or by another version) is ignored: it ranks -1, and the
 * result is shown in a pinging `content`, where it must never be text from outside.
 */
export function worstSeverity(list: Iterable<Severity>): Severity {
  let worst: Severity = 'info';
  for (const s of list) {
    const rank = severityRank(s);
    if (rank >= 0 && rank < severityRank(worst)) worst = s;
  }
  return worst;
}
