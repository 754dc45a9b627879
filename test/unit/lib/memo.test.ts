import { describe, expect, it } from 'vitest';
import { MEMO_MAX_INPUT_LENGTH, memoize } from '../../../src/lib/memo.js';

describe('memoize', () => {
  it('computes each distinct input once, undefined results included', () => {
    const calls: string[] = [];
    const f = memoize((s: string) => {
      calls.push(s);
      return s === 'none' ? undefined : s.length;
    });
    expect([f('abc'), f('abc'), f('none'), f('none'), f('hello')]).toEqual([3, 3, undefined, undefined, 5]);
    expect(calls).toEqual(['abc', 'none', 'hello']);
  });

  it('holds at most `size` inputs: a flood of distinct inputs does not grow it, results stay right', () => {
    const calls: string[] = [];
    const f = memoize((s: string) => {
      calls.push(s);
      return s.toUpperCase();
    }, 3);
    for (const s of ['a', 'b', 'c', 'd']) f(s); // 'd' clears the full memory, then is kept
    expect(f('d')).toBe('D');
    expect(f('a')).toBe('A'); // forgotten: computed again
    expect(calls).toEqual(['a', 'b', 'c', 'd', 'a']);
  });

  // A sender's body may hold a URL or time megabytes long: 1024 of them kept would outlive their requests.
  it('does not keep inputs longer than `maxInputLength` (computed each time, still right)', () => {
    const calls: number[] = [];
    const f = memoize((s: string) => {
      calls.push(s.length);
      return s.length;
    }, 8, 10);
    const long = 'x'.repeat(11);
    expect([f(long), f(long), f('short'), f('short')]).toEqual([11, 11, 5, 5]);
    expect(calls).toEqual([11, 11, 5]);
    const edge = 'y'.repeat(10); // exactly the longest kept
    expect([f(edge), f(edge)]).toEqual([10, 10]);
    expect(calls).toEqual([11, 11, 5, 10]);
  });

  it('by default keeps inputs up to MEMO_MAX_INPUT_LENGTH, not longer', () => {
    const calls: number[] = [];
    const f = memoize((s: string) => {
      calls.push(s.length);
      return s.length;
    });
    const kept = 'k'.repeat(MEMO_MAX_INPUT_LENGTH);
    const long = 'l'.repeat(MEMO_MAX_INPUT_LENGTH + 1);
    for (const input of [kept, kept, long, long]) f(input);
    expect(calls).toEqual([MEMO_MAX_INPUT_LENGTH, MEMO_MAX_INPUT_LENGTH + 1, MEMO_MAX_INPUT_LENGTH + 1]);
  });
});
