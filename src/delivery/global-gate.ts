/**
 * The gate every webhook passes, whatever its own bucket says: Discord's global limit per IP, and the
 * global pauses (a `global` 429, a Cloudflare ban) that stop ALL webhooks (discord docs topics/rate-limits,
 * "Global Rate Limit", "Invalid Request Limit"; discord.js keeps the same global gate apart from buckets).
 */
import type { ThrottleScope } from './classify.js';
import { SlidingWindowLimiter } from './sliding-window.js';

/**
 * Requests per second allowed from one IP for unauthenticated webhook calls (discord docs
 * topics/rate-limits, "Global Rate Limit": 50 requests per second).
 */
export const DISCORD_GLOBAL_REQUESTS_PER_SECOND = 50;
const SECOND_MS = 1_000;

/** Why everything is paused: the scope of the 429 that said so. */
export type GlobalPauseReason = Extract<ThrottleScope, 'global' | 'cloudflare'>;

export interface GlobalGateOptions {
  /** Lower it to leave head-room for other clients on the same IP; defaults to Discord's 50. */
  perSecond?: number;
}

export interface GlobalGateStatus {
  paused: boolean;
  /** Epoch ms; 0 when never paused. */
  pausedUntil: number;
  reason?: GlobalPauseReason;
  perSecond: number;
  /** Requests let through in the last second. */
  usedInLastSecond: number;
}

/** Process-wide request gate (one per process, injected; not a module singleton). */
export class GlobalGate {
  readonly perSecond: number;
  readonly #window: SlidingWindowLimiter;
  #pausedUntil = 0;
  #reason: GlobalPauseReason | undefined;

  /** @throws RangeError when `perSecond` is not a whole number ≥ 1. */
  constructor(options: GlobalGateOptions = {}) {
    this.perSecond = options.perSecond ?? DISCORD_GLOBAL_REQUESTS_PER_SECOND;
    this.#window = new SlidingWindowLimiter({ limit: this.perSecond, windowMs: SECOND_MS });
  }

  /** 0 = go now (the request is counted); otherwise ms to wait, then call again (nothing counted). */
  acquire(now: number): number {
    if (now < this.#pausedUntil) return this.#pausedUntil - now;
    const taken = this.#window.take(now);
    return taken.ok ? 0 : taken.waitMs;
  }

  /** Stop every webhook until epoch ms `untilTs`. Only ever extends the current pause. */
  pauseAll(untilTs: number, reason: GlobalPauseReason): void {
    if (!Number.isFinite(untilTs) || untilTs <= this.#pausedUntil) return;
    this.#pausedUntil = untilTs;
    this.#reason = reason;
  }

  /** For `/api/status` and metrics. */
  status(now: number): GlobalGateStatus {
    const paused = now < this.#pausedUntil;
    const snap = this.#window.peek(now);
    const status: GlobalGateStatus = {
      paused,
      pausedUntil: this.#pausedUntil,
      perSecond: this.perSecond,
      usedInLastSecond: snap.limit - snap.remaining,
    };
    if (paused && this.#reason !== undefined) status.reason = this.#reason;
    return status;
  }
}
