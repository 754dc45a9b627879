import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stableStringify } from '../../src/lib/hash.js';

/** The definition: JSON with object keys sorted, each value written the same way, recursively. */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  const keys = Object.keys(value as object).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${reference((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

// Dedupe keys and fingerprints hash this text: a change in it re-keys every alert (and splits replicas mid-upgrade).
describe('stableStringify', () => {
  it('writes any JSON-like value as the recursive definition does, arrays of primitives included', () => {
    const primitive = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined));
    fc.assert(fc.property(fc.array(primitive), (value) => {
      expect(stableStringify(value)).toBe(reference(value));
    }), { numRuns: 500 });
    fc.assert(fc.property(fc.anything({ withNullPrototype: true }), (value) => {
      expect(stableStringify(value)).toBe(reference(value));
    }), { numRuns: 500 });
  });
});
