import type { RateLimitSettings } from '../config/types.js';
import type { BreakerState } from './circuit-breaker.js';
import type { RateLimitInfo, ThrottleScope } from './classify.js';

/** Why a request may not go now. */
/** `in_flight`: another replica's request to this webhook is unanswered (Redis store only). */
export type GateReason = 'broken' | 'breaker_open' | 'global_pause' | 'cloudflare_ban' | 'discord_pause' | 'in_flight' | 'rate_limit' | 'global_rate';

/** Answer of `acquire`: go (a slot was consumed everywhere), or wait and ask again (nothing consumed). */
export type GateDecision = { ok: true } | { ok: false; waitMs: number; reason: GateReason };

/** What /api/status shows for one webhook. */
export interface WebhookStatus {
  webhookId: string;
  broken?: { reason: string; since: number };
  breaker: { state: BreakerState; consecutiveFailures: number; openedAt?: number };
  pausedUntil?: number;
  pauseReason?: string;
  rateLimit: { remaining: number; limit: number; resetMs: number };
  discord?: { remaining?: number; limit?: number; resetAt?: number; bucket?: string };
  lastSuccessAt?: number;
  lastError?: { reason: string; detail: string; at: number };
}

/**
 * Everything delivery knows about a webhook's health and limits: our own rate limiter, Discord's bucket
 * headers and 429 pauses, the global gate (50 requests/s per IP and global/Cloudflare pauses), the
 * circuit breaker and the broken mark. One interface so the Redis store can share it across replicas
 * (a 429 seen by one replica pauses all of them).
 */
export interface WebhookState {
  /**
   * May a request go to this webhook now? Checks, in order: broken, breaker, global pause, Discord pause,
   * our rate limit, the global request rate; consumes a slot only when all allow it.
   */
  acquire(webhookId: string, limits: RateLimitSettings, now: number): Promise<GateDecision>;
  /**
   * After every response or transport error of a request `acquire` let through (`info`: Discord's
   * X-RateLimit-* headers, when any): pause the bucket at Remaining 0, then end the request (Redis: other
   * replicas may send to the webhook again); its global slot is held one second more from `now`.
   */
  onResponse(webhookId: string, info: RateLimitInfo | undefined, now: number): Promise<void>;
  /** A 429: pause this webhook, or all webhooks for `global` / `cloudflare`. */
  onThrottle(webhookId: string, scope: ThrottleScope, untilTs: number, now: number): Promise<void>;
  /**
   * Discord answered (2xx, or a 400 about the body): the webhook is healthy, so the breaker closes.
   * `delivered` false (a 400, a dry run) leaves "last success" alone: it means a message Discord accepted.
   */
  onSuccess(webhookId: string, now: number, delivered?: boolean): Promise<void>;
  /**
   * Discord answered and refused the message (a 400): healthy as `onSuccess(…, false)` (the breaker
   * closes, last success stays), and the refusal is the last error, so a channel refusing every message
   * does not show "ok" with no error in `/api/status`.
   */
  onRefused(webhookId: string, reason: string, detail: string, now: number): Promise<void>;
  /** A retryable failure (5xx, timeout, reset): counts toward the breaker. */
  onFailure(webhookId: string, reason: string, detail: string, now: number): Promise<void>;
  markBroken(webhookId: string, reason: string, now: number): Promise<void>;
  clearBroken(webhookId: string): Promise<void>;
  isBroken(webhookId: string): Promise<boolean>;
  status(webhookId: string, limits: RateLimitSettings, now: number): Promise<WebhookStatus>;
}
