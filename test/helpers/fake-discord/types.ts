import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Pings } from './pings.js';

/** One webhook the fake knows about, registered up front (or later with `addWebhook`). */
export interface FakeWebhook {
  /** Snowflake-like id, the path segment after `/webhooks/`. */
  readonly id: string;
  /** Secret token, the last path segment. A wrong one answers 401 code 50027. */
  readonly token: string;
  /** Channel the webhook posts into; several webhooks may share one (and its 30/min limit). */
  readonly channelId: string;
  /** Default name shown by `GET` and as author of stored messages. */
  readonly name?: string;
  /** Guild id returned by `GET` (default `"1"`). */
  readonly guildId?: string;
  /**
   * A forum channel: Discord then requires `thread_name` or `?thread_id=` (220001); in a non-forum
   * channel `thread_name` is refused (220003). Default false.
   */
  readonly forum?: boolean;
  /**
   * Threads of the webhook's channel that exist up front. `?thread_id=` must name one of these or a post
   * a `thread_name` message opened in this channel: any other (deleted, or of another channel) is
   * 404 Unknown Channel (10003).
   */
  readonly threads?: readonly string[];
}

/** A limit of `limit` hits per `windowMs`. */
export interface WindowLimit {
  readonly limit: number;
  readonly windowMs: number;
}

/** Rate-limit settings; `false` switches one limit off (its headers disappear too). */
export interface FakeRateLimitOptions {
  /** Per-webhook bucket (fixed window from the first request). Default 5 / 2000 ms (folklore). */
  readonly webhook?: WindowLimit | false;
  /** Per-channel sliding window over stored messages. Default 30 / 60000 ms (folklore). */
  readonly channel?: WindowLimit | false;
  /** Global gate over every webhook request (sliding window). Default 50 / 1000 ms (documented). */
  readonly global?: WindowLimit | false;
  /**
   * Cloudflare ban: this many 401/403/429 answers of the fake itself (429 of scope `shared` excepted;
   * injected faults are not counted) within the window ban the IP for one window: every webhook
   * request then answers a 429 with `Retry-After` only and body code 0. Default 10000 / 600000 ms (documented).
   */
  readonly invalid?: WindowLimit | false;
  /**
   * What `X-RateLimit-Bucket` hashes. `'route'` (default) is what Discord does: the bucket string is
   * "non-inclusive of top-level resources", so every webhook shows the SAME bucket for execute and a
   * client must key its queues by bucket + webhook. `'webhook'` gives a distinct hash per webhook.
   */
  readonly bucketHash?: 'route' | 'webhook';
}

/** Options of {@link startFakeDiscord}. */
export interface FakeDiscordOptions {
  readonly webhooks?: readonly FakeWebhook[];
  /** Clock in epoch ms for rate-limit windows, timestamps and snowflakes (default `Date.now`). */
  readonly now?: () => number;
  readonly rateLimits?: FakeRateLimitOptions;
  /** Bodies larger than this answer 413 (default 1 MiB; Discord's JSON cap is far larger). */
  readonly maxBodyBytes?: number;
}

/**
 * Answer with this status (and body; defaults are Discord's / Cloudflare's real bodies). A JSON body carries the
 * bucket's X-RateLimit-* headers; a text/HTML one (Cloudflare's 502/503/504 page) carries none.
 */
export interface StatusFault {
  readonly status: number;
  /** A string is sent as text/plain, anything else as JSON. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}
/** Read the request, then destroy the socket without answering. */
export interface ResetFault {
  readonly kind: 'reset';
}
/** Never answer; `close()` or `reset()` destroys the socket (the client then sees an error). */
export interface HangFault {
  readonly kind: 'hang';
}
/** A Discord 429 with its headers (bucket scope `user`, or the global gate). */
export interface RateLimitFault {
  readonly kind: '429';
  readonly retryAfter: number;
  readonly global?: boolean;
}
/** Cloudflare's ban: 429 with `Retry-After` only, no X-RateLimit headers, body code 0. */
export interface CloudflareFault {
  readonly kind: '429-cloudflare';
  readonly retryAfter: number;
}
/** Wait `ms` (real time), then answer normally: for client timeouts. */
export interface DelayFault {
  readonly kind: 'delay';
  readonly ms: number;
}

/** One injected misbehaviour, consumed FIFO by the next request to its webhook. */
export type Fault = StatusFault | ResetFault | HangFault | RateLimitFault | CloudflareFault | DelayFault;

/** A message the fake accepted (and Discord would have stored). */
export interface RecordedMessage {
  /** Snowflake of the message (as returned with `?wait=true`). */
  readonly id: string;
  readonly webhookId: string;
  /** The webhook's channel (the parent channel when posted into a thread). */
  readonly channelId: string;
  /** `?thread_id=` when given, or the id of the thread created by `thread_name`. */
  readonly threadId?: string;
  readonly threadName?: string;
  /** The parsed JSON body, as sent. */
  readonly body: Readonly<Record<string, unknown>>;
  /** Whether the body carried `allowed_mentions` (we promise it on every request). */
  readonly allowedMentionsPresent: boolean;
  /** Who Discord would ping: from `content` only, as `allowed_mentions` lets it. */
  readonly pings: Pings;
  /** The `vN` of the path, or null for the unversioned `/api/webhooks/...`. */
  readonly apiVersion: number | null;
  /** Whether `?wait=true` was asked. */
  readonly wait: boolean;
  /** Fake clock time (epoch ms). */
  readonly receivedAt: number;
}

/** What happened to a request: answered, socket reset, hanging, or still pending (paused/delayed). */
export type RequestOutcome = 'answered' | 'reset' | 'hang' | 'pending';

/** Every request the fake received, stored or not. */
export interface RecordedRequest {
  readonly seq: number;
  readonly method: string;
  /** Path and query as received (it contains the token: this is a test double). */
  readonly url: string;
  readonly webhookId?: string;
  readonly apiVersion: number | null;
  readonly headers: IncomingHttpHeaders;
  rawBody: string;
  /** Null until answered (and forever for reset/hang). */
  status: number | null;
  responseHeaders: OutgoingHttpHeaders;
  responseBody: unknown;
  outcome: RequestOutcome;
  fault?: Fault;
  readonly receivedAt: number;
  /** `performance.now()` when the request's headers arrived: real time even under a fake clock (bench latency). */
  readonly arrivedAt: number;
}

/** Counters by response status. */
export interface FakeStats {
  /** Requests received (answered or not). */
  requests: number;
  /** Answered responses by HTTP status. */
  byStatus: Record<number, number>;
  status2xx: number;
  status400: number;
  status401: number;
  status404: number;
  status429: number;
  status5xx: number;
  /** Sockets destroyed by a `reset` fault. */
  resets: number;
  /** Requests left hanging by a `hang` fault. */
  hangs: number;
  /** Messages stored. */
  messages: number;
}
