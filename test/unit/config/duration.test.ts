import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/config/duration.js';

describe('durations', () => {
  it.each([
    ['30s', 30_000], ['5m', 300_000], ['1h30m', 5_400_000], ['7d', 604_800_000], ['250ms', 250], ['10', 10_000], [2.5, 2500],
  ] as const)('%s → %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['5 minutes', 'm5', '', '-1s', '1x'])('rejects %j', (text) => expect(parseDuration(text)).toBeUndefined());

  it('formats back', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(500)).toBe('500ms');
  });
});
