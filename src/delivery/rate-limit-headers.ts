/**
 * Reading Discord's rate-limit headers, which come on every response (discord docs topics/rate-limits,
 * "Header Format"): `X-RateLimit-Limit`, `-Remaining`, `-Reset` (epoch seconds), `-Reset-After` (seconds,
 * fractional), `-Bucket`, and on a 429 also `-Global`, `-Scope` and `Retry-After`.
 */

/** Response headers as undici gives them (`IncomingHttpHeaders`); names in any case. */
export type HeaderMap = Readonly<Record<string, string | readonly string[] | undefined>>;

/** What the headers of one response say about the webhook's bucket. Absent headers stay `undefined`. */
export interface RateLimitInfo {
  /** `X-RateLimit-Limit`: requests allowed per reset period. */
  limit?: number;
  /** `X-RateLimit-Remaining`: requests left before the reset. */
  remaining?: number;
  /** `X-RateLimit-Reset-After` in milliseconds: time until the bucket resets. */
  resetAfterMs?: number;
  /** `X-RateLimit-Reset` in epoch milliseconds (Discord's clock; prefer `resetAfterMs`). */
  resetAt?: number;
  /** `X-RateLimit-Bucket`: Discord's opaque bucket id. */
  bucket?: string;
}

const RATE_LIMIT_PREFIX = 'x-ratelimit-';

/** Headers with lower-cased names, first value of repeated headers, empty/absent values dropped. */
export function normalizeHeaders(headers: HeaderMap | undefined): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  if (!headers) return out;
  for (const [name, raw] of Object.entries(headers)) {
    const value = typeof raw === 'string' ? raw : raw?.[0];
    if (value !== undefined && value.trim() !== '') out.set(name.toLowerCase(), value.trim());
  }
  return out;
}

/** True when any `X-RateLimit-*` header is present: a 429 without them is Cloudflare's ban, not Discord's API. */
export function hasRateLimitHeaders(headers: ReadonlyMap<string, string>): boolean {
  for (const name of headers.keys()) if (name.startsWith(RATE_LIMIT_PREFIX)) return true;
  return false;
}

/**
 * A non-negative decimal number (`"1"`, `"0.25"`, `" 2.5 "`); anything else (`""`, `"-1"`, `"1e3"`, `"abc"`,
 * HTTP-dates) is `undefined`. Strict on purpose: `Number("")` is 0, which would read as "no wait".
 */
export function parseDecimal(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** Seconds (fractional) to whole milliseconds, rounded up so a wait never ends early. */
export function secondsToMs(seconds: number): number {
  return Math.ceil(seconds * 1000);
}

/** Parse the `X-RateLimit-*` headers of any response (success or failure). */
export function parseRateLimitHeaders(headers: HeaderMap | ReadonlyMap<string, string> | undefined): RateLimitInfo {
  const h = headers instanceof Map ? (headers as ReadonlyMap<string, string>) : normalizeHeaders(headers as HeaderMap);
  const info: RateLimitInfo = {};
  const limit = parseDecimal(h.get('x-ratelimit-limit'));
  if (limit !== undefined) info.limit = Math.floor(limit);
  const remaining = parseDecimal(h.get('x-ratelimit-remaining'));
  if (remaining !== undefined) info.remaining = Math.floor(remaining);
  const resetAfter = parseDecimal(h.get('x-ratelimit-reset-after'));
  if (resetAfter !== undefined) info.resetAfterMs = secondsToMs(resetAfter);
  const reset = parseDecimal(h.get('x-ratelimit-reset'));
  if (reset !== undefined) info.resetAt = secondsToMs(reset);
  const bucket = h.get('x-ratelimit-bucket');
  if (bucket !== undefined) info.bucket = bucket;
  return info;
}
