/**
 * `/api/status` for `RedisWebhookState`: the webhook's state hash, read back into the in-process building
 * blocks (`CircuitBreaker.fromJSON`, `DiscordBucket.fromJSON`) and handed to the memory store's
 * `webhookStatus`, so both stores describe a webhook the same way.
 */
import type { RateLimitSettings } from '../../config/types.js';
import { CircuitBreaker, type CircuitBreakerOptions } from '../../delivery/circuit-breaker.js';
import { DiscordBucket, type BucketPauseReason } from '../../delivery/discord-bucket.js';
import type { GlobalGateStatus, GlobalPauseReason } from '../../delivery/global-gate.js';
import type { LimiterSnapshot } from '../../delivery/rate-limiter.js';
import type { WebhookStatus } from '../../delivery/webhook-state.js';
import { webhookStatus, type WebhookEntry } from '../memory/webhook-status.js';

/** A finite number from a hash field, else undefined. */
export function numberField(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** The global pause from the gate's hash (`HMGET until reason`). */
export function globalPause(fields: ReadonlyArray<string | null>, now: number): { paused: boolean; pausedUntil: number; reason: GlobalPauseReason } {
  const pausedUntil = numberField(fields[0]) ?? 0;
  const reason: GlobalPauseReason = fields[1] === 'cloudflare' ? 'cloudflare' : 'global';
  return { paused: now < pausedUntil, pausedUntil, reason };
}

export interface StatusParts {
  webhookId: string;
  /** HGETALL of the webhook's state hash (`{}` for an unknown webhook). */
  hash: Record<string, string>;
  limiter: LimiterSnapshot;
  gate: GlobalGateStatus;
  limits: RateLimitSettings;
  breakerOptions: CircuitBreakerOptions;
  now: number;
}

/** The webhook's status from what one round trip read. */
export function redisWebhookStatus(parts: StatusParts): WebhookStatus {
  const { hash, limiter } = parts;
  const openedAt = numberField(hash['openedAt']) ?? null;
  const entry: WebhookEntry = {
    breaker: CircuitBreaker.fromJSON(
      { consecutiveFailures: numberField(hash['failures']) ?? 0, openedAt, probeAt: numberField(hash['probeAt']) ?? null },
      parts.breakerOptions,
    ),
    bucket: DiscordBucket.fromJSON({
      pausedUntil: numberField(hash['pausedUntil']) ?? 0,
      ...(hash['pauseReason'] === undefined ? {} : { reason: hash['pauseReason'] as BucketPauseReason }),
      ...optional('limit', numberField(hash['discordLimit'])),
      ...optional('remaining', numberField(hash['discordRemaining'])),
      ...optional('bucket', hash['discordBucket']),
    }),
    // The snapshot was taken for `limits` (carried over when the stored settings differ), so it is the one to show.
    limiter: { settings: parts.limits, limiter: { take: () => ({ ok: false, waitMs: 1 }), peek: () => limiter } },
  };
  const since = numberField(hash['brokenSince']);
  if (since !== undefined) entry.broken = { reason: hash['brokenReason'] ?? '', since };
  const lastSuccessAt = numberField(hash['lastSuccessAt']);
  if (lastSuccessAt !== undefined) entry.lastSuccessAt = lastSuccessAt;
  const errorAt = numberField(hash['lastErrorAt']);
  if (errorAt !== undefined) {
    entry.lastError = { reason: hash['lastErrorReason'] ?? '', detail: hash['lastErrorDetail'] ?? '', at: errorAt };
  }
  return webhookStatus(parts.webhookId, entry, parts.gate, parts.limits, parts.now);
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
