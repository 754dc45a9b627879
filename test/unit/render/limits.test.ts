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
