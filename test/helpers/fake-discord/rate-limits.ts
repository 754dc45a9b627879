import { createHash } from 'node:crypto';
import type { FakeRateLimitOptions, WindowLimit } from './types.js';
import type { Reply } from './reply.js';

/**
 * Defaults. Global 50 req/s per IP for unauthenticated calls is documented
 * (discord.com/developers/docs/topics/rate-limits#global-rate-limit); 5 / 2 s per webhook and
 * 30 messages / min per channel are folklore (docs/discord.md): we enforce them so senders design for them.
 * 10,000 invalid responses (401, 403, 429 except scope `shared`) per 10 min → Cloudflare ban of the IP is
 * documented (topics/rate-limits#invalid-request-limit-aka-cloudflare-bans).
 */
export const DEFAULT_FAKE_RATE_LIMITS = {
  webhook: { limit: 5, windowMs: 2_000 },
  channel: { limit: 30, windowMs: 60_000 },
  global: { limit: 50, windowMs: 1_000 },
  invalid: { limit: 10_000, windowMs: 600_000 },
} as const satisfies Record<string, WindowLimit>;

/** Routes with their own bucket, as Discord has (execute and get-webhook differ). */
export type BucketRoute = 'execute' | 'get';

/** A limiter's verdict. */
export type Gate = { allowed: true } | { allowed: false; retryAfterMs: number };

/** A sliding window of hits per key: at most `limit` within any `windowMs`. */
export class SlidingWindow {
  private readonly hits = new Map<string, number[]>();

  constructor(readonly rule: WindowLimit) {}

  /** Whether one more hit is allowed now; if not, when the oldest hit leaves the window. */
  check(key: string, now: number): Gate {
    const hits = (this.hits.get(key) ?? []).filter((t) => t > now - this.rule.windowMs);
    this.hits.set(key, hits);
    if (hits.length < this.rule.limit) return { allowed: true };
    const oldest = hits[hits.length - this.rule.limit] ?? now;
    return { allowed: false, retryAfterMs: Math.max(1, oldest + this.rule.windowMs - now) };
  }

  /** Counts one hit. */
  record(key: string, now: number): void {
    const hits = this.hits.get(key) ?? [];
    hits.push(now);
    this.hits.set(key, hits);
  }

  clear(): void {
    this.hits.clear();
  }
}

interface BucketState {
  remaining: number;
  resetAt: number;
}

/** Result of taking from a webhook bucket: the verdict plus the headers Discord sends with it. */
export interface BucketTake {
  readonly gate: Gate;
  readonly headers: Record<string, string>;
}

/**
 * Discord-style buckets: a fixed window opened by the first request, `limit` requests in it, and the
 * X-RateLimit-* headers on every response. Keyed by route + webhook id + token (the "major parameter").
 */
export class WebhookBuckets {
  private readonly state = new Map<string, BucketState>();

  constructor(
    readonly rule: WindowLimit,
    private readonly hashMode: 'route' | 'webhook',
  ) {}

  /** Takes one request from the bucket of `key` (a 429 when it is empty). */
  take(route: BucketRoute, key: string, now: number): BucketTake {
    const bucket = this.current(route, key, now);
    if (bucket.remaining === 0) {
      return { gate: { allowed: false, retryAfterMs: bucket.resetAt - now }, headers: this.headers(route, key, now) };
    }
    bucket.remaining -= 1;
    return { gate: { allowed: true }, headers: this.headers(route, key, now) };
  }

  /** The headers of the bucket without taking from it (for fault replies). */
  headers(route: BucketRoute, key: string, now: number): Record<string, string> {
    const bucket = this.current(route, key, now);
    return {
      'x-ratelimit-limit': String(this.rule.limit),
      'x-ratelimit-remaining': String(bucket.remaining),
      'x-ratelimit-reset': (bucket.resetAt / 1000).toFixed(3),
      'x-ratelimit-reset-after': (Math.max(0, bucket.resetAt - now) / 1000).toFixed(3),
      'x-ratelimit-bucket': this.hash(route, key),
    };
  }

  clear(): void {
    this.state.clear();
  }

  private current(route: BucketRoute, key: string, now: number): BucketState {
    const id = `${route}:${key}`;
    let bucket = this.state.get(id);
    if (bucket === undefined || now >= bucket.resetAt) {
      bucket = { remaining: this.rule.limit, resetAt: now + this.rule.windowMs };
      this.state.set(id, bucket);
    }
    return bucket;
  }

  private hash(route: BucketRoute, key: string): string {
    // Discord's bucket excludes top-level resources: same string for every webhook on a route.
    const source = this.hashMode === 'route' ? route : `${route}:${key.split(':')[0] ?? key}`;
    return createHash('sha256').update(`fake-discord:${source}`).digest('hex').slice(0, 32);
  }
}

/** Where a 429 comes from. */
export type RateLimitScope = 'user' | 'shared' | 'global';

/**
 * A Discord 429: `Retry-After` in whole seconds rounded up, body `retry_after` in float seconds.
 * Scope choice: the per-webhook bucket answers `user` (as Discord does for route buckets). The
 * per-channel limit answers `shared`: the docs call `shared` a "per resource limit", which is what a
 * channel shared by several webhooks is, and it has the "resource is being rate limited" body.
 * The global gate answers `X-RateLimit-Global: true` and no bucket headers, as in Discord's example.
 */
export function rateLimitedReply(
  scope: RateLimitScope,
  retryAfterMs: number,
  bucketHeaders: Readonly<Record<string, string>> = {},
): Reply {
  const seconds = Math.max(0.001, retryAfterMs / 1000);
  const headers: Record<string, string> = {
    ...(scope === 'global' ? {} : bucketHeaders),
    'retry-after': String(Math.ceil(seconds)),
    'x-ratelimit-scope': scope,
  };
  if (scope === 'global') headers['x-ratelimit-global'] = 'true';
  const message = scope === 'shared' ? 'The resource is being rate limited.' : 'You are being rate limited.';
  return {
    status: 429,
    headers,
    body: { message, retry_after: Number(seconds.toFixed(3)), global: scope === 'global' },
  };
}

/** Whether Discord counts a response toward the Cloudflare ban: 401, 403, 429 unless its scope is `shared`. */
export function isInvalidRequest(reply: Reply): boolean {
  if (reply.status === 401 || reply.status === 403) return true;
  return reply.status === 429 && reply.headers['x-ratelimit-scope'] !== 'shared';
}

/**
 * Cloudflare's ban: `limit` invalid responses within `windowMs` ban the IP (the fake has one client
 * address) for one window from the response that reached the limit.
 */
export class InvalidRequestBan {
  private readonly window: SlidingWindow;
  private bannedUntil = 0;

  constructor(readonly rule: WindowLimit) {
    this.window = new SlidingWindow(rule);
  }

  /** Counts one invalid response; the one that reaches the limit starts the ban. */
  record(now: number): void {
    this.window.record('ip', now);
    if (!this.window.check('ip', now).allowed) this.bannedUntil = now + this.rule.windowMs;
  }

  /** Milliseconds the ban still lasts, 0 when not banned. */
  remainingMs(now: number): number {
    return Math.max(0, this.bannedUntil - now);
  }

  clear(): void {
    this.window.clear();
    this.bannedUntil = 0;
  }
}

/** The limiters of one fake, each null when switched off. */
export class FakeRateLimits {
  readonly global: SlidingWindow | null;
  readonly channel: SlidingWindow | null;
  readonly buckets: WebhookBuckets | null;
  readonly invalid: InvalidRequestBan | null;

  constructor(options: FakeRateLimitOptions = {}) {
    const pick = (v: WindowLimit | false | undefined, d: WindowLimit): WindowLimit | null =>
      v === false ? null : (v ?? d);
    const global = pick(options.global, DEFAULT_FAKE_RATE_LIMITS.global);
    const channel = pick(options.channel, DEFAULT_FAKE_RATE_LIMITS.channel);
    const webhook = pick(options.webhook, DEFAULT_FAKE_RATE_LIMITS.webhook);
    this.global = global === null ? null : new SlidingWindow(global);
    this.channel = channel === null ? null : new SlidingWindow(channel);
    this.buckets = webhook === null ? null : new WebhookBuckets(webhook, options.bucketHash ?? 'route');
    const invalid = pick(options.invalid, DEFAULT_FAKE_RATE_LIMITS.invalid);
    this.invalid = invalid === null ? null : new InvalidRequestBan(invalid);
  }

  /** Forgets every window and bucket. */
  clear(): void {
    this.global?.clear();
    this.channel?.clear();
    this.buckets?.clear();
    this.invalid?.clear();
  }
}
