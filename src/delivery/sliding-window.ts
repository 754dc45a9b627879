/**
 * Sliding window log: at most `limit` requests in ANY `windowMs` (default 60 s). Exact, no burst beyond the
 * limit; memory is bounded to `limit` timestamps (or the larger limit a log was carried over from). Also
 * used by the global gate with a 1 s window.
 */
import { CLOCK_STEP_SLACK_MS } from './clock.js';
import type { LimiterSnapshot, RateLimiter, TakeResult } from './rate-limiter.js';

/** The window of a per-minute limit. */
export const SLIDING_WINDOW_MS = 60_000;

export interface SlidingWindowOptions {
  /** Requests allowed per window (whole number ≥ 1). */
  limit: number;
  /** Window length in ms; defaults to `SLIDING_WINDOW_MS`. */
  windowMs?: number;
  /** Sends already made (epoch ms, any order), e.g. carried over from an earlier limiter; may exceed `limit`. */
  stamps?: readonly number[];
}

/** One key's sliding window. */
export class SlidingWindowLimiter implements RateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  /** Send times, oldest first; more than `limit` only when carried over from a larger limit. */
  #stamps: number[];

  /** @throws RangeError on a limit that is not a whole number ≥ 1 or a window ≤ 0 (config bugs). */
  constructor(options: SlidingWindowOptions) {
    if (!Number.isInteger(options.limit) || options.limit < 1) {
      throw new RangeError(`limit must be a whole number >= 1, got ${options.limit}`);
    }
    const windowMs = options.windowMs ?? SLIDING_WINDOW_MS;
    if (!Number.isFinite(windowMs) || windowMs <= 0) throw new RangeError(`windowMs must be > 0, got ${windowMs}`);
    this.limit = options.limit;
    this.windowMs = windowMs;
    this.#stamps = [...(options.stamps ?? [])].sort((a, b) => a - b);
  }

  /** Sends still in the window at `now`, oldest first (what a limiter replacing this one carries over). */
  stamps(now: number): number[] {
    this.#evict(now);
    return [...this.#stamps];
  }

  /** Forget sends that left the window: a send at t counts while now < t + windowMs. */
  #evict(now: number): void {
    // Stamped by a clock since set back (more than a replica's skew ahead): the log moves back with it, its
    // newest send now, so its sends leave the window a window from now, not once that wrong time comes again.
    const ahead = (this.#stamps.at(-1) ?? now) - now;
    if (ahead > CLOCK_STEP_SLACK_MS) this.#stamps = this.#stamps.map((t) => t - ahead);
    let drop = 0;
    while (drop < this.#stamps.length && (this.#stamps[drop] ?? 0) + this.windowMs <= now) drop++;
    if (drop > 0) this.#stamps.splice(0, drop);
  }

  /** Record one send, or say how long until enough sends left the window for one more. */
  take(now: number): TakeResult {
    this.#evict(now);
    if (this.#stamps.length < this.limit) {
      // Keep the log sorted even if the clock stepped back.
      this.#stamps.push(Math.max(now, this.#stamps.at(-1) ?? now));
      return { ok: true };
    }
    // The send whose leaving brings the count below the limit (the oldest, unless more than `limit` were carried over).
    const freeing = this.#stamps[this.#stamps.length - this.limit] ?? now;
    return { ok: false, waitMs: Math.max(1, freeing + this.windowMs - now) };
  }

  /** Sends left in the window, the limit, ms until the newest send leaves (then the window is empty). */
  peek(now: number): LimiterSnapshot {
    this.#evict(now);
    const newest = this.#stamps.at(-1);
    return {
      remaining: Math.max(0, this.limit - this.#stamps.length),
      limit: this.limit,
      resetMs: newest === undefined ? 0 : Math.max(0, newest + this.windowMs - now),
    };
  }
}
