import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SharedHeartbeats, WATCHDOG_RECORD_RETRY_MS } from '../../../src/ops/watchdog-shared.js';
import { globalTimers } from '../../../src/ops/watchdog-timers.js';
import type { Heartbeats } from '../../../src/store/types.js';

/**
 * The heartbeat a replica heard is written to the shared store again until it takes it (ops/watchdog-shared.ts):
 * the other replicas read that time, and one that lacks it tells a false "pipeline down".
 */
function sharedOn() {
  const lines: { level: number; msg: string }[] = [];
  const written: number[] = [];
  /** Each record() waits here until the test settles it: true written, false refused (store down). */
  const pending: ((ok: boolean) => void)[] = [];
  const heartbeats: Heartbeats = {
    record: (_name, at) =>
      new Promise<void>((resolve, reject) => {
        pending.push((ok) => (ok ? (written.push(at), resolve()) : reject(new Error('connect ECONNREFUSED'))));
      }),
    lastSeen: async () => written.at(-1),
    toldOutage: async () => undefined,
    setToldOutage: async () => undefined,
  };
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
  const shared = new SharedHeartbeats({ heartbeats, timers: globalTimers, now: () => Date.now(), logger });
  /** Settles the oldest write still waiting. */
  const settle = async (ok: boolean): Promise<void> => {
    pending.shift()!(ok);
    await vi.advanceTimersByTimeAsync(0);
  };
  return { shared, lines, written, pending, settle };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
});
afterEach(() => vi.useRealTimers());

describe('SharedHeartbeats', () => {
  it('a later heartbeat whose write failed is written again, though an earlier write of the same name worked meanwhile', async () => {
    const { shared, written, pending, settle } = sharedOn();
    shared.record('Watchdog', 1_000);
    shared.record('Watchdog', 2_000); // heard while the first is still being written
    await settle(true); // the first: written
    await settle(false); // the later one: refused
    await vi.advanceTimersByTimeAsync(WATCHDOG_RECORD_RETRY_MS);
    expect(pending).toHaveLength(1);
    await settle(true);
    expect(written).toEqual([1_000, 2_000]);
  });

  it('says once per failing streak that it cannot share the heartbeat, and once that it can again', async () => {
    const { shared, lines, settle } = sharedOn();
    for (const at of [1_000, 2_000]) {
      shared.record('Watchdog', at); // the store goes down, and comes back after four retries
      for (let i = 0; i < 4; i++) {
        await settle(false);
        await vi.advanceTimersByTimeAsync(WATCHDOG_RECORD_RETRY_MS);
      }
      await settle(true);
    }
    shared.record('Watchdog', 3_000); // the store up all along
    await settle(true);
    const failing = `watchdog: could not share the heartbeat with other replicas; trying again every ${WATCHDOG_RECORD_RETRY_MS / 1000}s`;
    const again = 'watchdog: heartbeat shared with other replicas again';
    expect(lines.map((l) => l.msg)).toEqual([failing, again, failing, again]);
  });

  it('stop() while a write that then fails is under way leaves no timer behind and writes nothing more', async () => {
    const { shared, lines, pending, settle } = sharedOn();
    shared.record('Watchdog', 1_000);
    shared.stop();
    await settle(false);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10 * WATCHDOG_RECORD_RETRY_MS);
    expect(pending).toHaveLength(0);
    expect(lines.map((l) => l.msg)).not.toContain('watchdog: heartbeat shared with other replicas again');
  });
});
