import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay, DEFAULT_BACKOFF, retryDelay } from '../../../src/delivery/backoff.js';

const half = (): number => 0.5;
const almostOne = (): number => 0.999_999;
const zero = (): number => 0;

describe('backoffDelay (full jitter)', () => {
  it('defaults to base 500 ms, cap 30 s', () => {
    expect(DEFAULT_BACKOFF).toEqual({ baseMs: 500, capMs: 30_000 });
  });

  it.each([
    [0, 500],
    [1, 1_000],
    [2, 2_000],
    [5, 16_000],
    [6, 30_000],
    [50, 30_000],
    [10_000, 30_000],
  ])('attempt %i has ceiling %i', (attempt, ceiling) => {
    expect(backoffCeiling(attempt)).toBe(ceiling);
    expect(backoffDelay(attempt, {}, half)).toBe(Math.floor(ceiling / 2));
    expect(backoffDelay(attempt, {}, almostOne)).toBe(ceiling - 1);
    expect(backoffDelay(attempt, {}, zero)).toBe(0);
  });

  it('honours custom base and cap', () => {
    expect(backoffDelay(3, { baseMs: 100, capMs: 700 }, half)).toBe(350);
    expect(backoffDelay(2, { baseMs: 100, capMs: 10_000 }, half)).toBe(200);
  });

  it('treats bad attempts as 0 and clamps a misbehaving random', () => {
    expect(backoffCeiling(-3)).toBe(500);
    expect(backoffCeiling(Number.NaN)).toBe(500);
    expect(backoffDelay(0, {}, () => 7)).toBe(500);
    expect(backoffDelay(0, {}, () => -1)).toBe(0);
  });
});

describe('retryDelay', () => {
  it('waits max(backoff, throttle)', () => {
    expect(retryDelay(0, 5_000, {}, half)).toBe(5_000);
    expect(retryDelay(6, 5_000, {}, half)).toBe(15_000);
    expect(retryDelay(2, undefined, {}, half)).toBe(1_000);
    expect(retryDelay(2, 1_000.2, {}, zero)).toBe(1_001);
    expect(retryDelay(2, Number.NaN, {}, half)).toBe(1_000);
  });
});
