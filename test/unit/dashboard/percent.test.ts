import { describe, expect, it } from 'vitest';
// @ts-expect-error: the dashboard's browser modules are plain JavaScript without types
import { percent } from '../../../src/dashboard/dom.js';

describe('dashboard success rate', () => {
  // Rounded to nearest, 2,499 of 2,500 delivered read "100.0 %" with a dead letter beside it.
  it('rounds down, so only everything delivered reads 100', () => {
    expect(percent(2499 / 2500)).toBe('99.9');
    expect(percent(0.99999)).toBe('99.9');
    expect(percent(1)).toBe('100');
    expect(percent(0.5)).toBe('50.0');
    expect(percent(0)).toBe('0.0');
  });
});
