/**
 * The embedded `WebhookState`: the delivery building blocks (rate limiter, Discord bucket, global gate,
 * circuit breaker) composed per webhook, in this process only. The Redis store keeps the same state in
 * Lua-updated keys so replicas share it.
 */
import type { RateLimitSettings } from '../../config/types.js';
import { CircuitBreaker } from '../../delivery/circuit-breaker.js';
import type { RateLimitInfo, ThrottleScope } from '../../delivery/classify.js';
import { CLOUDFLARE_BAN_MIN_MS } from '../../delivery/classify-throttle.js';
import { DiscordBucket } from '../../delivery/discord-bucket.js';
import { GlobalGate } from '../../delivery/global-gate.js';
import { replaceRateLimiter } from '../../delivery/rate-limiter.js';
import type { RateLimiter } from '../../delivery/rate-limiter.js';
import type { GateDecision, WebhookState, WebhookStatus } from '../../delivery/webhook-state.js';
import { sameSettings, webhookStatus } from './webhook-status.js';
import type { WebhookEntry } from './webhook-status.js';

/**
 * `waitMs` of a refusal for a broken webhook. A broken mark has no end (an operator clears it), so the
 * honest wait is "forever"; a finite minute keeps sleeps and JSON sane and means a worker notices
 * `clearBroken` within a minute.
 */
export const BROKEN_RECHECK_MS = 60_000;

export interface MemoryWebhookStateOptions {
  /** Consecutive failures that open a webhook's breaker (default 5). */
  failureThreshold?: number;
  /** How long an open breaker refuses before one probe (default 60 s). */
  cooldownMs?: number;
  /** How long a half-open probe holds its slot with no outcome (default: the cooldown; see `CircuitBreakerOptions`). */
  probeLeaseMs?: number;
  /** The global gate's requests per second (default Discord's 50). */
  globalPerSecond?: number;
  /** How long a request whose answer is never reported holds its global slot (see `GlobalGateOptions.inFlightMaxMs`). */
  globalInFlightMaxMs?: number;
}

const refuse = (reason: Extract<GateDecision, { ok: false }>['reason'], waitMs: number): GateDecision => ({
  ok: false,
  reason,
  waitMs: Math.max(1, waitMs),
});

/** In-process `WebhookState`: one entry per webhook id (ids come from config, so the map stays small), one global gate. */
export class MemoryWebhookState implements WebhookState {
  readonly #entries = new Map<string, WebhookEntry>();
  readonly #gate: GlobalGate;
  readonly #breakerOptions: { failureThreshold?: number; cooldownMs?: number; probeLeaseMs?: number };

  /** @throws RangeError on bad breaker or gate options (config bugs). */
  constructor(options: MemoryWebhookStateOptions = {}) {
    this.#breakerOptions = { failureThreshold: options.failureThreshold, cooldownMs: options.cooldownMs, probeLeaseMs: options.probeLeaseMs };
    this.#gate = new GlobalGate({ perSecond: options.globalPerSecond, inFlightMaxMs: options.globalInFlightMaxMs });
    void new CircuitBreaker(this.#breakerOptions); // validate now, not at the first webhook
  }

  #entry(webhookId: string): WebhookEntry {
    let entry = this.#entries.get(webhookId);
    if (entry === undefined) {
      entry = this.#newEntry();
      this.#entries.set(webhookId, entry);
    }
    return entry;
  }

  #newEntry(): WebhookEntry {
    return { bucket: new DiscordBucket(), breaker: new CircuitBreaker(this.#breakerOptions) };
  }

  /**
   * The webhook's limiter for `settings`; when the settings changed (config reload) a new one that keeps
   * what the old one had used (see `replaceRateLimiter`).
   * @throws RangeError when the settings are not whole numbers ≥ 1 (see `createRateLimiter`).
   */
  #limiter(entry: WebhookEntry, settings: RateLimitSettings, now: number): RateLimiter {
    if (entry.limiter === undefined || !sameSettings(entry.limiter.settings, settings)) {
      entry.limiter = { settings: { ...settings }, limiter: replaceRateLimiter(entry.limiter?.limiter, settings, now) };
    }
    return entry.limiter.limiter;
  }

  /**
   * Checks in the order of `WebhookState.acquire`, all without side effects; only when every one allows
   * does it take the global slot (the one check that cannot be asked without taking), then the limiter
   * token and — half-open — the breaker's single probe. Everything is synchronous, so nothing interleaves.
   */
  async acquire(webhookId: string, limits: RateLimitSettings, now: number): Promise<GateDecision> {
    const entry = this.#entry(webhookId);
    const limiter = this.#limiter(entry, limits, now);
    const refusal = this.#check(entry, limiter, now);
    if (refusal !== undefined) return refusal;
    const globalWait = this.#gate.acquire(now);
    if (globalWait > 0) return refuse('global_rate', globalWait);
    limiter.take(now); // peeked above at the same `now`: succeeds
    entry.breaker.canPass(now); // checked above at the same `now`: grants the probe when half-open
    return { ok: true };
  }

  /** The first refusing check, or `undefined` when all but the global rate allow. Consumes nothing. */
  #check(entry: WebhookEntry, limiter: RateLimiter, now: number): GateDecision | undefined {
    if (entry.broken !== undefined) return refuse('broken', BROKEN_RECHECK_MS);
    const breakerWait = this.#breakerWait(entry.breaker, now);
    if (breakerWait > 0) return refuse('breaker_open', breakerWait);
    const global = this.#gate.status(now);
    if (global.paused) {
      return refuse(global.reason === 'cloudflare' ? 'cloudflare_ban' : 'global_pause', global.pausedUntil - now);
    }
    const discordWait = entry.bucket.readyAt(now);
    if (discordWait > 0) return refuse('discord_pause', discordWait);
    if (limiter.peek(now).remaining < 1) {
      // An empty limiter refuses `take` without consuming; its answer is the wait for the next unit.
      const taken = limiter.take(now);
      return refuse('rate_limit', taken.ok ? 1 : taken.waitMs);
    }
    return undefined;
  }

  /** 0 when the breaker would let a request through now (without taking the probe), else ms to wait. */
  #breakerWait(breaker: CircuitBreaker, now: number): number {
    const state = breaker.state(now);
    const { openedAt, probeAt } = breaker.toJSON();
    if (state === 'open' && openedAt !== null) return openedAt + breaker.cooldownMs - now;
    if (state === 'half_open' && probeAt !== null && now < probeAt + breaker.probeLeaseMs) {
      return probeAt + breaker.probeLeaseMs - now;
    }
    return 0;
  }

  /** Also ends the request's hold on its global slot (see `GlobalGate`): it counts one second more from now. */
  async onResponse(webhookId: string, info: RateLimitInfo | undefined, now: number): Promise<void> {
    if (info !== undefined) this.#entry(webhookId).bucket.update(info, now);
    this.#gate.answered(now);
  }

  /**
   * `global` / `cloudflare` pause every webhook (a Cloudflare ban for at least `CLOUDFLARE_BAN_MIN_MS`); the
   * rest this one. A 429 on the half-open probe is no outcome: the probe is given back, so the retry after
   * the pause may probe at once instead of waiting out the probe lease (a whole cooldown).
   */
  async onThrottle(webhookId: string, scope: ThrottleScope, untilTs: number, now: number): Promise<void> {
    if (scope === 'cloudflare') this.#gate.pauseAll(Math.max(untilTs, now + CLOUDFLARE_BAN_MIN_MS), scope);
    else if (scope === 'global') this.#gate.pauseAll(untilTs, scope);
    else this.#entry(webhookId).bucket.pauseUntil(untilTs, scope);
    this.#releaseProbe(webhookId, now);
  }

  #releaseProbe(webhookId: string, now: number): void {
    const entry = this.#entries.get(webhookId);
    if (entry === undefined) return;
    const snapshot = entry.breaker.toJSON();
    if (snapshot.probeAt === null || entry.breaker.state(now) !== 'half_open') return;
    entry.breaker = CircuitBreaker.fromJSON({ ...snapshot, probeAt: null }, this.#breakerOptions);
  }

  async onSuccess(webhookId: string, now: number, delivered = true): Promise<void> {
    const entry = this.#entry(webhookId);
    entry.breaker.onSuccess();
    if (delivered) entry.lastSuccessAt = now;
  }

  async onRefused(webhookId: string, reason: string, detail: string, now: number): Promise<void> {
    const entry = this.#entry(webhookId);
    entry.breaker.onSuccess();
    entry.lastError = { reason, detail, at: now };
  }

  async onFailure(webhookId: string, reason: string, detail: string, now: number): Promise<void> {
    const entry = this.#entry(webhookId);
    entry.breaker.onFailure(now);
    entry.lastError = { reason, detail, at: now };
  }

  /** Marking again keeps the first `since` (how long it has been broken) and takes the newer reason. */
  async markBroken(webhookId: string, reason: string, now: number): Promise<void> {
    const entry = this.#entry(webhookId);
    entry.broken = { reason, since: entry.broken?.since ?? now };
  }

  async clearBroken(webhookId: string): Promise<void> {
    const entry = this.#entries.get(webhookId);
    if (entry !== undefined) delete entry.broken;
  }

  async isBroken(webhookId: string): Promise<boolean> {
    return this.#entries.get(webhookId)?.broken !== undefined;
  }

  /** Read-only: creates no state for an unknown webhook and does not swap a limiter whose settings changed. */
  async status(webhookId: string, limits: RateLimitSettings, now: number): Promise<WebhookStatus> {
    const entry = this.#entries.get(webhookId) ?? this.#newEntry();
    return webhookStatus(webhookId, entry, this.#gate.status(now), limits, now);
  }
}
