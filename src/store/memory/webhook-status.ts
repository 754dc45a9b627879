/**
 * The per-webhook record of `MemoryWebhookState` and how `/api/status` reads it. Pure functions over the
 * building blocks' own `status()` / `peek()`: reading never changes state.
 */
import type { RateLimitSettings } from '../../config/types.js';
import type { CircuitBreaker } from '../../delivery/circuit-breaker.js';
import type { DiscordBucket } from '../../delivery/discord-bucket.js';
import type { GlobalGateStatus } from '../../delivery/global-gate.js';
import { replaceRateLimiter } from '../../delivery/rate-limiter.js';
import type { LimiterSnapshot, RateLimiter } from '../../delivery/rate-limiter.js';
import type { WebhookStatus } from '../../delivery/webhook-state.js';

/** One webhook's state. The limiter exists once `acquire` has seen the webhook's settings. */
export interface WebhookEntry {
  limiter?: { settings: RateLimitSettings; limiter: RateLimiter };
  bucket: DiscordBucket;
  breaker: CircuitBreaker;
  broken?: { reason: string; since: number };
  lastSuccessAt?: number;
  lastError?: { reason: string; detail: string; at: number };
}

/** Same algorithm, rate and burst: the existing limiter stays; otherwise it is rebuilt (config reload). */
export function sameSettings(a: RateLimitSettings, b: RateLimitSettings): boolean {
  return a.algorithm === b.algorithm && a.perMinute === b.perMinute && a.burst === b.burst;
}

/** Everything `/api/status` shows for one webhook, given the global gate's status at the same `now`. */
export function webhookStatus(
  webhookId: string,
  entry: WebhookEntry,
  global: GlobalGateStatus,
  limits: RateLimitSettings,
  now: number,
): WebhookStatus {
  const { breaker } = entry;
  const status: WebhookStatus = {
    webhookId,
    breaker: { state: breaker.state(now), consecutiveFailures: breaker.consecutiveFailures },
    rateLimit: limiterSnapshot(entry, limits, now),
  };
  if (breaker.openedAt !== undefined) status.breaker.openedAt = breaker.openedAt;
  if (entry.broken !== undefined) status.broken = { ...entry.broken };
  addPause(status, entry.bucket, global, now);
  const discord = discordStatus(entry.bucket, now);
  if (discord !== undefined) status.discord = discord;
  if (entry.lastSuccessAt !== undefined) status.lastSuccessAt = entry.lastSuccessAt;
  if (entry.lastError !== undefined) status.lastError = { ...entry.lastError };
  return status;
}

/** The limiter as `acquire` would see it: the one `replaceRateLimiter` builds when none exists yet or the settings changed. */
function limiterSnapshot(entry: WebhookEntry, limits: RateLimitSettings, now: number): LimiterSnapshot {
  const current = entry.limiter;
  const limiter = current !== undefined && sameSettings(current.settings, limits) ? current.limiter : replaceRateLimiter(current?.limiter, limits, now);
  return limiter.peek(now);
}

/** The active pause that ends last, global or the webhook's own; nothing when neither is active. */
function addPause(status: WebhookStatus, bucket: DiscordBucket, global: GlobalGateStatus, now: number): void {
  const own = bucket.status(now);
  if (global.paused && (!own.paused || global.pausedUntil >= own.pausedUntil)) {
    status.pausedUntil = global.pausedUntil;
    if (global.reason !== undefined) status.pauseReason = global.reason;
  } else if (own.paused) {
    status.pausedUntil = own.pausedUntil;
    if (own.reason !== undefined) status.pauseReason = own.reason;
  }
}

/** Last seen Discord headers; `resetAt` while the bucket is paused. `undefined` when nothing is known. */
function discordStatus(bucket: DiscordBucket, now: number): WebhookStatus['discord'] {
  const s = bucket.status(now);
  const out: NonNullable<WebhookStatus['discord']> = {};
  if (s.remaining !== undefined) out.remaining = s.remaining;
  if (s.limit !== undefined) out.limit = s.limit;
  if (s.bucket !== undefined) out.bucket = s.bucket;
  if (s.paused) out.resetAt = s.pausedUntil;
  return Object.keys(out).length === 0 ? undefined : out;
}
