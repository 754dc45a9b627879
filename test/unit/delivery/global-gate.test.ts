import { describe, expect, it } from 'vitest';
import { DISCORD_GLOBAL_REQUESTS_PER_SECOND, GlobalGate } from '../../../src/delivery/global-gate.js';

const T0 = 1_700_000_000_000;

describe('GlobalGate', () => {
  it('allows Discord’s 50 requests per second across all webhooks', () => {
    expect(DISCORD_GLOBAL_REQUESTS_PER_SECOND).toBe(50);
    const gate = new GlobalGate();
    for (let i = 0; i < 50; i++) expect(gate.acquire(T0 + i)).toBe(0);
    expect(gate.acquire(T0 + 50)).toBe(950);
    expect(gate.status(T0 + 50)).toMatchObject({ paused: false, usedInLastSecond: 50, perSecond: 50 });
    expect(gate.acquire(T0 + 1_000)).toBe(0);
    expect(gate.acquire(T0 + 1_000)).toBe(1);
  });

  it('a denied acquire is not counted', () => {
    const gate = new GlobalGate({ perSecond: 1 });
    expect(gate.acquire(T0)).toBe(0);
    for (let i = 1; i < 10; i++) expect(gate.acquire(T0 + i)).toBe(1_000 - i);
    expect(gate.acquire(T0 + 1_000)).toBe(0);
  });

  it('pauseAll stops everything until the time, and only extends', () => {
    const gate = new GlobalGate();
    gate.pauseAll(T0 + 300_000, 'cloudflare');
    gate.pauseAll(T0 + 2_000, 'global');
    expect(gate.acquire(T0)).toBe(300_000);
    expect(gate.status(T0)).toEqual({
      paused: true,
      pausedUntil: T0 + 300_000,
      reason: 'cloudflare',
      perSecond: 50,
      usedInLastSecond: 0,
    });
    expect(gate.acquire(T0 + 300_000)).toBe(0);
    expect(gate.status(T0 + 300_000)).not.toHaveProperty('reason');
  });

  it('rejects a bad perSecond', () => {
    expect(() => new GlobalGate({ perSecond: 0 })).toThrow(RangeError);
  });
});
