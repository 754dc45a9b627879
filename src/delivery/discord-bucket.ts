/**
 * One webhook's Discord bucket, read from the headers of EVERY response (discord docs topics/rate-limits;
 * discord.js `packages/rest` SequentialHandler): at `X-RateLimit-Remaining: 0` wait out `Reset-After`
 * instead of earning a 429, and after a 429 wait what it said. Pure state: `now` is passed in.
 */
import type { ThrottleScope } from './classify.js';
import { MAX_RETRY_AFTER_MS } from './classify-throttle.js';
import type { RateLimitInfo } from './rate-limit-headers.js';

/** Pause when Remaining is 0 but neither `Reset-After` nor `Reset` came with it. */
export const FALLBACK_RESET_MS = 1_000;

/** Why the bucket is paused: its budget ran out, or a 429 of that scope. */
export type BucketPauseReason = 'remaining_zero' | ThrottleScope;

/** Plain, JSON-safe state (for the `WebhookState` store and `/api/status`). */
export interface DiscordBucketState {
  /** Epoch ms until which nothing may be sent; 0 when never paused. */
  pausedUntil: number;
  reason?: BucketPauseReason;
  /** Last seen `X-RateLimit-*` values. */
  limit?: number;
  remaining?: number;
  bucket?: string;
}

/** Per-webhook pause state. A pause is only ever extended, never shortened. */
export class DiscordBucket {
  #pausedUntil = 0;
  #reason: BucketPauseReason | undefined;
  #info: Pick<RateLimitInfo, 'limit' | 'remaining' | 'bucket'> = {};

  /**
   * Record one response's headers; at Remaining 0 pause until `now + Reset-After` (else `Reset`, else 1 s),
   * at most `MAX_RETRY_AFTER_MS`, the cap a 429's wait has: `Reset` is Discord's clock, and a host clock
   * hours behind it would otherwise silence the webhook for those hours.
   */
  update(info: RateLimitInfo, now: number): void {
    if (info.limit !== undefined) this.#info.limit = info.limit;
    if (info.remaining !== undefined) this.#info.remaining = info.remaining;
    if (info.bucket !== undefined) this.#info.bucket = info.bucket;
    if (info.remaining !== 0) return;
    const waitMs = info.resetAfterMs ?? (info.resetAt === undefined ? FALLBACK_RESET_MS : Math.max(0, info.resetAt - now));
    this.pauseUntil(now + Math.min(waitMs, MAX_RETRY_AFTER_MS), 'remaining_zero');
  }

  /** Pause until epoch ms `ts` (after a 429: `now + retryAfterMs`). An earlier `ts` than the current pause is ignored. */
  pauseUntil(ts: number, reason: BucketPauseReason): void {
    if (!Number.isFinite(ts) || ts <= this.#pausedUntil) return;
    this.#pausedUntil = ts;
    this.#reason = reason;
  }

  /** Milliseconds to wait before the next request (0 when free). Named for the question "when ready?". */
  readyAt(now: number): number {
    return Math.max(0, this.#pausedUntil - now);
  }

  /** Current state; `reason` only while paused. */
  status(now: number): DiscordBucketState & { paused: boolean } {
    const state = this.toJSON();
    const paused = now < state.pausedUntil;
    if (!paused) delete state.reason;
    return { ...state, paused };
  }

  toJSON(): DiscordBucketState {
    const state: DiscordBucketState = { pausedUntil: this.#pausedUntil, ...this.#info };
    if (this.#reason !== undefined) state.reason = this.#reason;
    return state;
  }

  /** Rebuild from `toJSON()` output (e.g. read back from Redis); malformed fields are dropped. */
  static fromJSON(state: Partial<DiscordBucketState>): DiscordBucket {
    const b = new DiscordBucket();
    if (typeof state.pausedUntil === 'number' && Number.isFinite(state.pausedUntil)) b.#pausedUntil = state.pausedUntil;
    if (typeof state.reason === 'string') b.#reason = state.reason;
    if (typeof state.limit === 'number') b.#info.limit = state.limit;
    if (typeof state.remaining === 'number') b.#info.remaining = state.remaining;
    if (typeof state.bucket === 'string') b.#info.bucket = state.bucket;
    return b;
  }
}
