/**
 * The 429 part of the classifier: how long to wait and what to pause (discord docs topics/rate-limits,
 * "Exceeding A Rate Limit", "Global Rate Limit", "Invalid Request Limit"; docs/discord.md "Rate limits").
 */
import type { Throttle, ThrottleScope } from './classify.js';
import { safeDetail } from './detail-text.js';
import { hasRateLimitHeaders, parseDecimal, secondsToMs } from './rate-limit-headers.js';
import type { RateLimitInfo } from './rate-limit-headers.js';

/** Wait when a 429 names no delay at all (no `Retry-After`, no body `retry_after`, no `Reset-After`). */
export const DEFAULT_RETRY_AFTER_MS = 1_000;

/**
 * Least wait after a Cloudflare ban (a 429 with no `X-RateLimit-*` headers): Discord says such bans last
 * "for a period of time" and docs/discord.md says "back off for minutes"; five minutes keeps us clear of
 * the 10,000-invalid-requests-per-10-minutes counter that caused it.
 */
export const CLOUDFLARE_BAN_MIN_MS = 5 * 60_000;

/** Longest wait we accept from one 429; beyond it the value is treated as garbage and capped. */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;

/**
 * Body `retry_after` above this many units is suspect: API v6 and older sent milliseconds
 * (`6457`), v8+ sends seconds (`6.457`). Discord's per-webhook waits are seconds, never 16+ minutes.
 */
export const LEGACY_MS_THRESHOLD = 1_000;

/** Parse the `Retry-After` header (seconds; an HTTP-date too when `now` is known), in ms. */
export function retryAfterHeaderMs(headers: ReadonlyMap<string, string>, now?: number): number | undefined {
  const raw = headers.get('retry-after');
  if (raw === undefined) return undefined;
  const seconds = parseDecimal(raw);
  if (seconds !== undefined) return secondsToMs(seconds);
  if (now === undefined) return undefined;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Body `retry_after` in ms. Seconds (v10's unit) unless ALL of: the value is an integer above
 * `LEGACY_MS_THRESHOLD`, a `Retry-After` header is present, and that header agrees with reading the body as
 * milliseconds (within the header's 1 s rounding). Without such a header a big value stays seconds: a
 * longer wait is the safe error, a shorter one risks a ban.
 */
export function retryAfterBodyMs(body: Record<string, unknown> | undefined, headerMs?: number): number | undefined {
  const raw = body?.['retry_after'];
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? parseDecimal(raw) : undefined;
  if (value === undefined || !Number.isFinite(value) || value < 0) return undefined;
  const looksLegacy = value > LEGACY_MS_THRESHOLD && Number.isInteger(value);
  if (looksLegacy && headerMs !== undefined && Math.abs(headerMs - value) <= 1_000) return value;
  return secondsToMs(value);
}

/** True for `"true"`, `"1"` (any case). */
function isTruthyHeader(value: string | undefined): boolean {
  return value !== undefined && /^(true|1)$/i.test(value);
}

/**
 * Which limit was hit, checked in this order:
 * no `X-RateLimit-*` header at all → `cloudflare`; body `global: true`, `X-RateLimit-Global` or
 * `X-RateLimit-Scope: global` → `global`; `X-RateLimit-Scope: shared` → `shared`;
 * `X-RateLimit-Remaining` > 0 → `sublimit` (discord.js's reading); else `webhook`.
 */
export function throttleScope(
  headers: ReadonlyMap<string, string>,
  body: Record<string, unknown> | undefined,
  info: RateLimitInfo,
): ThrottleScope {
  if (!hasRateLimitHeaders(headers)) return 'cloudflare';
  const scope = headers.get('x-ratelimit-scope')?.toLowerCase();
  if (body?.['global'] === true || isTruthyHeader(headers.get('x-ratelimit-global')) || scope === 'global') {
    return 'global';
  }
  if (scope === 'shared') return 'shared';
  if (info.remaining !== undefined && info.remaining > 0) return 'sublimit';
  return 'webhook';
}

/**
 * Classify a 429: wait the LARGER of `Retry-After` and body `retry_after` (docs/discord.md: "prefer the
 * larger"), else `X-RateLimit-Reset-After`, else `DEFAULT_RETRY_AFTER_MS`; capped at `MAX_RETRY_AFTER_MS`;
 * a Cloudflare ban waits at least `CLOUDFLARE_BAN_MIN_MS`.
 */
export function classifyThrottle(
  headers: ReadonlyMap<string, string>,
  body: Record<string, unknown> | undefined,
  info: RateLimitInfo,
  now?: number,
): Omit<Throttle, 'status' | 'rateLimit'> {
  const headerMs = retryAfterHeaderMs(headers, now);
  const bodyMs = retryAfterBodyMs(body, headerMs);
  const named = headerMs === undefined && bodyMs === undefined ? undefined : Math.max(headerMs ?? 0, bodyMs ?? 0);
  let retryAfterMs = Math.min(named ?? info.resetAfterMs ?? DEFAULT_RETRY_AFTER_MS, MAX_RETRY_AFTER_MS);
  const scope = throttleScope(headers, body, info);
  if (scope === 'cloudflare') retryAfterMs = Math.max(retryAfterMs, CLOUDFLARE_BAN_MIN_MS);
  const message = typeof body?.['message'] === 'string' ? `: ${body['message']}` : '';
  return {
    kind: 'throttle',
    retryAfterMs,
    scope,
    reason: scope === 'cloudflare' ? 'cloudflare_ban' : 'throttled',
    detail: safeDetail(`HTTP 429 (${scope}, retry after ${retryAfterMs} ms)${message}`),
  };
}
