import type { ReadBudget } from './types.js';

/**
 * Whether an entry of `bytes` may join a read whose reader holds `held` bytes by now (its earlier reads
 * and this read's entries so far): within the budget, or the first of a reader that holds nothing, whatever
 * its size (it fits no read). The Redis store's READ_WITHIN script applies the same rule inside Redis.
 */
export function fitsBudget(budget: ReadBudget | undefined, held: number, bytes: number): boolean {
  return budget === undefined || held === 0 || held + bytes <= budget.maxBytes;
}
