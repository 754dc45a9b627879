import { MAX_TIMER_MS } from '../delivery/clock.js';

/** Timers, injected so tests drive them (vitest fake timers patch the globals these call). */
export interface WatchdogTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/**
 * The globals, looked up at call time (so `vi.useFakeTimers()` applies), unref'd so they never hold the
 * process. Delays are capped at Node's longest timer (~24.8 days): a longer one is taken as 1 ms, so a
 * watchdog timeout of `30d` would fire its check every millisecond, find it early and re-arm, forever.
 * Capped, the check fires early once per 24.8 days and re-arms for the rest.
 */
export const globalTimers: WatchdogTimers = {
  set(fn, ms) {
    const t = setTimeout(fn, Math.min(ms, MAX_TIMER_MS));
    (t as { unref?: () => void }).unref?.();
    return t;
  },
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};
