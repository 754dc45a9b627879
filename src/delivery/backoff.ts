/**
 * Retry delays: exponential backoff with FULL jitter (AWS Architecture Blog, "Exponential Backoff And
 * Jitter", 2015): many webhooks failing together after a Discord outage spread their retries instead of
 * returning in lockstep. discord.js retries 5xx without backoff; we add it (docs/discord.md).
 */
import type { Random } from './clock.js';

/** Reusable retry config block (YAML `retry:`), in milliseconds. */
export interface BackoffOptions {
  /** Ceiling of the first retry's delay. */
  baseMs?: number;
  /** Largest ceiling, however many attempts. */
  capMs?: number;
}

/** Defaults: first retry within 0.5 s, never more than 30 s between attempts. */
export const DEFAULT_BACKOFF: Readonly<Required<BackoffOptions>> = Object.freeze({ baseMs: 500, capMs: 30_000 });

/** `min(cap, base * 2^attempt)`: the upper bound of the jittered delay for a 0-based `attempt`. */
export function backoffCeiling(attempt: number, options: BackoffOptions = {}): number {
  const baseMs = Math.max(0, options.baseMs ?? DEFAULT_BACKOFF.baseMs);
  const capMs = Math.max(0, options.capMs ?? DEFAULT_BACKOFF.capMs);
  const n = Number.isFinite(attempt) ? Math.max(0, Math.floor(attempt)) : 0;
  return Math.min(capMs, baseMs * 2 ** n);
}

/**
 * Full-jitter delay before retry number `attempt` (0 = the first retry): `random() * backoffCeiling`,
 * floored to whole ms. `random` is injected (tests pass a constant); values outside [0, 1) are clamped.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: Random): number {
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * backoffCeiling(attempt, options));
}

/**
 * Delay before a retry when the server also named one (a 5xx with `Retry-After`): `max(backoff, throttle)`,
 * as the OpenTelemetry Collector's retry sender does for throttle errors.
 */
export function retryDelay(
  attempt: number,
  throttleMs: number | undefined,
  options: BackoffOptions,
  random: Random,
): number {
  const backoff = backoffDelay(attempt, options, random);
  return throttleMs !== undefined && Number.isFinite(throttleMs) ? Math.max(backoff, Math.ceil(throttleMs)) : backoff;
}
