/**
 * Time and randomness, injected into every delivery stage so tests control them (vitest fake timers, a
 * fixed `Random`) and logic never calls `Date.now()` / `Math.random()` itself.
 */

/** Wall clock plus an abortable sleep. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Resolves after `ms` (at once when `ms <= 0`); rejects with `signal.reason` when the signal aborts
   * first (shutdown), so a waiting worker stops without waiting out a long pause.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** A source of uniform numbers in [0, 1), like `Math.random`. */
export type Random = () => number;

/**
 * Longest single timer Node accepts; a larger delay overflows to 1 ms. Sleeps are clamped to it: callers
 * re-check their readiness after waking, so a clamped sleep only means one more loop.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * How far a time a limiter recorded may be ahead of `now` and still be taken as true: replicas' clocks differ
 * by that little, and a limiter must not refill (or slide) twice for a replica behind another. Further ahead,
 * it was stamped by a clock that was wrong and has been set right since (a VM restored, an RTC wrong until
 * NTP): kept, it would hold the webhook shut until the wrong time came again, hours later.
 */
export const CLOCK_STEP_SLACK_MS = 60_000;

/** Sleep on the global `setTimeout` (so vitest fake timers drive it), abortable. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const delay = Number.isFinite(ms) ? Math.min(Math.max(0, ms), MAX_TIMER_MS) : 0;
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delay);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The real clock: stateless, so sharing it is not a singleton problem. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep,
};

/** The real randomness (`Math.random`), the default for factories only. */
export const systemRandom: Random = () => Math.random();
