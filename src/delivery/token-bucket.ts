/**
 * Token bucket: up to `burst` requests at once, refilled continuously at `perMinute` per minute. With the
 * default `burst = perMinute` it behaves as the seed service's limiter did (a full minute's budget may be
 * spent at once, then one request per 60/perMinute s).
 */
import { CLOCK_STEP_SLACK_MS } from './clock.js';
import type { LimiterSnapshot, RateLimiter, TakeResult } from './rate-limiter.js';

/** Slack for floating-point refill sums (1000 ms × 0.001 tokens/ms may land just under 1). */
const EPSILON = 1e-9;
const MINUTE_MS = 60_000;

export interface TokenBucketOptions {
  /** Refill rate, tokens per minute (whole number ≥ 1). */
  perMinute: number;
  /** Capacity (whole number ≥ 1); defaults to `perMinute`. */
  burst?: number;
  /** Tokens at the start (at most `burst`, which is the default), e.g. carried over from an earlier limiter. */
  tokens?: number;
  /** When `tokens` were counted (epoch ms): refills start there, never at an earlier `now` (a clock behind). */
  at?: number;
}

function assertWhole(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number >= 1, got ${value}`);
}

/**
 * One key's token bucket. Starts full. Time only moves forward: an earlier `now` refills nothing (up to
 * {@link CLOCK_STEP_SLACK_MS}; beyond it the clock was set right and the bucket counts from there).
 */
export class TokenBucketLimiter implements RateLimiter {
  readonly capacity: number;
  /** Tokens added per millisecond. */
  readonly ratePerMs: number;
  #tokens: number;
  #last: number | undefined;

  /** @throws RangeError on a limit that is not a whole number ≥ 1 (validated config never has one). */
  constructor(options: TokenBucketOptions) {
    assertWhole('perMinute', options.perMinute);
    this.capacity = options.burst ?? options.perMinute;
    assertWhole('burst', this.capacity);
    this.ratePerMs = options.perMinute / MINUTE_MS;
    this.#tokens = Math.min(this.capacity, options.tokens ?? this.capacity);
    this.#last = options.at;
  }

  #refill(now: number): void {
    // Counted by a clock since set back (more than a replica's skew ahead): refills run from now, not from then.
    if (this.#last !== undefined && this.#last - now > CLOCK_STEP_SLACK_MS) this.#last = now;
    if (this.#last !== undefined && now > this.#last) {
      this.#tokens = Math.min(this.capacity, this.#tokens + (now - this.#last) * this.ratePerMs);
    }
    if (this.#last === undefined || now > this.#last) this.#last = now;
  }

  /** Consume one token, or say how long until one is there. */
  take(now: number): TakeResult {
    this.#refill(now);
    if (this.#tokens + EPSILON >= 1) {
      this.#tokens = Math.max(0, this.#tokens - 1);
      return { ok: true };
    }
    return { ok: false, waitMs: Math.max(1, Math.ceil((1 - this.#tokens) / this.ratePerMs)) };
  }

  /** Tokens now, fractions included (what a limiter replacing this one carries over). */
  tokens(now: number): number {
    this.#refill(now);
    return this.#tokens;
  }

  /** Whole units used now (missing tokens, rounded up past the float slack): what a sliding window carries over. */
  used(now: number): number {
    return Math.max(0, Math.ceil(this.capacity - this.tokens(now) - EPSILON));
  }

  /** The latest `now` it has seen (what `tokens` are counted at); undefined before the first. */
  get updatedAt(): number | undefined {
    return this.#last;
  }

  /** Whole tokens left, capacity, ms until full again. */
  peek(now: number): LimiterSnapshot {
    this.#refill(now);
    const missing = this.capacity - this.#tokens;
    return {
      remaining: Math.floor(this.#tokens + EPSILON),
      limit: this.capacity,
      resetMs: missing <= EPSILON ? 0 : Math.ceil(missing / this.ratePerMs),
    };
  }
}
