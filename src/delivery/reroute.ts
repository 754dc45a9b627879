import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import type { Notification } from '../model/notification.js';
import type { FailureReason } from '../model/outcome.js';
import type { QueuedItem, Store } from '../store/types.js';
import { NO_WEBHOOK_QUEUE, queueKeyFor } from './queue-key.js';
import { queueTarget, type QueueTarget } from './queue-target.js';
import type { OutcomeRecorder } from './recorder.js';
import type { WebhookState } from './webhook-state.js';

export interface RerouterDeps {
  store: Store;
  state: WebhookState;
  recorder: OutcomeRecorder;
  logger: Logger;
  now: () => number;
  /** Wakes the worker of a queue that just received work. */
  onQueued?: (queueKey: string) => void;
}

/**
 * How long the claim a move leaves in the queue it moved to lasts: longer than it takes the same entry to be
 * rerouted again when the move's ack was lost (the batch is released at once; Redis hands an unacknowledged
 * entry out again after its visibility timeout).
 */
export const MOVE_CLAIM_MS = 10 * 60_000;
/** How long the claim of a break's notice lasts: a webhook still broken after a week gets a reminder then. */
export const NOTICE_CLAIM_MS = 7 * 24 * 3_600_000;

/**
 * Moves the work of a broken (401/403/404) webhook to the general webhook, with a line saying which
 * channel is broken, and posts a notice there once per break. When general is the same webhook, broken
 * too, or absent, the notifications go to dead letters (replayable once fixed). The work of a webhook no
 * longer configured (a reload) goes where the new config sends its types instead.
 */
export class Rerouter {
  constructor(private readonly deps: RerouterDeps) {}

  async reroute(fromKey: string, items: QueuedItem[], config: Config): Promise<void> {
    const general = config.alertTypes.get('general')?.webhook;
    const target = queueTarget(config, fromKey);
    // No longer configured: where its work goes is the new config's say, broken or not (the operator may
    // just have replaced this deleted webhook with another).
    if (!target || target.alertTypes.length === 0) return this.#relocate(fromKey, items, config);
    const label = target.alertTypes.join(', ');
    const usable = general !== undefined && general.id !== fromKey && !(await this.deps.state.isBroken(general.id));
    if (usable) await this.#announce(general.id, fromKey, label, target);
    for (const item of items) {
      const n = item.notification;
      if (usable && (await this.#move(general.id, fromKey, item, { ...n, reroutedFrom: label }))) continue;
      // Said as it is: "no usable webhook" sent the operator looking at a general webhook that works.
      const detail = usable ? `the general webhook's queue is full (DISCORD_QUEUE_SIZE): ${label} could not be rerouted there` : `no usable webhook for ${label}`;
      await this.deps.recorder.deadLetter(fromKey, item, { reason: 'broken_webhook', detail, ...triesOf(n), webhookId: fromKey });
    }
  }

  /**
   * The webhook vanished from the config (a reload): the operator moved its types on, so no notice and no
   * "rerouted" line, even when it was broken.
   * Each notification goes to its type's current webhook, else general, else dead letters (replayable).
   */
  async #relocate(fromKey: string, items: QueuedItem[], config: Config): Promise<void> {
    const usable = this.#usable(fromKey);
    let moved = 0;
    for (const item of items) {
      const n = item.notification;
      const own = config.alertTypes.get(n.alertType)?.webhook?.id;
      const general = config.alertTypes.get('general')?.webhook?.id;
      const to = (await usable(own)) ? own : (await usable(general)) ? general : undefined;
      if (to !== undefined && (await this.#move(to, fromKey, item, n))) {
        moved++;
        continue;
      }
      const detail =
        to !== undefined ? `webhook ${to}'s queue is full (DISCORD_QUEUE_SIZE): "${n.alertType}" could not be moved there`
        : fromKey === NO_WEBHOOK_QUEUE ? `alert type "${n.alertType}" has no webhook and there is no general webhook`
        : `webhook ${fromKey} is no longer configured and no other webhook can take "${n.alertType}"`;
      await this.deps.recorder.deadLetter(fromKey, item, { reason: 'no_webhook', detail, ...triesOf(n), webhookId: fromKey });
    }
    if (fromKey !== NO_WEBHOOK_QUEUE) this.deps.logger.info({ queue: fromKey, moved, deadLettered: items.length - moved }, 'webhook no longer configured: its queued notifications were moved');
  }

  /**
   * Moves out of `items` (a batch of `fromKey`, a webhook still configured) each notification whose type a
   * reload gave another webhook, to that webhook's queue: only a webhook no longer configured had its queue
   * moved, so a type split off a shared webhook left its waiting alerts to be posted in the other types'
   * channel, once the old webhook's rate limit let them. Stay: rerouted ones (their webhook broken; the
   * notice told general's channel they come there), and any whose type's webhook is broken or absent.
   */
  async moveMisplaced(fromKey: string, items: QueuedItem[], config: Config): Promise<void> {
    const usable = this.#usable(fromKey);
    for (const item of [...items]) {
      const to = await this.#misplacedTo(fromKey, item.notification, config, usable);
      if (to !== undefined && (await this.#move(to, fromKey, item, item.notification))) items.splice(items.indexOf(item), 1);
    }
  }

  /**
   * Whether {@link moveMisplaced} would move one of `notifications` (of `fromKey`'s queue) under `config`: asked of
   * a message that waited in the retry stage through a reload, which then goes back to its queue to be moved
   * instead of being posted into the channel its type just left.
   */
  async anyMisplaced(fromKey: string, notifications: readonly Notification[], config: Config): Promise<boolean> {
    const usable = this.#usable(fromKey);
    for (const n of notifications) if ((await this.#misplacedTo(fromKey, n, config, usable)) !== undefined) return true;
    return false;
  }

  /** The queue `n` belongs in under `config` when that is another usable webhook's (see {@link moveMisplaced}). */
  async #misplacedTo(fromKey: string, n: Notification, config: Config, usable: (id: string | undefined) => Promise<boolean>): Promise<string | undefined> {
    const to = queueKeyFor(config, n.alertType);
    if (to === fromKey || n.reroutedFrom !== undefined || !queueTarget(config, to) || !(await usable(to))) return undefined;
    return to;
  }

  /** Whether a webhook other than `fromKey` may take work, each asked about once (per batch). */
  #usable(fromKey: string): (id: string | undefined) => Promise<boolean> {
    const broken = new Map<string, boolean>();
    return async (id) => {
      if (id === undefined || id === fromKey) return false;
      if (!broken.has(id)) broken.set(id, await this.deps.state.isBroken(id));
      return broken.get(id) === false;
    };
  }

  /**
   * Queues `n` (the notification of `item`, a `fromKey` entry) on `toKey` and acks the original; false when
   * that queue is full. The claim, per original entry, makes a move done again a no-op: after a lost ack
   * (the batch was released and comes back) or a store timeout that hid a done enqueue, it would otherwise
   * be queued twice. A store error throws: the batch goes back to its queue and is rerouted later (an
   * error is not a refusal: the notification may be in the other queue already).
   */
  async #move(toKey: string, fromKey: string, item: QueuedItem, n: Notification): Promise<boolean> {
    const status = await this.deps.store.queue.enqueue(toKey, n, { key: `alertcord:moved:${fromKey}:${item.entryId}`, windowMs: MOVE_CLAIM_MS });
    if (status === 'full') {
      this.deps.logger.error({ queue: toKey, notification: n.id }, 'could not reroute: the queue is full');
      return false;
    }
    if (status === 'queued') this.deps.onQueued?.(toKey);
    await this.deps.recorder.moved(fromKey, item, toKey);
    return true;
  }

  /**
   * Queues the notice of this break of `fromKey` on general's queue, once: the claim names the break by when
   * it began, so another replica rerouting the same webhook, or the next run (Redis keeps the mark), does
   * not post it again, and a webhook that was fixed and breaks again gets a new one.
   */
  async #announce(generalKey: string, fromKey: string, label: string, target: QueueTarget): Promise<void> {
    const since = (await this.deps.state.status(fromKey, target.limits, this.deps.now())).broken?.since;
    if (since === undefined) return; // cleared meanwhile: it works again, nothing to announce
    const key = `alertcord:broken:${fromKey}:${since}`;
    const status = await this.deps.store.queue.enqueue(generalKey, this.#notice(fromKey, label, key), { key, windowMs: NOTICE_CLAIM_MS });
    if (status === 'queued') this.deps.onQueued?.(generalKey);
  }

  #notice(webhookId: string, label: string, dedupeKey: string): Notification {
    const now = this.deps.now();
    const id = randomUUID();
    return {
      id,
      alertType: 'general',
      source: 'alertcord',
      status: 'firing',
      truncatedAlerts: 0,
      dedupeKey,
      receivedAt: now,
      attempts: 0,
      alerts: [{
        source: 'alertcord',
        status: 'firing',
        severity: 'error',
        title: `Discord webhook for ${label} is broken`,
        message: `Discord refused the webhook for ${label} (401/403/404: deleted or wrong token). Its alerts now come to this channel. Fix the webhook URL and reload; if the same webhook works again, revalidate it with POST /api/validate (the dashboard's Validate button).`,
        labels: { alertname: 'AlertcordWebhookBroken', webhook_id: webhookId },
        annotations: {},
        links: [],
        fields: [],
        fingerprint: `broken-${webhookId}`,
        startsAt: new Date(now).toISOString(),
      }],
    };
  }
}

/** What a notification took before (requests to its broken webhook), for the history of its dead letter. */
function triesOf(n: Notification): { attempts: number; retries: number; lastFailureReason?: FailureReason } {
  return { attempts: n.attempts, retries: n.retries ?? 0, lastFailureReason: n.lastFailureReason };
}
