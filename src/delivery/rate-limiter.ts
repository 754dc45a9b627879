/**
 * Our own per-webhook rate limits (the YAML `rate_limit:` of an alert type), applied before Discord's:
 * they keep a noisy alert type from burning the webhook's Discord budget. One `RateLimiter` per key
 * (webhook id); the algorithms live in `token-bucket.ts` and `sliding-window.ts`.
 */
import { SlidingWindowLimiter } from './sliding-window.js';
import { TokenBucketLimiter } from './token-bucket.js';

/** Answer of `take`: go now (one unit consumed), or wait `waitMs` and ask again (nothing consumed). */
export type TakeResult = { ok: true } | { ok: false; waitMs: number };

/** What a limiter would allow now: units left, its limit, ms until it is back to full (0 when full). */
export interface LimiterSnapshot {
  remaining: number;
  limit: number;
  resetMs: number;
}

/** A limiter for ONE key; `now` is passed in (epoch ms) so callers and tests control time. */
export interface RateLimiter {
  take(now: number): TakeResult;
  peek(now: number): LimiterSnapshot;
}

export type RateLimitAlgorithm = 'token_bucket' | 'sliding_window';

/** One alert type's settings. `burst` only matters to the token bucket; it defaults to `perMinute`. */
export interface RateLimitConfig {
  algorithm: RateLimitAlgorithm;
  perMinute: number;
  burst?: number;
}

/** Build the limiter a config asks for. Throws `RangeError` on a non-positive or fractional limit (a config bug). */
export function createRateLimiter(config: RateLimitConfig): RateLimiter {
  if (config.algorithm === 'sliding_window') return new SlidingWindowLimiter({ limit: config.perMinute });
  return new TokenBucketLimiter({ perMinute: config.perMinute, ...(config.burst === undefined ? {} : { burst: config.burst }) });
}

/**
 * The limiter for changed settings (a config reload; on Redis also replicas whose configs differ for a
 * while), built at `now` from the one it replaces so that what was used stays used: a fresh, full limiter
 * would let a whole new budget out right after the old one was spent. Never more than the old one left:
 * - token bucket → token bucket: its tokens, at most the new burst; the new rate refills from here.
 * - sliding window → sliding window: its log; the new limit counts the sends already in it.
 * - across algorithms: the units used (a token bucket's missing tokens, rounded up, as sends made at its
 *   last time, `now` unless a clock was behind; a window's sends as missing tokens).
 * Time stays where the old one had it when `now` is behind (on Redis a replica whose clock is): a new
 * bucket refills from the old one's last time or newest send, carried sends are stamped at the bucket's
 * last time, so no stretch of time refills (or leaves the window) twice.
 * Without an old limiter, a fresh one.
 */
export function replaceRateLimiter(old: RateLimiter | undefined, config: RateLimitConfig, now: number): RateLimiter {
  if (config.algorithm === 'sliding_window') {
    let stamps: number[] = [];
    if (old instanceof SlidingWindowLimiter) stamps = old.stamps(now);
    else if (old instanceof TokenBucketLimiter) {
      stamps = new Array<number>(old.used(now)).fill(old.updatedAt ?? now);
    }
    return new SlidingWindowLimiter({ limit: config.perMinute, stamps });
  }
  const burst = config.burst ?? config.perMinute;
  let carried: { tokens: number; at: number } | undefined;
  if (old instanceof TokenBucketLimiter) carried = { tokens: old.tokens(now), at: old.updatedAt ?? now };
  else if (old instanceof SlidingWindowLimiter) {
    const stamps = old.stamps(now);
    carried = { tokens: Math.max(0, burst - stamps.length), at: Math.max(now, stamps.at(-1) ?? now) };
  }
  return new TokenBucketLimiter({ perMinute: config.perMinute, burst, ...carried });
}

/**
 * Combine the settings of alert types sharing one webhook (architecture "Words": the strictest wins):
 * - `perMinute`: the lowest.
 * - `burst`: the lowest effective burst (`burst ?? perMinute` of each).
 * - `algorithm`: `sliding_window` when ANY config asks for it. A token bucket at `perMinute` N lets up to
 *   burst + N through in some 60 s window; only the sliding window keeps the hard "at most N in any 60 s"
 *   promise a sliding-window config made, and at the lowest N it keeps every other config's rate too.
 *   (It ignores `burst`: a smaller token-bucket burst elsewhere is then not enforced separately.)
 * Returns `undefined` for no configs (no limit).
 */
export function strictest(configs: readonly RateLimitConfig[]): RateLimitConfig | undefined {
  const [first, ...rest] = configs;
  if (first === undefined) return undefined;
  let perMinute = first.perMinute;
  let burst = first.burst ?? first.perMinute;
  let algorithm: RateLimitAlgorithm = first.algorithm;
  for (const c of rest) {
    perMinute = Math.min(perMinute, c.perMinute);
    burst = Math.min(burst, c.burst ?? c.perMinute);
    if (c.algorithm === 'sliding_window') algorithm = 'sliding_window';
  }
  return algorithm === 'sliding_window' ? { algorithm, perMinute } : { algorithm, perMinute, burst };
}

