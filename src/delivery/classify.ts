/**
 * THE failure classifier: every delivery attempt (a response, or a transport error) goes through
 * `classify`, and only its answer decides retry, throttle, dead-letter or broken-mark (architecture
 * "Rules of the house", "Delivery semantics"; status rules from docs/discord.md and discord docs
 * topics/rate-limits, topics/opcodes-and-status-codes).
 */
import type { FailureReason } from '../model/outcome.js';
import { bodyToRecord, bodyToText, safeDetail } from './detail-text.js';
import { classifyThrottle, MAX_RETRY_AFTER_MS, retryAfterHeaderMs } from './classify-throttle.js';
import { classifyTransportError } from './classify-transport.js';
import { normalizeHeaders, parseRateLimitHeaders } from './rate-limit-headers.js';
import type { HeaderMap, RateLimitInfo } from './rate-limit-headers.js';

export { parseRateLimitHeaders } from './rate-limit-headers.js';
export type { HeaderMap, RateLimitInfo } from './rate-limit-headers.js';
export { redactUrls } from '../lib/redact-urls.js';

/** One attempt's result as the sender saw it: a response (status, headers, body) or a transport error. */
export interface ClassifyInput {
  status?: number;
  headers?: HeaderMap;
  /** Parsed JSON, text or bytes. */
  body?: unknown;
  /** What the HTTP client threw (undici errors, AbortError/TimeoutError, system errors such as ECONNRESET). */
  error?: unknown;
  /** Epoch ms when the response arrived; only needed to read an HTTP-date `Retry-After`. */
  now?: number;
}

/** Every scope a 429 can have (metrics show each from the start). */
export const THROTTLE_SCOPES = ['webhook', 'global', 'cloudflare', 'sublimit', 'shared'] as const;
/** Where a 429 came from; decides what to pause (one webhook, or every webhook). */
export type ThrottleScope = (typeof THROTTLE_SCOPES)[number];

interface Base {
  /** HTTP status; absent for transport errors. */
  status?: number;
  /** The response's `X-RateLimit-*` headers; feed them to the webhook's bucket after EVERY response. */
  rateLimit?: RateLimitInfo;
}

/**
 * 2xx: delivered. `messageId` and `channelId` come from the message object `?wait=true` returns; in a forum
 * the channel is the post (thread) the message created or went to.
 */
export interface Success extends Base {
  kind: 'success';
  messageId?: string;
  channelId?: string;
}

/** 429: wait `retryAfterMs`, then resend. Not a failure for the breaker; uses no retry attempt. */
export interface Throttle extends Base {
  kind: 'throttle';
  retryAfterMs: number;
  scope: ThrottleScope;
  reason: Extract<FailureReason, 'throttled' | 'cloudflare_ban'>;
  detail: string;
}

/** Worth another attempt after backoff (5xx, 408, timeouts, network, unexpected 1xx). */
export interface Retryable extends Base {
  kind: 'retryable';
  reason: Extract<FailureReason, 'server_error' | 'timeout' | 'network' | 'unexpected'>;
  detail: string;
  /** A `Retry-After` the server sent with a 5xx: wait at least this long. */
  retryAfterMs?: number;
}

/** Resending the same request cannot help: dead-letter at once, with Discord's error body as `detail`. */
export interface Permanent extends Base {
  kind: 'permanent';
  reason: Extract<FailureReason, 'invalid_body' | 'unexpected'>;
  discordCode?: number;
  detail: string;
}

/** The webhook is gone or its token is wrong: mark it broken and stop hitting it. */
export interface Broken extends Base {
  kind: 'broken';
  reason: Extract<FailureReason, 'broken_webhook'>;
  discordCode?: number;
  detail: string;
}

/** The classifier's answer, switch on `kind`. */
export type Classification = Success | Throttle | Retryable | Permanent | Broken;

/**
 * Statuses that mean the webhook itself is unusable: 401 (50027 Invalid Webhook Token), 403, 404
 * (10015 Unknown Webhook). Discord counts them toward its 10,000-per-10-minutes Cloudflare ban
 * (discord docs topics/rate-limits, "Invalid Request Limit"), so we must stop using the webhook.
 */
export const BROKEN_WEBHOOK_STATUSES: ReadonlySet<number> = new Set([401, 403, 404]);

/** Discord JSON error codes meaning the same, whatever the status (discord docs topics/opcodes-and-status-codes). */
export const DISCORD_CODE_UNKNOWN_WEBHOOK = 10015;
export const DISCORD_CODE_INVALID_WEBHOOK_TOKEN = 50027;
const BROKEN_WEBHOOK_CODES: ReadonlySet<number> = new Set([
  DISCORD_CODE_UNKNOWN_WEBHOOK,
  DISCORD_CODE_INVALID_WEBHOOK_TOKEN,
]);

/**
 * 10003 Unknown Channel (discord docs topics/opcodes-and-status-codes). Deleting a channel deletes its
 * webhooks (they then answer 10015), so on an execute this names the `?thread_id=` thread: deleted, or
 * not in the webhook's channel. The webhook itself works, and other alert types may post through it
 * (into other threads, or none): the message is what is wrong, not the webhook — never broken for it.
 */
export const DISCORD_CODE_UNKNOWN_CHANNEL = 10003;

/**
 * Classify one attempt. A status, when present, decides (an error while reading the body does not undo an
 * answer Discord gave: a 200 whose body timed out was stored); the error is looked at only without a status.
 *
 * - 2xx → success · 1xx (not a final answer) → retryable `unexpected`
 * - 3xx → permanent `unexpected`: redirects are never followed (SSRF guard)
 * - 429 → throttle (see `classifyThrottle`) · 408 → retryable `timeout` · 5xx → retryable `server_error`
 * - 401/403/404, or body code 10015/50027 on any 4xx → broken, except code 10003 (a thread gone, not the
 *   webhook) → permanent · other 4xx (400, 413, 422 …) → permanent
 * - no status: transport error (see `classifyTransportError`)
 */
export function classify(input: ClassifyInput): Classification {
  const { status } = input;
  if (status === undefined) {
    if (input.error === undefined) {
      return { kind: 'retryable', reason: 'unexpected', detail: 'neither a response nor an error' };
    }
    return classifyTransportError(input.error);
  }
  const headers = normalizeHeaders(input.headers);
  const base: Base = { status, rateLimit: parseRateLimitHeaders(headers) };
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    return { ...base, kind: 'retryable', reason: 'unexpected', detail: `HTTP ${status}: not a valid status` };
  }
  if (status < 200) {
    return { ...base, kind: 'retryable', reason: 'unexpected', detail: `HTTP ${status}: informational, no final answer` };
  }
  const record = bodyToRecord(input.body);
  if (status < 300) {
    const id = record?.['id'];
    const channelId = record?.['channel_id'];
    return {
      ...base,
      kind: 'success',
      ...(typeof id === 'string' ? { messageId: id } : {}),
      ...(typeof channelId === 'string' ? { channelId } : {}),
    };
  }
  if (status < 400) {
    return { ...base, kind: 'permanent', reason: 'unexpected', detail: `HTTP ${status}: redirect not followed` };
  }
  if (status === 429) return { ...base, ...classifyThrottle(headers, record, base.rateLimit ?? {}, input.now) };
  const detail = responseDetail(status, input.body);
  if (status === 408) return { ...base, kind: 'retryable', reason: 'timeout', detail };
  if (status >= 500) {
    // Capped like a 429's wait: an absurd header must not park the webhook's whole queue for weeks.
    const header = retryAfterHeaderMs(headers, input.now);
    const result: Retryable = { ...base, kind: 'retryable', reason: 'server_error', detail };
    return header === undefined ? result : { ...result, retryAfterMs: Math.min(header, MAX_RETRY_AFTER_MS) };
  }
  return classifyClientError(base, status, record, detail);
}

/** 4xx other than 408/429: broken webhook, or permanent (including a 404 for an unknown thread). */
function classifyClientError(
  base: Base,
  status: number,
  record: Record<string, unknown> | undefined,
  detail: string,
): Broken | Permanent {
  const rawCode = record?.['code'];
  const code = typeof rawCode === 'number' && Number.isInteger(rawCode) ? rawCode : undefined;
  const withCode = code === undefined ? {} : { discordCode: code };
  if (code === DISCORD_CODE_UNKNOWN_CHANNEL) return { ...base, ...withCode, kind: 'permanent', reason: 'invalid_body', detail };
  if (BROKEN_WEBHOOK_STATUSES.has(status) || (code !== undefined && BROKEN_WEBHOOK_CODES.has(code))) {
    return { ...base, ...withCode, kind: 'broken', reason: 'broken_webhook', detail };
  }
  return { ...base, ...withCode, kind: 'permanent', reason: 'invalid_body', detail };
}

/** `HTTP <status>: <body as text>`, URLs redacted, bounded. */
function responseDetail(status: number, body: unknown): string {
  const text = bodyToText(body).trim();
  return safeDetail(text === '' ? `HTTP ${status}` : `HTTP ${status}: ${text}`);
}
