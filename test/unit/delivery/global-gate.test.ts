import { describe, expect, it } from 'vitest';
import { DISCORD_GLOBAL_REQUESTS_PER_SECOND, GLOBAL_IN_FLIGHT_MAX_MS, GlobalGate } from '../../../src/delivery/global-gate.js';

const T0 = 1_700_000_000_000;

describe('GlobalGate', () => {
  it('allows Discord’s 50 requests per second across all webhooks', () => {
    expect(DISCORD_GLOBAL_REQUESTS_PER_SECOND).toBe(50);
    const gate = new GlobalGate();
    for (let i = 0; i < 50; i++) {
      expect(gate.acquire(T0 + i)).toBe(0);
      gate.answered(T0 + i);
    }
    expect(gate.acquire(T0 + 50)).toBe(950);
    expect(gate.status(T0 + 50)).toMatchObject({ paused: false, usedInLastSecond: 50, perSecond: 50 });
    expect(gate.acquire(T0 + 1_000)).toBe(0);
    expect(gate.acquire(T0 + 1_000)).toBe(1);
  });

  it('a request holds its slot until its answer, then one second more: Discord counts it when it ARRIVES', () => {
    // A request may reach Discord any time between the gate and its answer (a socket to wait for, a TLS
    // handshake, a busy event loop): counted only from the gate, 50 sent late and 50 sent on time once the
    // second had passed arrived within one second at Discord: a global 429 for every webhook.
    const gate = new GlobalGate({ perSecond: 2 });
    expect(gate.acquire(T0)).toBe(0);
    expect(gate.acquire(T0)).toBe(0);
    expect(gate.status(T0 + 900)).toMatchObject({ usedInLastSecond: 2 });
    expect(gate.acquire(T0 + 1_000)).toBe(1_000); // both still out: neither second has begun
    gate.answered(T0 + 400);
    expect(gate.acquire(T0 + 1_000)).toBe(400);
    expect(gate.acquire(T0 + 1_400)).toBe(0);
    expect(gate.acquire(T0 + 1_400)).toBeGreaterThan(0); // the other is still out
    gate.answered(T0 + 1_500);
    expect(gate.status(T0 + 2_499)).toMatchObject({ usedInLastSecond: 2 });
    expect(gate.acquire(T0 + 2_500)).toBe(0);
  });

  it('a request whose answer is never reported frees its slot once it must have ended', () => {
    const gate = new GlobalGate({ perSecond: 1 });
    expect(gate.acquire(T0)).toBe(0);
    expect(gate.acquire(T0 + GLOBAL_IN_FLIGHT_MAX_MS - 1)).toBeGreaterThan(0);
    expect(gate.acquire(T0 + GLOBAL_IN_FLIGHT_MAX_MS)).toBe(0);
  });

  it('a denied acquire is not counted', () => {
    const gate = new GlobalGate({ perSecond: 1 });
    expect(gate.acquire(T0)).toBe(0);
    gate.answered(T0);
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
