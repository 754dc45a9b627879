import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMER_MS, sleep, systemClock, systemRandom } from '../../../src/delivery/clock.js';

describe('clock', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('now follows the (fake) system time', () => {
    expect(systemClock.now()).toBe(1_700_000_000_000);
    vi.advanceTimersByTime(1_234);
    expect(systemClock.now()).toBe(1_700_000_001_234);
  });

  it('sleep resolves after the delay, not before', async () => {
    let done = false;
    const p = systemClock.sleep(1_000).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await p;
    expect(done).toBe(true);
  });

  it('sleep(0) and negative / NaN delays resolve at once', async () => {
    const p = Promise.all([sleep(0), sleep(-5), sleep(Number.NaN)]);
    await vi.advanceTimersByTimeAsync(0);
    await expect(p).resolves.toBeDefined();
  });

  it('clamps huge delays to the longest timer instead of overflowing to 1 ms', async () => {
    let done = false;
    void sleep(Number.MAX_SAFE_INTEGER).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(10);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS);
    expect(done).toBe(true);
  });

  it('sleep rejects with the abort reason and clears its timer', async () => {
    const controller = new AbortController();
    const p = sleep(60_000, controller.signal);
    controller.abort(new Error('shutdown'));
    await expect(p).rejects.toThrow('shutdown');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sleep on an already-aborted signal rejects at once', async () => {
    await expect(sleep(10, AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('systemRandom is in [0, 1)', () => {
    const r = systemRandom();
    expect(r).toBeGreaterThanOrEqual(0);
    expect(r).toBeLessThan(1);
  });
});
