import { describe, expect, it } from 'vitest';
import { SLIDING_WINDOW_MS, SlidingWindowLimiter } from '../../../src/delivery/sliding-window.js';

const T0 = 1_700_000_000_000;

describe('SlidingWindowLimiter', () => {
  it('allows at most N in any 60 s window', () => {
    const window = new SlidingWindowLimiter({ limit: 3 });
    expect(window.take(T0).ok).toBe(true);
    expect(window.take(T0 + 10_000).ok).toBe(true);
    expect(window.take(T0 + 20_000).ok).toBe(true);
    expect(window.take(T0 + 30_000)).toEqual({ ok: false, waitMs: 30_000 });
    expect(window.take(T0 + 59_999)).toEqual({ ok: false, waitMs: 1 });
    expect(window.take(T0 + SLIDING_WINDOW_MS).ok).toBe(true);
    expect(window.take(T0 + SLIDING_WINDOW_MS)).toEqual({ ok: false, waitMs: 10_000 });
  });

  it('never lets more than N through in any 60 s span (scan)', () => {
    const window = new SlidingWindowLimiter({ limit: 5 });
    const sent: number[] = [];
    for (let t = 0; t < 300_000; t += 250) if (window.take(T0 + t).ok) sent.push(t);
    for (const start of sent) {
      expect(sent.filter((t) => t >= start && t < start + SLIDING_WINDOW_MS).length).toBeLessThanOrEqual(5);
    }
    expect(sent.length).toBe(25);
  });

  it('peek reports remaining, limit and ms until empty', () => {
    const window = new SlidingWindowLimiter({ limit: 2 });
    expect(window.peek(T0)).toEqual({ remaining: 2, limit: 2, resetMs: 0 });
    window.take(T0);
    window.take(T0 + 5_000);
    expect(window.peek(T0 + 10_000)).toEqual({ remaining: 0, limit: 2, resetMs: 55_000 });
    expect(window.peek(T0 + 60_000)).toEqual({ remaining: 1, limit: 2, resetMs: 5_000 });
    expect(window.peek(T0 + 65_000)).toEqual({ remaining: 2, limit: 2, resetMs: 0 });
  });

  it('keeps at most N timestamps and stays sorted when the clock steps back', () => {
    const window = new SlidingWindowLimiter({ limit: 2, windowMs: 1_000 });
    window.take(T0);
    window.take(T0 - 500);
    expect(window.take(T0 - 500).ok).toBe(false);
    // The stepped-back send was stamped T0 (not T0 - 500): both leave the window at T0 + 1000.
    expect(window.peek(T0 + 999)).toEqual({ remaining: 0, limit: 2, resetMs: 1 });
    expect(window.take(T0 + 1_000).ok).toBe(true);
    expect(window.peek(T0 + 1_000)).toEqual({ remaining: 1, limit: 2, resetMs: 1_000 });
  });

  // A clock far ahead, then set right (a VM restored, an RTC wrong until NTP): the sends it stamped left the window
  // only when the wrong time came again, and every send meanwhile was stamped there too: hours of silence.
  it('lets sends leave the window once a clock far ahead is set right', () => {
    const window = new SlidingWindowLimiter({ limit: 2 });
    expect(window.take(T0 + 3_600_000).ok).toBe(true);
    expect(window.take(T0 + 3_600_000).ok).toBe(true);
    expect(window.take(T0).ok).toBe(false);
    expect(window.take(T0 + SLIDING_WINDOW_MS).ok).toBe(true);
    expect(window.take(T0 + SLIDING_WINDOW_MS + 1).ok).toBe(true);
    expect(window.take(T0 + SLIDING_WINDOW_MS + 1).ok).toBe(false);
  });

  // The log moves back by its newest send's lead, not its oldest's: sends the wrong clock spread over its
  // minute all leave a window after it was set right (by the oldest's, the newest stayed 50 s ahead).
  it('moves a log spread over the wrong minute back by its newest send', () => {
    const window = new SlidingWindowLimiter({ limit: 2 });
    expect(window.take(T0 + 3_600_000).ok).toBe(true);
    expect(window.take(T0 + 3_650_000).ok).toBe(true);
    expect(window.take(T0).ok).toBe(false);
    expect(window.take(T0 + SLIDING_WINDOW_MS).ok).toBe(true);
    expect(window.take(T0 + SLIDING_WINDOW_MS).ok).toBe(true);
  });

  it.each([0, 2.5, -1])('rejects limit %s', (limit) => {
    expect(() => new SlidingWindowLimiter({ limit })).toThrow(RangeError);
  });

  it('rejects a non-positive window', () => {
    expect(() => new SlidingWindowLimiter({ limit: 1, windowMs: 0 })).toThrow(RangeError);
  });

  it('a log carried over from a larger limit waits until enough sends left, not only the oldest', () => {
    const window = new SlidingWindowLimiter({ limit: 2, stamps: [T0 + 20_000, T0, T0 + 10_000] });
    expect(window.peek(T0 + 30_000)).toEqual({ remaining: 0, limit: 2, resetMs: 50_000 });
    expect(window.take(T0 + 30_000)).toEqual({ ok: false, waitMs: 40_000 }); // T0 + 10 s must leave too
    expect(window.take(T0 + 70_000).ok).toBe(true);
  });
});
