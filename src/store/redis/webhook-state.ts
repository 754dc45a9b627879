/**
 * `WebhookState` shared by every replica through Redis (issue 7): the same semantics as
 * `MemoryWebhookState`, with the state in Lua-updated keys so two replicas together never exceed a
 * webhook's limit and a 429 seen by one pauses all of them.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RateLimitSettings } from '../../config/types.js';
import { CircuitBreaker } from '../../delivery/circuit-breaker.js';
import type { RateLimitInfo, ThrottleScope } from '../../delivery/classify.js';
import { CLOUDFLARE_BAN_MIN_MS } from '../../delivery/classify-throttle.js';
import { DiscordBucket } from '../../delivery/discord-bucket.js';
import { GlobalGate } from '../../delivery/global-gate.js';
import { createRateLimiter } from '../../delivery/rate-limiter.js';
import type { GateDecision, GateReason, WebhookState, WebhookStatus } from '../../delivery/webhook-state.js';
import { BROKEN_RECHECK_MS } from '../memory/webhook-state.js';
import { whenReady } from './connection.js';
import { webhookStateKeys, type WebhookKeys, type WebhookStateKeys } from './webhook-state-keys.js';
import { replyStrings, withWebhookStateScripts, type WebhookStateScriptCommands } from './webhook-state-scripts.js';
import { globalPause, redisWebhookStatus } from './webhook-state-status.js';

export interface RedisWebhookStateOptions {
  /** The store's ioredis connection (shared; see connection.ts for its bounds). The script commands are added to it. */
  redis: Redis;
  /** Start of every key, as the store's (`alertcord`). */
  keyPrefix: string;
  /** Consecutive failures, counted across replicas, that open a webhook's breaker (default 5). */
  failureThreshold?: number;
  /** How long an open breaker refuses before one probe (default 60 s). */
  cooldownMs?: number;
  /** How long a half-open probe holds its slot with no outcome (default: the cooldown; see `CircuitBreakerOptions`). */
  probeLeaseMs?: number;
  /** The global gate's requests per second, for ALL replicas together (default Discord's 50). */
  globalPerSecond?: number;
  /** How long a request whose answer is never reported holds its global slot (see `GlobalGateOptions.inFlightMaxMs`). */
  globalInFlightMaxMs?: number;
  /** Longest wait for the connection to be ready before a call rejects (default 1.5 s). */
  commandTimeoutMs?: number;
}

const DEFAULT_READY_TIMEOUT_MS = 1_500;
/**
 * How long another replica waits at most on a request in flight: longer than Discord takes to answer
 * (well under a second), short enough that a replica killed mid-request holds the webhook up only briefly.
 * A request slower than this lets the next replica send anyway, as before the lease existed.
 */
export const IN_FLIGHT_LEASE_MS = 2_000;
/** How often a replica waiting on another's request in flight asks again (one small script). */
const IN_FLIGHT_POLL_MS = 20;

const refuse = (reason: GateReason, waitMs: number): GateDecision => ({ ok: false, reason, waitMs: Math.max(1, waitMs) });

/** Limiter settings as the scripts take them: the signature names them (a change rebuilds the limiter). */
function limiterArgs(limits: RateLimitSettings): [string, string, number, number] {
  return [`${limits.algorithm}:${limits.perMinute}:${limits.burst}`, limits.algorithm, limits.perMinute, limits.burst];
}

/**
 * `WebhookState` in Redis. One webhook's checks and consumption run in one script on its own slot; the
 * global gate (pause and per-second rate, shared by all replicas) lives in another slot, so `acquire` is
 * a reservation: the webhook script takes the unit (and the half-open probe) when its own checks pass,
 * then the gate script takes the global slot, and a gate refusal gives back exactly what was reserved.
 * Refusals report the first refusing check in `WebhookState.acquire`'s order.
 *
 * Time is the caller's `now` (replicas' clocks should agree, e.g. NTP); a limiter never refills or slides
 * backwards when one replica's clock is behind. Calls reject when Redis is unreachable.
 */
export class RedisWebhookState implements WebhookState {
  readonly #redis: Redis & WebhookStateScriptCommands;
  readonly #keys: WebhookStateKeys;
  readonly #breaker: CircuitBreaker;
  readonly #perSecond: number;
  readonly #inFlightMaxMs: number;
  readonly #readyMs: number;
  /** This instance (replica) as the holder of in-flight leases. */
  readonly #replicaId = randomUUID();
  /** Settings already validated (a config bug throws RangeError, as in memory). */
  readonly #validated = new Set<string>();
  /** Reservations holding a global slot per webhook, oldest first: `onResponse` ends the oldest (see `GlobalGate`). */
  readonly #globalHeld = new Map<string, string[]>();

  /** @throws RangeError on bad breaker or gate options (config bugs). */
  constructor(options: RedisWebhookStateOptions) {
    this.#breaker = new CircuitBreaker({ failureThreshold: options.failureThreshold, cooldownMs: options.cooldownMs, probeLeaseMs: options.probeLeaseMs });
    const gate = new GlobalGate({ perSecond: options.globalPerSecond, inFlightMaxMs: options.globalInFlightMaxMs });
    this.#perSecond = gate.perSecond;
    this.#inFlightMaxMs = gate.inFlightMaxMs;
    this.#redis = withWebhookStateScripts(options.redis);
    this.#keys = webhookStateKeys(options.keyPrefix);
    this.#readyMs = options.commandTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  }

  #ready(): Promise<void> {
    return whenReady(this.#redis, this.#readyMs);
  }

  /** @throws RangeError when the settings are not whole numbers ≥ 1 (see `createRateLimiter`). */
  #limiterArgs(limits: RateLimitSettings): [string, string, number, number] {
    const args = limiterArgs(limits);
    if (!this.#validated.has(args[0])) {
      createRateLimiter(limits);
      this.#validated.add(args[0]);
    }
    return args;
  }

  async acquire(webhookId: string, limits: RateLimitSettings, now: number): Promise<GateDecision> {
    const args = this.#limiterArgs(limits);
    await this.#ready();
    const keys = this.#keys.webhook(webhookId);
    const id = randomUUID();
    const { cooldownMs, probeLeaseMs } = this.#breaker;
    const [ownReply, pauseFields] = await Promise.all([
      this.#redis.alertcordWebhookAcquire(keys.state, keys.window, now, ...args, id, cooldownMs, probeLeaseMs, this.#replicaId, IN_FLIGHT_LEASE_MS, IN_FLIGHT_POLL_MS),
      this.#redis.hmget(this.#keys.gatePause, 'until', 'reason'),
    ]);
    const [own = '', ownWait = '1'] = replyStrings(ownReply);
    if (own === 'broken') return refuse('broken', BROKEN_RECHECK_MS);
    if (own === 'breaker_open') return refuse(own, Number(ownWait));
    const pause = globalPause(pauseFields, now);
    if (pause.paused) {
      if (own === 'ok') await this.#refund(keys, limits, id);
      return refuse(pause.reason === 'cloudflare' ? 'cloudflare_ban' : 'global_pause', pause.pausedUntil - now);
    }
    if (own === 'discord_pause' || own === 'in_flight' || own === 'rate_limit') return refuse(own, Number(ownWait));
    if (own !== 'ok') throw new Error(`unexpected acquire reply: ${own}`);
    const [gate = '', gateWait = '1', gateReason] = replyStrings(
      await this.#redis.alertcordGateTake(this.#keys.gatePause, this.#keys.gateRate, this.#keys.gateFlight, now, this.#perSecond, id, this.#inFlightMaxMs),
    );
    if (gate === 'ok') {
      this.#globalHeld.set(webhookId, [...(this.#globalHeld.get(webhookId) ?? []), id]);
      return { ok: true };
    }
    await this.#refund(keys, limits, id);
    if (gate === 'paused') return refuse(gateReason === 'cloudflare' ? 'cloudflare_ban' : 'global_pause', Number(gateWait));
    return refuse('global_rate', Number(gateWait));
  }

  /** Gives back the unit, probe and in-flight lease reservation `id` took (the gate refused). */
  async #refund(keys: WebhookKeys, limits: RateLimitSettings, id: string): Promise<void> {
    const [signature, algorithm, , burst] = limiterArgs(limits);
    await this.#redis.alertcordWebhookRefund(keys.state, keys.window, signature, algorithm, id, burst);
  }

  /**
   * Also ends this replica's in-flight lease on the webhook, after any pause the headers call for, and the
   * request's hold on its global slot (one second more from now).
   */
  async onResponse(webhookId: string, info: RateLimitInfo | undefined, now: number): Promise<void> {
    await Promise.all([this.#bucketAfter(webhookId, info, now), this.#answered(webhookId, now)]);
  }

  async #bucketAfter(webhookId: string, info: RateLimitInfo | undefined, now: number): Promise<void> {
    if (info === undefined) {
      await this.#bucket(webhookId, now, 0, 'remaining_zero', false, [], this.#replicaId);
      return;
    }
    // The in-process bucket reads the headers (Remaining 0 → pause until Reset-After / Reset / 1 s); Redis keeps the result.
    const read = new DiscordBucket();
    read.update(info, now);
    const s = read.toJSON();
    await this.#bucket(webhookId, now, s.pausedUntil, s.reason ?? 'remaining_zero', false, [s.limit, s.remaining, s.bucket], this.#replicaId);
  }

  /** The oldest global slot this replica holds for the webhook: its request was answered at `now`. */
  async #answered(webhookId: string, now: number): Promise<void> {
    const held = this.#globalHeld.get(webhookId);
    const id = held?.shift();
    if (held?.length === 0) this.#globalHeld.delete(webhookId);
    if (id === undefined) return;
    await this.#ready();
    await this.#redis.alertcordGateAnswered(this.#keys.gatePause, this.#keys.gateRate, this.#keys.gateFlight, now, id);
  }

  /** `global` / `cloudflare` pause every webhook (a Cloudflare ban for at least `CLOUDFLARE_BAN_MIN_MS`); the rest this one. */
  async onThrottle(webhookId: string, scope: ThrottleScope, untilTs: number, now: number): Promise<void> {
    if (scope === 'global' || scope === 'cloudflare') {
      const until = scope === 'cloudflare' ? Math.max(untilTs, now + CLOUDFLARE_BAN_MIN_MS) : untilTs;
      await this.#ready();
      await Promise.all([
        Number.isFinite(until) ? this.#redis.alertcordGatePause(this.#keys.gatePause, until, scope) : undefined,
        this.#bucket(webhookId, now, 0, scope, true, []),
      ]);
      return;
    }
    await this.#bucket(webhookId, now, Number.isFinite(untilTs) ? untilTs : 0, scope, true, []);
  }

  /**
   * Extends the webhook's pause to `until` (0: none), records header values, (a 429) frees a half-open
   * probe, and ends the in-flight lease `leaseHolder` holds (a response came).
   */
  async #bucket(webhookId: string, now: number, until: number, reason: string, releaseProbe: boolean, info: Array<string | number | undefined>, leaseHolder = ''): Promise<void> {
    await this.#ready();
    const [limit, remaining, bucket] = info;
    const { state } = this.#keys.webhook(webhookId);
    const fields = [limit, remaining, bucket].map((v) => (v === undefined ? '' : String(v)));
    await this.#redis.alertcordWebhookBucket(state, now, until, reason, releaseProbe ? '1' : '0', this.#breaker.cooldownMs, ...fields, leaseHolder);
  }

  async onSuccess(webhookId: string, now: number, delivered = true): Promise<void> {
    await this.#ready();
    await this.#redis.alertcordWebhookSuccess(this.#keys.webhook(webhookId).state, now, delivered ? 1 : 0);
  }

  async onRefused(webhookId: string, reason: string, detail: string, now: number): Promise<void> {
    await this.#ready();
    await this.#redis.alertcordWebhookSuccess(this.#keys.webhook(webhookId).state, now, 0, reason, detail);
  }

  async onFailure(webhookId: string, reason: string, detail: string, now: number): Promise<void> {
    await this.#ready();
    const { failureThreshold, cooldownMs } = this.#breaker;
    await this.#redis.alertcordWebhookFailure(this.#keys.webhook(webhookId).state, now, failureThreshold, cooldownMs, reason, detail);
  }

  /** Marking again keeps the first `since` (how long it has been broken) and takes the newer reason. */
  async markBroken(webhookId: string, reason: string, now: number): Promise<void> {
    await this.#ready();
    await this.#redis.alertcordWebhookBroken(this.#keys.webhook(webhookId).state, now, reason);
  }

  async clearBroken(webhookId: string): Promise<void> {
    await this.#ready();
    await this.#redis.hdel(this.#keys.webhook(webhookId).state, 'brokenSince', 'brokenReason');
  }

  async isBroken(webhookId: string): Promise<boolean> {
    await this.#ready();
    return (await this.#redis.hexists(this.#keys.webhook(webhookId).state, 'brokenSince')) === 1;
  }

  /** Read-only, in one round trip: creates no state and does not swap a limiter whose settings changed. */
  async status(webhookId: string, limits: RateLimitSettings, now: number): Promise<WebhookStatus> {
    const args = this.#limiterArgs(limits);
    await this.#ready();
    const keys = this.#keys.webhook(webhookId);
    const [hash, peek, pauseFields, answered, out] = await Promise.all([
      this.#redis.hgetall(keys.state),
      this.#redis.alertcordWebhookPeek(keys.state, keys.window, now, ...args),
      this.#redis.hmget(this.#keys.gatePause, 'until', 'reason'),
      this.#redis.zcount(this.#keys.gateRate, `(${now - 1_000}`, '+inf'),
      this.#redis.zcount(this.#keys.gateFlight, `(${now}`, '+inf'),
    ]);
    const used = answered + out;
    const [remaining, limit, resetMs] = replyStrings(peek).map(Number);
    const pause = globalPause(pauseFields, now);
    return redisWebhookStatus({
      webhookId,
      hash,
      limiter: { remaining: remaining ?? 0, limit: limit ?? 0, resetMs: resetMs ?? 0 },
      gate: { paused: pause.paused, pausedUntil: pause.pausedUntil, perSecond: this.#perSecond, usedInLastSecond: used, ...(pause.paused ? { reason: pause.reason } : {}) },
      limits,
      breakerOptions: { failureThreshold: this.#breaker.failureThreshold, cooldownMs: this.#breaker.cooldownMs },
      now,
    });
  }
}
