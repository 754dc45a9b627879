import { CUSTOM_TYPE_COLOR } from '../config/defaults.js';
import type { AlertTypeConfig, Config } from '../config/types.js';
import { runSteps, runStepsAsync, type Steps } from '../lib/steps.js';
import type { Notification } from '../model/notification.js';
import type { DiscordMessage } from '../render/discord-message.js';
import { bestPacking, packingsByLevel, type PackedMessage } from '../render/compact.js';
import { MAX_EMBEDS } from '../render/limits.js';
import { renderNotification } from '../render/notification.js';
import type { RenderOptions } from '../render/render-options.js';
import type { QueuedItem } from '../store/types.js';
import { NO_WEBHOOK_QUEUE } from './queue-key.js';

/**
 * Above this many full messages a batch is packed even when the rate limit has room: a burst of groups is
 * the start of a storm more often than not, and spending the webhook's budget on one message per group
 * now leaves none for what follows (bench: storm messages used).
 */
export const MAX_FULL_MESSAGES_PER_BATCH = 3;

/** One Discord request to make, and the queued notifications it carries (fully or in part). */
export interface PlannedMessage {
  message: DiscordMessage;
  threadId?: string;
  notificationIds: string[];
  /**
   * Carries more of a notification the previous message began (a group split across messages): in a forum
   * channel it belongs in the post that message opened, not in a post of its own.
   */
  continuesPrevious?: true;
  /** Packed messages: per notification, how many of its alerts (in order) this message shows. */
  alertsShown?: ReadonlyMap<string, number>;
}

/**
 * Rendering options of a notification's alert type, from configuration. `webhookId` is the webhook the
 * message goes to: the type's forum `thread_name` only applies through the type's own webhook, general's
 * through general's (see {@link threadOf}); omitted, the notification goes through its type's webhook.
 */
export function renderOptionsFor(config: Config, n: Notification, now?: () => number, webhookId?: string): RenderOptions {
  const type = typeOf(config, n);
  return {
    alertType: n.alertType,
    color: type?.color ?? CUSTOM_TYPE_COLOR,
    username: type?.username,
    avatarUrl: type?.avatarUrl,
    threadName: threadOf(config, n, webhookId).threadName,
    mentions: n.mentions ?? type?.mentions,
    now,
  };
}

/**
 * Turns what a worker read into Discord requests. When the webhook has room for every notification's
 * full rendering now and that is only a few messages, each gets its full embeds (a lone alert goes out at
 * once, detailed). Under
 * pressure (more messages than free slots) notifications are packed compactly, so a storm costs few
 * messages while every alert stays visible. Notifications with different forum threads never share a
 * message. `webhookId` is the webhook the messages go to (the worker's queue): a type's thread settings
 * apply only through its own webhook (see {@link renderOptionsFor}).
 */
export function planMessages(config: Config, items: readonly QueuedItem[], freeSlots: number, now?: () => number, webhookId?: string): PlannedMessage[] {
  return runSteps(planning(config, items, freeSlots, now, webhookId));
}

/**
 * {@link planMessages}, the same plans, awaiting `pause` (by default one turn of the event loop) after each
 * step of packing (every `PACK_STEP_ALERTS` alerts, and each level): packing a storm's batch takes a
 * quarter of a second or more per level, during which the process would receive nothing and send nothing,
 * not even another webhook's critical alert.
 */
export function planMessagesAsync(config: Config, items: readonly QueuedItem[], freeSlots: number, now?: () => number, webhookId?: string, pause?: () => Promise<void>): Promise<PlannedMessage[]> {
  return runStepsAsync(planning(config, items, freeSlots, now, webhookId), pause);
}

function* planning(config: Config, items: readonly QueuedItem[], freeSlots: number, now: (() => number) | undefined, webhookId: string | undefined): Steps<PlannedMessage[]> {
  const ns = items.map((i) => i.notification);
  if (!mustPack(ns)) {
    const full = ns.map((n) => ({ n, messages: renderNotification(n, renderOptionsFor(config, n, now, webhookId)) }));
    const fullCount = full.reduce((sum, f) => sum + f.messages.length, 0);
    // One message in full is never worse than packing; a lone group too big for one (Alertmanager with
    // `max_alerts: 0`: 1,000 alerts, 100 full messages) is packed like many small ones under pressure.
    if (fullCount <= 1 || fullCount <= Math.min(freeSlots, MAX_FULL_MESSAGES_PER_BATCH)) {
      return full.flatMap(({ n, messages }) => partsOf(config, n, messages, webhookId));
    }
  }
  return yield* packed(config, ns, now, webhookId);
}

/** The notifications packed, per forum thread (never sharing a message); steps within each level too. */
function* packed(config: Config, ns: readonly Notification[], now: (() => number) | undefined, webhookId: string | undefined): Steps<PlannedMessage[]> {
  const byThread = new Map<string, Notification[]>();
  for (const n of ns) {
    const key = threadOf(config, n, webhookId).threadId ?? '';
    byThread.set(key, [...(byThread.get(key) ?? []), n]);
  }
  const plans: PlannedMessage[] = [];
  for (const [threadId, group] of byThread) {
    const candidates: PackedMessage[][] = [];
    for (const packing of packingsByLevel(group, (n) => renderOptionsFor(config, n, now, webhookId))) {
      if (packing) candidates.push(packing);
      yield;
    }
    plans.push(...bestPacking(candidates).map((p, i, all) => ({
      message: p.message,
      threadId: threadId || undefined,
      notificationIds: p.notificationIds,
      alertsShown: p.alertsShown,
      // A notification too big for one packed message spills into the next, which then starts with it.
      ...(i > 0 && all[i - 1]!.notificationIds.includes(p.notificationIds[0]!) ? { continuesPrevious: true as const } : {}),
    })));
  }
  return plans;
}

/**
 * True when the batch cannot go out in full whatever the free slots: each notification takes a message of
 * its own and each alert an embed (10 per message), so more than {@link MAX_FULL_MESSAGES_PER_BATCH}
 * notifications, or more alerts than that many messages hold, need more full messages than are ever
 * spent. Rendering them in full only to pack them anyway was ~30% of planning a storm's batch, on the
 * event loop (a 5,000-alert group: ~2 s during which nothing else was received or sent).
 */
function mustPack(ns: readonly Notification[]): boolean {
  if (ns.length > MAX_FULL_MESSAGES_PER_BATCH) return true;
  let alerts = 0;
  for (const n of ns) alerts += Math.max(1, n.alerts.length);
  return alerts > MAX_EMBEDS * MAX_FULL_MESSAGES_PER_BATCH;
}

/** One notification alone, fully rendered: the way out when a batch cannot be packed (see the worker's #plan). */
export function planSingle(config: Config, n: Notification, now?: () => number, webhookId?: string): PlannedMessage[] {
  return partsOf(config, n, renderNotification(n, renderOptionsFor(config, n, now, webhookId)), webhookId);
}

/**
 * Each notification alone, fully rendered ({@link planSingle}), a turn of the event loop (`pause`) after
 * each: the last way out for a batch that renders one by one but cannot be packed together.
 */
export function planEachAlone(config: Config, ns: readonly Notification[], now?: () => number, webhookId?: string, pause?: () => Promise<void>): Promise<PlannedMessage[]> {
  return runStepsAsync(eachAlone(config, ns, now, webhookId), pause);
}

function* eachAlone(config: Config, ns: readonly Notification[], now: (() => number) | undefined, webhookId: string | undefined): Steps<PlannedMessage[]> {
  const plans: PlannedMessage[] = [];
  for (const n of ns) {
    plans.push(...planSingle(config, n, now, webhookId));
    yield;
  }
  return plans;
}

/**
 * Renders `n` alone both ways a batch may render it (full, packed), a turn of the event loop (`pause`)
 * after each rendering and packing level; rejects with what rendering throws. Finds the notification that
 * breaks a batch's planning.
 */
export function probeRender(config: Config, n: Notification, now?: () => number, webhookId?: string, pause?: () => Promise<void>): Promise<void> {
  return runStepsAsync(probing(config, n, now, webhookId), pause);
}

function* probing(config: Config, n: Notification, now: (() => number) | undefined, webhookId: string | undefined): Steps<void> {
  planSingle(config, n, now, webhookId);
  yield;
  yield* packed(config, [n], now, webhookId);
}

/** The messages of one fully rendered notification, parts 2..n marked as continuing part 1. */
function partsOf(config: Config, n: Notification, messages: DiscordMessage[], webhookId: string | undefined): PlannedMessage[] {
  const { threadId } = threadOf(config, n, webhookId);
  return messages.map((message, i) => ({ message, threadId, notificationIds: [n.id], ...(i > 0 ? { continuesPrevious: true as const } : {}) }));
}

function typeOf(config: Config, n: Notification): AlertTypeConfig | undefined {
  return config.alertTypes.get(n.alertType) ?? config.alertTypes.get('general');
}

/**
 * The type's `thread_id` / `thread_name`, when the message goes through the type's own webhook. Both name
 * a place in THAT webhook's channel: a notification rerouted to general (its webhook broke) or moved to
 * another webhook carries them into a channel where they mean nothing, and Discord refuses the message
 * (`thread_name` outside a forum: 400 220003; a thread of another channel) — the alert would end in dead
 * letters instead of general. Through general's webhook it goes where general's own messages go (a forum
 * refuses a message with neither thread: 400 220001); through any other, as a plain message.
 */
function threadOf(config: Config, n: Notification, webhookId: string | undefined): { threadId?: string; threadName?: string } {
  const through = threadOwner(config, typeOf(config, n), webhookId);
  return through === undefined ? {} : { threadId: through.threadId, threadName: through.threadName };
}

/** Whose thread settings apply to `type`'s message through `webhookId`: the type's own, general's, or none. */
function threadOwner(config: Config, type: AlertTypeConfig | undefined, webhookId: string | undefined): AlertTypeConfig | undefined {
  if (type === undefined || webhookId === undefined || (type.webhook?.id ?? NO_WEBHOOK_QUEUE) === webhookId) return type;
  const general = config.alertTypes.get('general');
  return general?.webhook?.id === webhookId ? general : undefined;
}
