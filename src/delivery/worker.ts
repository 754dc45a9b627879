import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import { FailureStreak } from '../lib/failure-streak.js';
import type { QueuedItem, Store } from '../store/types.js';
import type { Clock, Random } from './clock.js';
import { ackThenRecord } from './ack-then-record.js';
import { AttemptLog } from './attempt-log.js';
import { BatchLease } from './batch-lease.js';
import { BatchSilence } from './batch-silence.js';
import type { DiscordSender } from './discord-sender.js';
import { intoOpenPost, postAfter } from './forum-post.js';
import { MAX_FULL_MESSAGES_PER_BATCH, planEachAlone, planMessagesAsync, probeRender, type PlannedMessage } from './plan.js';
import type { OutcomeRecorder } from './recorder.js';
import type { Rerouter } from './reroute.js';
import { asPlanned, marksToSet } from './repeat-pings.js';
import { queueTarget, type QueueTarget } from './queue-target.js';
import { sendWithRetry, type MessageOutcome, type SendContext } from './send-with-retry.js';
import { startOf, withTries, type SentSoFar } from './sent-so-far.js';
import { workerSendContext } from './worker-send-context.js';
import type { WebhookState } from './webhook-state.js';

/** Notifications read per batch: enough to pack a storm into full messages, few enough to stay responsive. */
export const READ_BATCH = 100;
/**
 * Most notification JSON (UTF-8 bytes) one batch holds, besides {@link READ_BATCH}: Alertmanager groups of
 * thousands of alerts (`max_alerts: 0`) are hundreds of KB each, and 100 groups of 1,000 read as one batch
 * held the event loop for seconds (a critical alert on another webhook waited 5 s for its 202) and hundreds
 * of MB of heap until their ~1,300 messages had drained at 30 a minute; 40 groups of 5,000 ran a 512 MB
 * heap out of memory (with Redis, again on every restart: the same batch is read again). 1 MiB is 1,000–2,000
 * alerts, a few dozen packed messages (more than a minute of a channel's budget), so packing loses
 * nothing. A notification bigger than this goes alone.
 */
export const READ_BATCH_BYTES = 1024 * 1024;
/** How often a waiting worker looks for a free slot and for more work to pack. */
export const GATHER_POLL_MS = 100;
/** How long one blocking read waits for work before looping (to notice stop). */
export const READ_BLOCK_MS = 1_000;

export interface WorkerDeps {
  config: () => Config;
  store: Store;
  state: WebhookState;
  sender: () => DiscordSender;
  recorder: OutcomeRecorder;
  rerouter: Rerouter;
  clock: Clock;
  random: Random;
  logger: Logger;
  onAttempt?: SendContext['onAttempt'];
  onRetry?: SendContext['onRetry'];
}

/**
 * One worker per webhook queue: read what is waiting, plan messages (full when there is room, packed
 * under pressure), send each through the retry stage, and settle every notification (ack + history,
 * dead letter, or reroute). Runs until `signal` aborts; unfinished work is released back to the queue.
 */
export class WebhookWorker {
  /** The current batch's lease (a fresh one per batch; `deliver` called alone uses the last). */
  #lease: BatchLease;
  /** Failed reads, logged when they start, when their error changes and when they work again. */
  readonly #reads: FailureStreak;
  /** Discord failing, pausing everything or refusing the webhook: logged when that starts, changes and ends. */
  readonly #attempts: AttemptLog;
  /** The current batch's partial resolves planned without pings (repeat-pings.ts). */
  readonly #silence: BatchSilence;

  constructor(private readonly queueKey: string, private readonly deps: WorkerDeps) {
    this.#lease = new BatchLease(deps.store.queue, queueKey, deps.logger);
    this.#reads = new FailureStreak(deps.logger, deps.clock.now, { fields: { queue: queueKey }, failing: 'queue read failed; retrying every second (logged again when the error changes)', recovered: 'queue read works again' });
    this.#attempts = new AttemptLog(deps.logger, deps.clock.now, queueKey);
    this.#silence = new BatchSilence(queueKey, deps);
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let items: QueuedItem[];
      try {
        items = await this.deps.store.queue.read(this.queueKey, READ_BATCH, READ_BLOCK_MS, signal, { maxBytes: READ_BATCH_BYTES });
      } catch (err) {
        this.#reads.failed(err);
        await this.deps.clock.sleep(1_000, signal).catch(() => undefined);
        continue;
      }
      this.#reads.succeeded();
      if (items.length > 0) await this.#deliverOrRelease(items, signal);
      else if (await this.#retired()) return;
    }
  }

  /**
   * True once the queue belongs to no configured webhook and is empty (a webhook replaced or removed, its
   * queue drained or rerouted): the store forgets it and the worker ends, instead of every replica keeping
   * a worker and a Redis connection for every queue ever used. A configured webhook's queue never retires.
   */
  async #retired(): Promise<boolean> {
    if (queueTarget(this.deps.config(), this.queueKey)) return false;
    return this.deps.store.queue.forget(this.queueKey).catch(() => false);
  }

  /**
   * Delivers a batch; should anything throw (a store error mid-batch, a bug), whatever the batch has not
   * settled goes back to the queue at once and the worker goes on after a pause. Left held, the memory
   * queue would never hand those entries out again, and Redis only after the visibility timeout.
   * (Releasing an entry already acked or dead-lettered changes nothing: it is no longer held.)
   */
  async #deliverOrRelease(items: QueuedItem[], signal: AbortSignal): Promise<void> {
    this.#lease = new BatchLease(this.deps.store.queue, this.queueKey, this.deps.logger);
    try {
      await this.#lease.hold(items, () => this.deliver(items, signal));
    } catch (err) {
      this.deps.logger.error({ queue: this.queueKey, err }, 'delivering a batch failed; its unsettled notifications go back to the queue');
      await this.deps.store.queue.release(this.queueKey, items.map((i) => i.entryId)).catch(() => undefined);
      await this.deps.clock.sleep(1_000, signal).catch(() => undefined);
    }
  }

  /** Delivers one batch; exported for tests that drive a worker step by step. */
  async deliver(items: QueuedItem[], signal: AbortSignal): Promise<void> {
    const config = this.deps.config();
    const target = queueTarget(config, this.queueKey);
    const broken = !target || (await this.deps.state.isBroken(this.queueKey));
    this.#lease.dropTakenItems(items); // (#sendPlans drops them before each message; a reroute needs it here)
    if (broken) {
      await this.deps.rerouter.reroute(this.queueKey, items, config);
      return;
    }
    // A reload may have given some of their types another webhook (this one still serves the rest).
    await this.deps.rerouter.moveMisplaced(this.queueKey, items, config);
    if (items.length === 0) return;
    const free = await this.#gather(items, target, signal);
    // Reloaded while waiting for a slot: judge the batch again (its webhook may be gone or changed).
    if (this.deps.config() !== config && !signal.aborted) return this.deliver(items, signal);
    await this.#silence.judge(items);
    const plans = await this.#plan(config, items, free, target);
    await this.#sendPlans(plans, items, target, config, signal);
  }

  /**
   * Plans the batch. A notification that cannot be rendered (it throws: a bug, or an entry written by
   * another version) would fail every batch it is in, forever, and hold up its whole queue: it is found by
   * rendering each one alone, dead-lettered with the error, and the rest is planned without it.
   * Removes the dead-lettered ones from `items`. Lets the event loop run between the packing levels (and
   * the probes): planning a storm's batch would otherwise hold up every other webhook and ingest.
   * The batch's silenced partial resolves are planned without pings; `items` keep their notifications.
   */
  async #plan(config: Config, items: QueuedItem[], free: number, target: QueueTarget): Promise<PlannedMessage[]> {
    try {
      return await planMessagesAsync(config, asPlanned(items, this.#silence.ids), free, this.deps.clock.now, target.webhook.id);
    } catch {
      for (const item of [...items]) {
        try {
          await probeRender(config, item.notification, this.deps.clock.now, target.webhook.id);
        } catch (err) {
          this.deps.logger.error({ queue: this.queueKey, notification: item.notification.id, err }, 'a notification cannot be rendered; dead-lettered');
          items.splice(items.indexOf(item), 1);
          await this.deps.recorder.deadLetter(this.queueKey, item, { reason: 'unexpected', detail: `cannot be rendered: ${String(err)}`, attempts: 0, webhookId: target.webhook.id });
        }
      }
      const planned = asPlanned(items, this.#silence.ids);
      try {
        return await planMessagesAsync(config, planned, free, this.deps.clock.now, target.webhook.id);
      } catch (err) {
        // Each renders alone but not packed together: send each alone rather than fail the batch forever.
        this.deps.logger.error({ queue: this.queueKey, err }, 'a batch cannot be packed; its notifications go out one by one');
        return planEachAlone(config, planned.map((i) => i.notification), this.deps.clock.now, target.webhook.id);
      }
    }
  }

  /**
   * While the webhook has no free slot (rate limit spent, Discord pause), keep reading what piles up into
   * this batch, so the next message carries all of it. Returns the free slots once there are some.
   */
  async #gather(items: QueuedItem[], target: QueueTarget, signal: AbortSignal): Promise<number> {
    const config = this.deps.config();
    for (;;) {
      const now = this.deps.clock.now();
      const s = await this.deps.state.status(this.queueKey, target.limits, now);
      const discordLeft = s.discord?.remaining !== undefined && (s.discord.resetAt ?? 0) > now ? s.discord.remaining : Infinity;
      const free = s.pausedUntil && s.pausedUntil > now ? 0 : Math.min(s.rateLimit.remaining, discordLeft);
      if (free > 0 || signal.aborted || s.broken || s.breaker.state === 'open' || this.deps.config() !== config) return free;
      await this.deps.clock.sleep(GATHER_POLL_MS, signal).catch(() => undefined);
      const held = items.reduce((sum, i) => sum + (i.bytes ?? 0), 0);
      if (items.length < READ_BATCH && held < READ_BATCH_BYTES) {
        items.push(...(await this.deps.store.queue.read(this.queueKey, READ_BATCH - items.length, 0, undefined, { maxBytes: READ_BATCH_BYTES, heldBytes: held })));
      }
    }
  }

  /**
   * `carried`: what earlier messages of these notifications took, so their history counts it too;
   * `startPost`: the forum post a first plan that `continuesPrevious` goes into.
   */
  async #sendPlans(plans: PlannedMessage[], items: QueuedItem[], target: QueueTarget, config: Config, signal: AbortSignal, carried?: ReadonlyMap<string, SentSoFar>, startPost?: string): Promise<void> {
    const byId = new Map(items.map((i) => [i.notification.id, i]));
    const parts = new Map<string, number>();
    for (const p of plans) for (const id of p.notificationIds) parts.set(id, (parts.get(id) ?? 0) + 1);
    const sentIds = new Map<string, SentSoFar>(carried);
    const open = (ids: string[]) => ids.filter((id) => byId.has(id));
    // Planned anew, a notification that already went out in part would start over: its first part twice.
    const partlySent = () => [...byId.keys()].some((id) => sentIds.has(id));
    let openPost = startPost;
    /** A message of these plans pinged (and marked its alerts) since the batch's partial resolves were judged. */
    let pinged = false;
    for (const [index, planned] of plans.entries()) {
      // The messages planned carry what another consumer holds now: plan what is still ours anew.
      if (this.#lease.dropTaken(byId) && !partlySent()) {
        if (await this.#sendAnew(byId, plans.length - index, target, config, signal)) return;
        break;
      }
      // A backlog read at once (a restart, a long pause) holds a firing and its partial resolve: planned before
      // the firing's message went out, the partial resolve would ping again. Judged again now that it did.
      if (pinged && !partlySent()) {
        pinged = false;
        if (await this.#silence.afterPing(byId)) {
          if (await this.#sendAnew(byId, plans.length - index, target, config, signal)) return;
          break;
        }
      }
      const ids = open(planned.notificationIds);
      if (ids.length === 0) {
        openPost = undefined; // what follows does not continue a message that was not sent
        continue;
      }
      const plan = intoOpenPost(planned, openPost);
      // Once a notification of the batch went out in part, the message stays on this webhook through a reload
      // moving its type (moved, the notification would start over: its first part posted twice).
      const begun = [...byId.keys()].some((id) => (sentIds.get(id)?.messageIds.length ?? 0) > 0);
      const outcome = await sendWithRetry(workerSendContext(this.queueKey, this.deps, this.#attempts, signal, begun ? undefined : { config, notifications: ids.map((id) => byId.get(id)!.notification) }), plan);
      openPost = outcome.kind === 'sent' ? postAfter(plan, outcome.channelId) : undefined;
      if (outcome.kind === 'sent') {
        // Dry-run as the send just saw it (the retry stage asks for the sender per attempt), not as the config says
        // now: a reload switching dry-run while the request was out recorded a real post as a dry run, or the reverse.
        const status = outcome.simulated ? 'dry_run' : 'sent';
        // A dry run pinged nobody: marked, its alerts' first real partial resolve would not ping once it is off.
        const marks = outcome.simulated ? [] : marksToSet(plan.message, ids.map((id) => byId.get(id)!.notification), this.#silence.ids);
        const done: string[] = [];
        for (const id of ids) {
          const acc = sentIds.get(id) ?? startOf(byId.get(id)!.notification);
          if (outcome.messageId) acc.messageIds.push(outcome.messageId);
          acc.attempts += outcome.attempts;
          acc.ms += outcome.responseTimeMs;
          acc.retries += outcome.retries;
          acc.lastFailure = outcome.lastFailure ?? acc.lastFailure;
          acc.alertsShown += planned.alertsShown?.get(id) ?? 0;
          acc.post = openPost;
          sentIds.set(id, acc);
          parts.set(id, (parts.get(id) ?? 1) - 1);
          if (parts.get(id) === 0) done.push(id);
        }
        // Ack everything this message completed in one call right after Discord's 200, before any
        // bookkeeping: a crash in between would send the whole (packed) message again.
        // (A part that completes nothing, the first of a split notification, has nothing to ack.)
        // Discord has the message whatever the ack's answer: recorded either way; a failed ack's error then
        // releases the batch's rest.
        const ack = done.length > 0 ? this.deps.store.queue.ack(this.queueKey, done.map((id) => byId.get(id)!.entryId)) : Promise.resolve();
        await ackThenRecord(ack, async () => {
          for (const id of done) {
            const acc = sentIds.get(id)!;
            await this.deps.recorder.recordDelivered(byId.get(id)!, status, { messageIds: acc.messageIds, attempts: acc.attempts, responseTimeMs: acc.ms, retries: acc.retries, lastFailureReason: acc.lastFailure });
            byId.delete(id);
          }
        });
        await this.#silence.mark(marks);
        pinged ||= marks.length > 0;
        continue;
      }
      // (Unconfigured: released, the next batch moves them to wherever the new config sends their types.)
      if (outcome.kind === 'aborted' || outcome.kind === 'unconfigured') break;
      this.#lease.dropTaken(byId); // the send may have taken long: what another consumer took meanwhile is not settled here
      if (outcome.kind === 'broken') {
        // What was tried here goes along: wherever they end, their history counts these requests too.
        const tried = new Set(ids);
        const moving = [...byId.values()].map((item) => withTries(item, sentIds.get(item.notification.id), tried.has(item.notification.id) ? outcome : undefined));
        await this.deps.rerouter.reroute(this.queueKey, moving, config);
        return;
      }
      await this.#settleFailure(outcome, ids, byId, target, config, signal, sentIds);
      // The messages after this one were rendered with the notifications just settled in them (a packed
      // message spills a notification into the next): posted as they are, they would carry those again, and
      // a culprit's spilled part would get an innocent neighbour dead-lettered. Plan what is left anew.
      if (await this.#sendAnew(byId, plans.length - index - 1, target, config, signal)) return;
      break;
    }
    if (byId.size > 0) await this.deps.store.queue.release(this.queueKey, [...byId.values()].map((i) => i.entryId));
  }

  /**
   * Plans what is left in `byId` anew (for `slots` free message slots) and sends it, instead of messages
   * rendered with notifications no longer there. False, sending nothing, when nothing is left or the worker
   * is stopping (the caller releases what is left).
   */
  async #sendAnew(byId: Map<string, QueuedItem>, slots: number, target: QueueTarget, config: Config, signal: AbortSignal): Promise<boolean> {
    const rest = [...byId.values()];
    if (rest.length === 0 || signal.aborted) return false;
    await this.#sendPlans(await this.#plan(config, rest, slots, target), rest, target, config, signal);
    return true;
  }

  /**
   * A 400 on a packed message must not dead-letter innocent notifications: resend them one by one. Nor must
   * an exhausted one: the retry stage ends so only once Discord answered the webhook and still failed this
   * body (a 500 for the one notification whose content it chokes on), never through an outage.
   */
  async #settleFailure(outcome: Exclude<MessageOutcome, { kind: 'sent' | 'aborted' | 'unconfigured' | 'broken' }>, ids: string[], byId: Map<string, QueuedItem>, target: QueueTarget, config: Config, signal: AbortSignal, sentIds: ReadonlyMap<string, SentSoFar>): Promise<void> {
    // Judged on what the message carried; only what is still ours (not taken over meanwhile) is settled.
    const packed = ids.length > 1;
    ids = ids.filter((id) => byId.has(id));
    if ((outcome.kind === 'permanent' || outcome.kind === 'exhausted') && packed) {
      for (const id of ids) {
        const item = byId.get(id)!;
        byId.delete(id);
        // A notification whose first alerts went out in earlier packed messages sends the rest only (its
        // history keeps the whole notification), without pinging: the message it started in already did.
        const before = sentIds.get(id) ?? startOf(item.notification);
        const shown = before.alertsShown;
        const alerts = item.notification.alerts;
        const rest = shown > 0 && shown < alerts.length ? { ...item.notification, alerts: alerts.slice(shown), mentions: {} } : item.notification;
        // A partial resolve resent after its firing, resent alone before it, pinged: it does not page again.
        if (rest === item.notification) await this.#silence.afterPing(new Map([[id, item]]));
        // Its history names the messages already posted and counts them and the refused request.
        const took: SentSoFar = { messageIds: [...before.messageIds], attempts: before.attempts + outcome.attempts, ms: before.ms, retries: before.retries + outcome.retries, lastFailure: outcome.reason, alertsShown: 0 };
        // Planned alone as any batch of one is: a big group packed, not dozens of full messages (rate budget).
        const plans = await this.#plan(config, [{ ...item, notification: rest }], MAX_FULL_MESSAGES_PER_BATCH, target);
        // In a forum, the rest goes on in the post its first alerts opened, not in a post of its own.
        const post = rest !== item.notification ? before?.post : undefined;
        if (post !== undefined && plans[0]) plans[0] = { ...plans[0], continuesPrevious: true };
        await this.#sendPlans(plans, [item], target, config, signal, new Map([[id, took]]), post);
      }
      return;
    }
    for (const id of ids) {
      const item = byId.get(id)!;
      byId.delete(id);
      // A split notification may have had messages posted before this one failed: they are in the channel,
      // so its history names them and counts their attempts and retries too.
      const before = sentIds.get(id) ?? startOf(item.notification);
      await this.deps.recorder.deadLetter(this.queueKey, item, {
        reason: outcome.reason,
        detail: outcome.detail,
        attempts: outcome.attempts + before.attempts,
        retries: outcome.retries + before.retries,
        messageIds: [...before.messageIds],
        webhookId: target.webhook.id,
      });
    }
  }
}
