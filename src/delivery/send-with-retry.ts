import type { Webhook } from '../config/webhook-url.js';
import type { RateLimitSettings } from '../config/types.js';
import type { FailureReason } from '../model/outcome.js';
import { DEFAULT_BACKOFF, retryDelay } from './backoff.js';
import { classify, type Classification } from './classify.js';
import type { ThrottleScope } from './classify.js';
import type { Clock, Random } from './clock.js';
import type { DiscordSender, RawResponse } from './discord-sender.js';
import type { PlannedMessage } from './plan.js';
import type { WebhookState } from './webhook-state.js';

/** Longest single wait before the gates are asked again (so shutdown and state changes are noticed). */
export const MAX_GATE_WAIT_MS = 5_000;

export type MessageOutcome =
  /**
   * `attempts`: requests made, 429s included; `retries`: backoff re-sends after a 5xx, timeout or reset
   * (a 429's wait is not one). `lastFailure`: why the last failed (or throttled) attempt failed, when one did.
   */
  | { kind: 'sent'; messageId?: string; channelId?: string; attempts: number; retries: number; responseTimeMs: number; lastFailure?: FailureReason; simulated?: true }
  | { kind: 'permanent' | 'broken' | 'exhausted'; reason: FailureReason; detail: string; attempts: number; retries: number }
  | { kind: 'aborted'; attempts: number }
  /**
   * A reload removed the webhook while the message waited or retried, or gave a type of its notifications another
   * webhook (`target` said undefined): its notifications are judged anew (moved).
   */
  | { kind: 'unconfigured'; attempts: number };

/** Where a message goes and how fast: the webhook and its effective rate limit. */
export interface SendTarget {
  webhook: Webhook;
  limits: RateLimitSettings;
}

export interface SendContext {
  /**
   * The target as the config says now, asked before every attempt: a message may wait and retry for
   * minutes, and a reload meanwhile may replace the webhook's URL (the old one deleted: Discord answers
   * 404) or its limits, or remove the webhook (undefined). The worker also answers undefined once a reload gave
   * a type of the message's notifications another webhook: posted here, it would land in the channel the
   * operator just moved that type out of.
   */
  target: () => SendTarget | undefined | Promise<SendTarget | undefined>;
  retryAttempts: number;
  /** Asked before every attempt too: a reload may switch dry-run on or off, or change the timeout. */
  sender: () => DiscordSender;
  state: WebhookState;
  clock: Clock;
  random: Random;
  signal: AbortSignal;
  /** Told of each attempt's classification (metrics, logs); `info` names the webhook and Discord's answer. */
  onAttempt?: (kind: string, reason: string | undefined, detail: string | undefined, info: AttemptInfo) => void;
  /** Told before each backoff retry (5xx, timeout, reset), with the classifier's reason (metrics). */
  onRetry?: (reason: FailureReason) => void;
  /** Told when Discord's answer marked the webhook broken, with that answer (the log). */
  onBroken?: (detail: string) => void;
  /**
   * Told once per message when its retries are used up but Discord fails the webhook's GET too: an outage,
   * so the message keeps waiting instead of going to dead letters (the log).
   */
  onOutage?: (detail: string) => void;
}

/** Which webhook an attempt went to and what came back: HTTP status (absent for transport errors), 429 scope. */
export interface AttemptInfo {
  webhookId: string;
  status?: number;
  scope?: ThrottleScope;
  /** The dry-run sender answered: no request reached Discord. */
  simulated?: boolean;
}

/**
 * The retry stage for one Discord request: wait for the gates (broken, breaker, pauses, rate limits),
 * send, classify, and act on the one classifier's answer. A 429 waits `retry_after` and uses no attempt;
 * 5xx, timeouts and resets back off with full jitter up to `retryAttempts` retries; a 400 or a broken
 * webhook ends at once. Waiting on an open breaker uses no attempt either: nothing is dropped for it.
 * A message that used its retries goes to dead letters only when it fails once more right after Discord
 * answered the webhook's GET ({@link discordAnswersWebhook}), with no other request to the webhook failing in
 * between; through an outage it keeps retrying, at most every 30 s and behind the breaker.
 */
export async function sendWithRetry(ctx: SendContext, planned: PlannedMessage): Promise<MessageOutcome> {
  const { state, clock } = ctx;
  let attempts = 0;
  let failures = 0;
  let lastFailure: FailureReason | undefined;
  /**
   * When the last check found Discord answering the webhook ({@link discordAnswersWebhook}): the breaker's
   * consecutive failures just after (shared by every replica); undefined when it did not answer.
   */
  let answeredAtFailures: number | undefined;
  let outageTold = false;
  for (;;) {
    if (ctx.signal.aborted) return { kind: 'aborted', attempts };
    const target = await ctx.target();
    if (!target) return { kind: 'unconfigured', attempts };
    const { webhook } = target;
    const gate = await state.acquire(webhook.id, target.limits, clock.now());
    if (!gate.ok) {
      if (gate.reason === 'broken') return { kind: 'broken', reason: 'broken_webhook', detail: 'webhook is marked broken', attempts, retries: failures };
      await clock.sleep(Math.min(Math.max(gate.waitMs, 1), MAX_GATE_WAIT_MS), ctx.signal).catch(() => undefined);
      continue;
    }
    attempts++;
    const { raw, result } = await post(ctx, webhook, planned);
    ctx.onAttempt?.(result.kind, 'reason' in result ? result.reason : undefined, 'detail' in result ? result.detail : undefined, { webhookId: webhook.id, status: result.status, scope: result.kind === 'throttle' ? result.scope : undefined, simulated: raw.simulated });
    // Refused while a reload put another URL in (the operator fixed it mid-request): the answer is about the
    // old URL, so it must not mark the webhook broken again; the loop tries the current one.
    if (result.kind === 'broken' && (await ctx.target())?.webhook.url.reveal() !== webhook.url.reveal()) continue;
    switch (result.kind) {
      case 'success':
        // A dry run reached no Discord: "last success" (and the alert rule on it) must not say it did.
        await state.onSuccess(webhook.id, clock.now(), !raw.simulated);
        // `simulated`: whether THIS answer came from the dry-run sender. The config read after the answer may say
        // otherwise (a reload switched dry-run while the request was out): a real post recorded as a dry run.
        return { kind: 'sent', messageId: result.messageId, channelId: result.channelId, attempts, retries: failures, responseTimeMs: Math.round(raw.elapsedMs), lastFailure, ...(raw.simulated ? { simulated: true as const } : {}) };
      case 'throttle':
        lastFailure = result.reason;
        break;
      case 'retryable':
        if (ctx.signal.aborted) return { kind: 'aborted', attempts };
        await state.onFailure(webhook.id, result.reason, result.detail, clock.now());
        lastFailure = result.reason;
        if (++failures > ctx.retryAttempts) {
          // Discord answered the webhook before this attempt failed, and no other request failed in between (this
          // failure is the only one counted since): it fails on this message, Discord's answer about the body,
          // not an outage. Other failures since (other replicas' messages: the answer went stale while this one
          // backed off or waited on the breaker they opened) are an outage's, so ask again. The breaker keeps
          // its count: closing it here (as a 400 does) kept it from ever opening while Discord answered GETs
          // but failed every post, and each message went to dead letters in turn.
          if (answeredAtFailures !== undefined && (await breakerFailures(ctx, target)) <= answeredAtFailures + 1) {
            return { kind: 'exhausted', reason: result.reason, detail: result.detail, attempts, retries: failures - 1 };
          }
          answeredAtFailures = (await discordAnswersWebhook(ctx, webhook)) ? await breakerFailures(ctx, target) : undefined;
          if (answeredAtFailures === undefined && !outageTold) {
            outageTold = true;
            ctx.onOutage?.(`${result.reason}: ${result.detail}`);
          }
        }
        ctx.onRetry?.(result.reason);
        await clock.sleep(retryDelay(failures - 1, result.retryAfterMs, DEFAULT_BACKOFF, ctx.random), ctx.signal).catch(() => undefined);
        break;
      case 'permanent':
        // Discord answered (the body was wrong): the webhook is healthy, which also frees a half-open probe;
        // nothing was delivered, so "last success" stays (a webhook refusing every message must alert), and
        // the refusal is its last error (else /api/status shows such a channel with none).
        await state.onRefused(webhook.id, result.reason, result.detail, clock.now());
        return { kind: 'permanent', reason: result.reason, detail: result.detail, attempts, retries: failures };
      case 'broken':
        await state.markBroken(webhook.id, result.detail, clock.now());
        ctx.onBroken?.(result.detail);
        return { kind: 'broken', reason: result.reason, detail: result.detail, attempts, retries: failures };
    }
  }
}

/**
 * One request the gates let through: post, classify, and end the request (`onResponse`), a 429's pause
 * first (with Redis, other replicas may send once the request ended). Ended whatever throws on the way (a
 * store error noting the 429): else it held its global slot until the hold lapsed, and on Redis the
 * webhook's later requests each answered the one before, one slot held for good.
 */
async function post(ctx: SendContext, webhook: Webhook, planned: PlannedMessage): Promise<{ raw: RawResponse; result: Classification }> {
  const { state, clock } = ctx;
  let result: Classification | undefined;
  try {
    const raw = await ctx.sender().post(webhook, planned.message, { threadId: planned.threadId, signal: ctx.signal });
    result = classify({ ...raw, now: clock.now() });
    if (result.kind === 'throttle') await state.onThrottle(webhook.id, result.scope, clock.now() + result.retryAfterMs, clock.now());
    return { raw, result };
  } finally {
    await state.onResponse(webhook.id, result?.rateLimit, clock.now());
  }
}

/**
 * Asked once a message has used its retries: does Discord answer this webhook at all? A GET of the webhook
 * (nothing is posted) that succeeds, followed by one more failure of the message, means the failures are the
 * message's (a body Discord fails on every time): it goes to dead letters, else it would hold the webhook and
 * its queue forever. The one more try keeps a message that failed during an outage's last seconds, when
 * Discord came back between its attempt and the GET. A GET that fails too (5xx, timeout, reset, a 429) means
 * Discord is down or unreachable: the message waits like the rest of the queue, behind the breaker. Before,
 * each outage dead-lettered the message at the head of the queue (often a packed one carrying dozens of
 * alerts) and then one more per failed probe.
 */
async function discordAnswersWebhook(ctx: SendContext, webhook: SendTarget['webhook']): Promise<boolean> {
  const raw = await ctx.sender().get(webhook, ctx.signal);
  return classify({ ...raw, now: ctx.clock.now() }).kind === 'success';
}

/** The webhook's consecutive failures as the breaker counts them, across replicas (a success resets them). */
async function breakerFailures(ctx: SendContext, target: SendTarget): Promise<number> {
  return (await ctx.state.status(target.webhook.id, target.limits, ctx.clock.now())).breaker.consecutiveFailures;
}
