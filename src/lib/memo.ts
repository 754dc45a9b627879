/**
 * Longest input remembered: a URL or time that long is no fleet's repeated value but one sender's, and kept
 * it would hold memory after its request (1024 of them, each up to the body limit).
 */
export const MEMO_MAX_INPUT_LENGTH = 2048;

/**
 * Remembers the results of a pure function of one string, for at most `size` distinct inputs (the whole
 * memory is dropped when it fills: no bookkeeping per hit, and a flood of distinct inputs costs one
 * clear per `size` calls). For checks that repeat across every alert of a fleet: the same generator,
 * runbook and dashboard URLs, the same `startsAt` within a group.
 */
export function memoize<R>(fn: (input: string) => R, size = 1024, maxInputLength = MEMO_MAX_INPUT_LENGTH): (input: string) => R {
  const seen = new Map<string, R>();
  return (input) => {
    if (input.length > maxInputLength) return fn(input);
    const hit = seen.get(input);
    if (hit !== undefined || seen.has(input)) return hit as R;
    const result = fn(input);
    if (seen.size >= size) seen.clear();
    seen.set(input, result);
    return result;
  };
}
