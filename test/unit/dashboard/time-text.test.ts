import { describe, expect, it } from 'vitest';
// @ts-expect-error: the dashboard's browser modules are plain JavaScript without types
import { duration, relative } from '../../../src/dashboard/dom.js';

describe('dashboard durations and relative times', () => {
  // Minutes were rounded after the unit was chosen: a queue's oldest entry of 1 h 59 min 50 s read "1 h 60 min",
  // an uptime of 59 min 50 s "60 min", a last success 59 min 45 s ago "60 min ago".
  it('never shows 60 minutes: a duration that rounds to the hour carries into it', () => {
    expect(duration(45)).toBe('45 s');
    expect(duration(3_000)).toBe('50 min');
    expect(duration(3_590)).toBe('1 h 0 min');
    expect(duration(7_190)).toBe('2 h 0 min');
    expect(duration(7_500)).toBe('2 h 5 min');
    expect(duration(5_400)).toBe('1 h 30 min'); // whole hours, the rest in minutes
    const now = Date.UTC(2026, 0, 10, 12);
    expect(relative(now - 3_585_000, now)).toBe('1 h ago');
    expect(relative(now + 600_000, now)).toBe('in 10 min');
    expect(relative(now - 30_000, now)).toBe('30 s ago');
    expect(relative(now - 3 * 86_400_000, now)).toBe('3 d ago');
    // Hours up to 47, then days: 47 h 48 min rounds to 48 h, which reads "2 d", as 48 h does.
    expect(relative(now - 47 * 3_600_000, now)).toBe('47 h ago');
    expect(relative(now - 172_080_000, now)).toBe('2 d ago');
  });
});
