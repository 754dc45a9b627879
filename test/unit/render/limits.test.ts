import { describe, expect, it } from 'vitest';
import {
  MAX_CONTENT, MAX_DESCRIPTION, MAX_EMBEDS, MAX_FIELDS, MAX_TOTAL, codePointLength, embedSize, truncate, truncateStart,
} from '../../../src/render/limits.js';

describe('limits', () => {
  it('has Discord’s documented numbers', () => {
    expect([MAX_CONTENT, MAX_EMBEDS, MAX_DESCRIPTION, MAX_FIELDS, MAX_TOTAL]).toEqual([2000, 10, 4096, 25, 6000]);
  });

  it('counts code points, not UTF-16 units', () => {
    expect(codePointLength('🔥🔥')).toBe(2);
    expect('🔥🔥'.length).toBe(4);
    expect(codePointLength('')).toBe(0);
  });

  it('truncates with an ellipsis and never splits a surrogate pair', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('🔥🔥🔥🔥', 3)).toBe('🔥🔥…');
    expect(truncate('abc', 0)).toBe('');
    expect(truncate('abc', 1)).toBe('…');
    const cut = truncate('😀'.repeat(300), 256);
    expect(codePointLength(cut)).toBe(256);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('cuts before a grapheme cluster rather than through it', () => {
    const family = '👨‍👩‍👧'; // three emoji joined by ZWJ: one character to a reader
    expect(truncate(`ab${family}cd`, 4)).toBe('ab…');
    expect(truncate(`ab${family}cd`, 8)).toBe(`ab${family}…`);
    expect(truncate('ab🇫🇷cd', 4)).toBe('ab…'); // one regional indicator alone is a lone letter box
    expect(truncate('cafe\u0301 au lait', 5)).toBe('caf…'); // never "cafe…" with the accent dropped
    expect(truncateStart(`xx${family}yy`, 4)).toBe('…yy');
    expect(truncateStart('abc🇫🇷de', 4)).toBe('…de');
  });

  it('never cuts a flag in half deep inside a row of flags (regional indicators pair from the row start)', () => {
    const flags = '🇫🇷🇩🇪🇯🇵🇧🇷'.repeat(10); // 40 flags, 80 regional indicators
    const wholeFlags = (s: string) => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)].every((g) => codePointLength(g.segment) === 2);
    for (const max of [20, 22, 40, 61]) {
      const head = truncate(flags, max);
      expect(head.endsWith('…')).toBe(true);
      expect(wholeFlags(head.slice(0, -1)), `truncate ${max}`).toBe(true);
      const tail = truncateStart(flags, max);
      expect(wholeFlags(tail.slice(1)), `truncateStart ${max}`).toBe(true);
    }
  });

  it('cuts a cluster longer than a few emoji at a code point (Zalgo text stays close to the limit)', () => {
    const zalgo = `a${'e'}${'\u0301'.repeat(200)}b`;
    const cut = truncate(zalgo, 50);
    expect(codePointLength(cut)).toBe(50);
    expect(cut.startsWith('ae\u0301')).toBe(true);
  });

  it('keeps the end with truncateStart', () => {
    expect(truncateStart('line1\nline2\nError: boom', 12)).toBe('…Error: boom');
    expect(truncateStart('short', 10)).toBe('short');
  });

  it('sums the texts Discord counts toward 6000', () => {
    const size = embedSize({
      title: 'ab', description: '🔥', url: 'https://not-counted.example', footer: { text: 'xyz' },
      author: { name: 'q' }, fields: [{ name: 'n', value: 'vv' }],
    });
    expect(size).toBe(2 + 1 + 3 + 1 + 1 + 2);
  });
});
