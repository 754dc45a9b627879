import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ELLIPSIS, codePointLength, truncate, truncateStart } from '../../src/render/limits.js';

/**
 * `truncate` / `truncateStart` keep whole characters as a reader sees them (grapheme clusters) for every
 * cluster shorter than their look-around window: rows of flags, families, skin tones, accents, astral text.
 */
const RUNS = Number(process.env.FC_RUNS ?? 500);

const CLUSTERS = ['a', ' ', '\n', '😀', '🇫🇷', '🇯🇵', '👨‍👩‍👧', '👍🏽', 'e\u0301', '🏳️‍🌈', '𝔸', '한', 'ก่'];
const mixed = fc.array(fc.constantFrom(...CLUSTERS), { maxLength: 120 });
/** A row of flags (region list, "Regions down: 🇺🇸🇩🇪…"): regional indicators pair from the row's start. */
const flagRow = fc
  .tuple(fc.array(fc.constantFrom(...CLUSTERS), { maxLength: 5 }), fc.array(fc.constantFrom('🇫🇷', '🇯🇵', '🇩🇪', '🇧🇷'), { minLength: 10, maxLength: 60 }))
  .map(([head, flags]) => [...head, ...flags]);
const text = fc.oneof(mixed, flagRow).map((parts) => parts.join(''));
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const clusters = (s: string): string[] => [...graphemes.segment(s)].map((g) => g.segment);

describe('truncate (fast-check)', () => {
  it('keeps a prefix of whole clusters, within max code points', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 200 }), (s, max) => {
        const cut = truncate(s, max);
        expect(codePointLength(cut)).toBeLessThanOrEqual(max);
        if (cut === s) return;
        expect(cut.endsWith(ELLIPSIS)).toBe(true);
        const kept = clusters(cut.slice(0, -ELLIPSIS.length));
        expect(clusters(s).slice(0, kept.length)).toEqual(kept);
      }),
      { numRuns: RUNS },
    );
  });

  it('truncateStart keeps a suffix of whole clusters, within max code points', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 200 }), (s, max) => {
        const cut = truncateStart(s, max);
        expect(codePointLength(cut)).toBeLessThanOrEqual(max);
        if (cut === s) return;
        expect(cut.startsWith(ELLIPSIS)).toBe(true);
        const kept = clusters(cut.slice(ELLIPSIS.length));
        expect(kept.length === 0 ? [] : clusters(s).slice(-kept.length)).toEqual(kept);
      }),
      { numRuns: RUNS },
    );
  });
});
