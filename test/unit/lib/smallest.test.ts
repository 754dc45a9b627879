import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { smallest } from '../../../src/lib/smallest.js';

const byValue = (a: number, b: number): number => a - b;

describe('smallest', () => {
  it('gives what sorting all and keeping the first k gives', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.integer(), { maxLength: 300 }), fc.integer({ min: 0, max: 320 }), (items, k) => {
      expect(smallest(items, k, byValue)).toEqual([...items].sort(byValue).slice(0, k));
    }));
  });

  it('leaves its input as it was', () => {
    const items = [5, 3, 9, 1, 7];
    smallest(items, 2, byValue);
    expect(items).toEqual([5, 3, 9, 1, 7]);
  });

  // The point of it: a long list cut to a short head costs about one comparison per item, not a full sort.
  it('compares each item about once when k is small', () => {
    let comparisons = 0;
    const items = Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 100_000);
    expect(smallest(items, 8, (a, b) => (comparisons++, a - b))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(comparisons).toBeLessThan(2 * items.length);
  });
});
