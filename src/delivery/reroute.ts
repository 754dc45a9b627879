import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import type { Notification } from '../model/notification.js';
import type { QueuedItem, Store } from '../store/types.js';
import { NO_WEBHOOK_QUEUE } from './queue-key.js';
import { queueTarget } from './queue-target.js';
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
 * Moves the work of a broken (401/403/404) webhook to the general webhook, with a line saying which
 * channel is broken, and posts a notice there once per break. When general is the same webhook, broken
 * too, or absent, the notifications go to dead letters (replayable once fixed). The work of a webhook no
 * longer configured (a reload) goes where the new config sends its types instead.
 */
export class Rerouter {
  readonly #noticed = new Set<string>();
  constructor(private readonly deps: RerouterDeps) {}

  async reroute(fromKey: string, items: QueuedItem[], config: Config): Promise<void> {
    const general = config.alertTypes.get('general')?.webhook;
    const types = queueTarget(config, fromKey)?.alertTypes ?? [];
    // No longer configured: where its work goes is the new config's say, broken or not (the operator may
    // just have replaced this deleted webhook with another).
    if (types.length === 0) return this.#relocate(fromKey, items, config);
    const label = types.join(', ');
    const usable = general !== undefined && general.id !== fromKey && !(await this.deps.state.isBroken(general.id));
    if (usable && !this.#noticed.has(fromKey)) {
      this.#noticed.add(fromKey);
      await this.#enqueue(general.id, this.#notice(fromKey, label));
    }
    for (const item of items) {
      if (usable && (await this.#enqueue(general.id, { ...item.notification, reroutedFrom: label }))) {
        await this.deps.recorder.moved(fromKey, item);
        continue;
      }
      await this.deps.recorder.deadLetter(fromKey, item, { reason: 'broken_webhook', detail: `no usable webhook for ${label}`, attempts: item.notification.attempts, webhookId: fromKey });
    }
  }

  /**
   * The webhook vanished from the config (a reload): the operator moved its types on, so no notice and no
   * "rerouted" line, even when it was broken.
   * Each notification goes to its type's current webhook, else general, else dead letters (replayable).
   */
  async #relocate(fromKey: string, items: QueuedItem[], config: Config): Promise<void> {
    const broken = new Map<string, boolean>();
    const usable = async (id: string | undefined): Promise<boolean> => {
      if (id === undefined || id === fromKey) return false;
      if (!broken.has(id)) broken.set(id, await this.deps.state.isBroken(id));
      return broken.get(id) === false;
    };
    let moved = 0;
    for (const item of items) {
      const n = item.notification;
      const own = config.alertTypes.get(n.alertType)?.webhook?.id;
      const general = config.alertTypes.get('general')?.webhook?.id;
      const to = (await usable(own)) ? own : (await usable(general)) ? general : undefined;
      if (to !== undefined && (await this.#enqueue(to, n))) {
        await this.deps.recorder.moved(fromKey, item);
        moved++;
        continue;
      }
      const detail = fromKey === NO_WEBHOOK_QUEUE ? `alert type "${n.alertType}" has no webhook and there is no general webhook` : `webhook ${fromKey} is no longer configured and no other webhook can take "${n.alertType}"`;
      await this.deps.recorder.deadLetter(fromKey, item, { reason: 'no_webhook', detail, attempts: n.attempts, webhookId: fromKey });
    }
    if (fromKey !== NO_WEBHOOK_QUEUE) this.deps.logger.info({ queue: fromKey, moved, deadLettered: items.length - moved }, 'webhook no longer configured: its queued notifications were moved');
  }

  /** A repaired webhook (validation or reload) may post a new notice when it breaks again. */
  forget(webhookId: string): void {
    this.#noticed.delete(webhookId);
  }

  async #enqueue(queueKey: string, n: Notification): Promise<boolean> {
    const status = await this.deps.store.queue.enqueue(queueKey, n).catch(() => 'full' as const);
    if (status === 'queued') this.deps.onQueued?.(queueKey);
    else this.deps.logger.error({ queue: queueKey, notification: n.id }, 'could not reroute: general queue full or store down');
    return status === 'queued';
  }

  #notice(webhookId: string, label: string): Notification {
    const now = this.deps.now();
    const id = randomUUID();
    return {
      id,
      alertType: 'general',
      source: 'alertcord',
      status: 'firing',
      truncatedAlerts: 0,
      dedupeKey: `alertcord:broken:${webhookId}:${now}`,
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
