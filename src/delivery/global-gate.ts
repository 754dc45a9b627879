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

/**
 * Default of `GlobalGateOptions.inFlightMaxMs`: the longest a request can be out, `discord.timeout` being at
 * most 300 s (config/schema.ts), and a second.
 */
export const GLOBAL_IN_FLIGHT_MAX_MS = 300_000 + SECOND_MS;

/** Why everything is paused: the scope of the 429 that said so. */
export type GlobalPauseReason = Extract<ThrottleScope, 'global' | 'cloudflare'>;

export interface GlobalGateOptions {
  /** Lower it to leave head-room for other clients on the same IP; defaults to Discord's 50. */
  perSecond?: number;
  /**
   * How long a slot stays held by a request whose answer is never reported (a replica killed mid-request, a
   * store that failed to note it): longer than any request is out (the request timeout), so only a lost
   * report lets it lapse, and a lost report cannot shrink the gate for long. Default `GLOBAL_IN_FLIGHT_MAX_MS`.
   */
  inFlightMaxMs?: number;
}

export interface GlobalGateStatus {
  paused: boolean;
  /** Epoch ms; 0 when never paused. */
  pausedUntil: number;
  reason?: GlobalPauseReason;
  perSecond: number;
  /** Slots held: requests out now, and those answered in the last second. */
  usedInLastSecond: number;
}

/**
 * Process-wide request gate (one per process, injected; not a module singleton). Discord counts a request
 * when it ARRIVES, which may be any time between the gate and the answer (a socket of the pool to wait for,
 * a TLS handshake, a busy event loop, the network): counted from the gate alone, requests sent late and
 * requests sent on time a second later arrived within one second, over the limit (a global 429 pausing
 * every webhook, and one more toward the Cloudflare ban). So a request holds its slot from the gate until
 * its answer and for one second after it: at most `perSecond` requests are then ever within one second of
 * each other at Discord, whatever the delays.
 */
export class GlobalGate {
  readonly perSecond: number;
  readonly inFlightMaxMs: number;
  /** Answered requests, at their answer's time: each counts for one second more. */
  readonly #window: SlidingWindowLimiter;
  /** Gate times of requests not answered yet, oldest first. */
  #inFlight: number[] = [];
  #pausedUntil = 0;
  #reason: GlobalPauseReason | undefined;

  /** @throws RangeError when `perSecond` is not a whole number ≥ 1. */
  constructor(options: GlobalGateOptions = {}) {
    this.perSecond = options.perSecond ?? DISCORD_GLOBAL_REQUESTS_PER_SECOND;
    this.inFlightMaxMs = options.inFlightMaxMs ?? GLOBAL_IN_FLIGHT_MAX_MS;
    this.#window = new SlidingWindowLimiter({ limit: this.perSecond, windowMs: SECOND_MS });
  }

  /**
   * 0 = go now (the request holds a slot until `answered`); otherwise ms to wait, then call again (nothing
   * counted). With every slot held by a request still out, the wait is a second: no slot frees sooner.
   */
  acquire(now: number): number {
    if (now < this.#pausedUntil) return this.#pausedUntil - now;
    this.#inFlight = this.#inFlight.filter((at) => now < at + this.inFlightMaxMs);
    const answered = this.#window.stamps(now);
    if (this.#inFlight.length + answered.length < this.perSecond) {
      this.#inFlight.push(now);
      return 0;
    }
    const oldest = answered[0];
    return oldest === undefined ? SECOND_MS : Math.max(1, oldest + SECOND_MS - now);
  }

  /** A request the gate let through was answered (or failed) at `now`: its slot is held one second more. */
  answered(now: number): void {
    if (this.#inFlight.shift() !== undefined) this.#window.take(now);
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
    const out = this.#inFlight.filter((at) => now < at + this.inFlightMaxMs).length;
    const status: GlobalGateStatus = {
      paused,
      pausedUntil: this.#pausedUntil,
      perSecond: this.perSecond,
      usedInLastSecond: out + this.#window.stamps(now).length,
    };
    if (paused && this.#reason !== undefined) status.reason = this.#reason;
    return status;
  }
}
