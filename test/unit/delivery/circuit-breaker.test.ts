import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../src/delivery/circuit-breaker.js';

const T0 = 1_700_000_000_000;

function failTimes(breaker: CircuitBreaker, n: number, now: number): void {
  for (let i = 0; i < n; i++) breaker.onFailure(now);
}

describe('CircuitBreaker', () => {
  it('stays closed below the threshold; a success resets the count', () => {
    const breaker = new CircuitBreaker();
    failTimes(breaker, 4, T0);
    expect(breaker.state(T0)).toBe('closed');
    expect(breaker.consecutiveFailures).toBe(4);
    breaker.onSuccess();
    failTimes(breaker, 4, T0);
    expect(breaker.canPass(T0)).toBe(true);
    expect(breaker.openedAt).toBeUndefined();
  });

  it('opens after 5 consecutive failures for 60 s', () => {
    const breaker = new CircuitBreaker();
    failTimes(breaker, 5, T0);
    expect(breaker.state(T0)).toBe('open');
    expect(breaker.openedAt).toBe(T0);
    expect(breaker.canPass(T0 + 59_999)).toBe(false);
    expect(breaker.state(T0 + 60_000)).toBe('half_open');
  });

  it('half-open lets exactly one probe through; success closes', () => {
    const breaker = new CircuitBreaker();
    failTimes(breaker, 5, T0);
    expect(breaker.canPass(T0 + 60_000)).toBe(true);
    expect(breaker.canPass(T0 + 60_001)).toBe(false);
    expect(breaker.canPass(T0 + 61_000)).toBe(false);
    breaker.onSuccess();
    expect(breaker.state(T0 + 61_000)).toBe('closed');
    expect(breaker.consecutiveFailures).toBe(0);
    expect(breaker.canPass(T0 + 61_000)).toBe(true);
  });

  it('a failed probe re-opens for another cooldown', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 1_000 });
    failTimes(breaker, 2, T0);
    expect(breaker.canPass(T0 + 1_000)).toBe(true);
    breaker.onFailure(T0 + 1_200);
    expect(breaker.state(T0 + 1_200)).toBe('open');
    expect(breaker.openedAt).toBe(T0 + 1_200);
    expect(breaker.canPass(T0 + 2_199)).toBe(false);
    expect(breaker.canPass(T0 + 2_200)).toBe(true);
  });

  it('a late failure while open does not extend the cooldown', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 1_000 });
    breaker.onFailure(T0);
    breaker.onFailure(T0 + 500);
    expect(breaker.openedAt).toBe(T0);
    expect(breaker.state(T0 + 1_000)).toBe('half_open');
  });

  it('an unreported probe (a 429, a dead worker) frees the slot after the lease', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 1_000, probeLeaseMs: 5_000 });
    breaker.onFailure(T0);
    expect(breaker.canPass(T0 + 1_000)).toBe(true);
    expect(breaker.canPass(T0 + 5_999)).toBe(false);
    expect(breaker.canPass(T0 + 6_000)).toBe(true);
    expect(breaker.canPass(T0 + 6_001)).toBe(false);
  });

  it('round-trips through JSON, mid-probe included', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 1_000 });
    failTimes(breaker, 2, T0);
    breaker.canPass(T0 + 1_000);
    const json = JSON.parse(JSON.stringify(breaker)) as unknown;
    expect(json).toEqual({ consecutiveFailures: 2, openedAt: T0, probeAt: T0 + 1_000 });
    const copy = CircuitBreaker.fromJSON(json as object, { failureThreshold: 2, cooldownMs: 1_000 });
    expect(copy.state(T0 + 1_000)).toBe('half_open');
    expect(copy.canPass(T0 + 1_001)).toBe(false);
    expect(copy.consecutiveFailures).toBe(2);
  });

  it('reads malformed snapshots as closed', () => {
    const copy = CircuitBreaker.fromJSON({ consecutiveFailures: -3, openedAt: 'x' as never, probeAt: 5 });
    expect(copy.toJSON()).toEqual({ consecutiveFailures: 0, openedAt: null, probeAt: null });
  });

  it('rejects bad options', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0 })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ cooldownMs: -1 })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ cooldownMs: Number.NaN })).toThrow(RangeError);
  });
});
