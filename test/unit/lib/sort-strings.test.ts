import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortStrings } from '../../../src/lib/sort-strings.js';

describe('sortStrings', () => {
  it('sorts as Array.prototype.sort() does, short arrays and long, any UTF-16 text', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('a', 'A', 'é', 'e\u0301', '𝔸', '')), { maxLength: 40 }), (texts) => {
        expect(sortStrings([...texts])).toEqual([...texts].sort());
      }),
    );
  });

  it('sorts in place and answers the same array', () => {
    const texts = ['c', 'a', 'b'];
    expect(sortStrings(texts)).toBe(texts);
    expect(texts).toEqual(['a', 'b', 'c']);
  });
});
