import type { Notification } from '../model/notification.js';
import { worstSeverity } from '../model/severity.js';
import type { Steps } from '../lib/steps.js';
import { COMPACT_LEVELS, PACK_STEP_ALERTS, compactEmbedsSteps, type CompactLevel, type Pace } from './compact-embeds.js';
import type { DiscordEmbed, DiscordMessage } from './discord-message.js';
import { messageIdentity } from './identity.js';
import { MAX_EMBEDS, MAX_TOTAL, embedSize, embedsSize } from './limits.js';
import { buildPing, mergeMentions } from './mentions.js';
import { mentionsFor } from './notification.js';
import type { RenderOptions } from './render-options.js';

export { COMPACT_LEVELS, PACK_STEP_ALERTS, compactEmbeds, compactField, compactTitle, varyingLabels, type CompactLevel } from './compact-embeds.js';

/** One packed message and the notifications (ids, in order) it carries, fully or in part. */
export interface PackedMessage {
  message: DiscordMessage;
  notificationIds: string[];
  /** Per notification, how many of its alerts this message shows (each alert is one field, in order). */
  alertsShown: ReadonlyMap<string, number>;
}

interface Draft {
  key: string;
  identity: Identity;
  embeds: DiscordEmbed[];
  size: number;
  ids: string[];
  /** Notifications whose first embed is here, with their options: they may ping here. */
  starters: { n: Notification; opts: RenderOptions }[];
  /** Every mention token a starter would ping alone: the merged content must keep them all. */
  pings: Set<string>;
  alertsShown: Map<string, number>;
}

type Identity = ReturnType<typeof messageIdentity>;

/** A notification with its options and message identity, computed once per pack. */
interface Item {
  n: Notification;
  opts: RenderOptions;
  identity: Identity;
  key: string;
}

function toItem(n: Notification, opts: RenderOptions): Item {
  const identity = messageIdentity(opts);
  const key = JSON.stringify([identity.username ?? '', identity.avatar_url ?? '', identity.thread_name ?? '']);
  return { n, opts, identity, key };
}

function fits(d: Draft | undefined, key: string, embeds: readonly DiscordEmbed[]): d is Draft {
  return d !== undefined && d.key === key && d.embeds.length + embeds.length <= MAX_EMBEDS && d.size + embedsSize(embeds) <= MAX_TOTAL;
}

/** The mention tokens (`@here`, `<@&id>` …) the content pings for these starters together. */
function pingTokens(starters: readonly { n: Notification; opts: RenderOptions }[]): Set<string> {
  const content = buildPing(mergeMentions(starters.map(({ n, opts }) => mentionsFor(n, opts.mentions)))).content;
  return new Set(content === '' ? [] : content.split(' '));
}

/**
 * True when a notification pinging `solo` can start in `d` without a ping being lost: the merged content
 * is capped at 2000 characters (and 100 ids per list), so starters whose mentions do not fit together
 * would each lose some. Every token a starter would ping alone must stay.
 */
function keepsPings(d: Draft, item: Item, solo: ReadonlySet<string>): boolean {
  if (solo.size === 0) return true; // adds nothing to the content
  const merged = pingTokens([...d.starters, { n: item.n, opts: item.opts }]);
  return [...d.pings, ...solo].every((t) => merged.has(t));
}

function place(drafts: Draft[], item: Item, embeds: DiscordEmbed[]): void {
  const { n, opts, identity, key } = item;
  const open = (): Draft => {
    const d: Draft = { key, identity, embeds: [], size: 0, ids: [], starters: [], pings: new Set(), alertsShown: new Map() };
    drafts.push(d);
    return d;
  };
  const whole = embeds.length <= MAX_EMBEDS && embedsSize(embeds) <= MAX_TOTAL;
  let last = drafts[drafts.length - 1];
  const solo = pingTokens([{ n, opts }]);
  const first = fits(last, key, whole ? embeds : embeds.slice(0, 1)) && keepsPings(last, item, solo) ? last : open();
  first.starters.push({ n, opts });
  for (const t of solo) first.pings.add(t);
  last = first;
  for (const e of embeds) {
    const target: Draft = fits(last, key, [e]) ? last : open();
    target.embeds.push(e);
    target.size += embedSize(e);
    if (!target.ids.includes(n.id)) target.ids.push(n.id);
    target.alertsShown.set(n.id, (target.alertsShown.get(n.id) ?? 0) + (e.fields?.length ?? 0));
    last = target;
  }
}

function toPacked(d: Draft): PackedMessage {
  const pinging = d.starters.filter(({ n }) => n.status === 'firing');
  const firing = pinging.flatMap(({ n }) => n.alerts.filter((a) => a.status === 'firing'));
  const summary = firing.length > 0 ? `**${firing.length} firing** — ${worstSeverity(firing.map((a) => a.severity))}` : '';
  const ping = buildPing(mergeMentions(pinging.map(({ n, opts }) => mentionsFor(n, opts.mentions))), summary);
  const message: DiscordMessage = { ...d.identity, embeds: d.embeds, allowed_mentions: ping.allowedMentions };
  if (ping.content !== '') message.content = ping.content;
  return { message, notificationIds: d.ids, alertsShown: d.alertsShown };
}

function* packAt(items: readonly Item[], level: CompactLevel, pace: Pace): Steps<PackedMessage[]> {
  const drafts: Draft[] = [];
  for (const item of items) place(drafts, item, yield* compactEmbedsSteps(item.n, item.opts, level, pace));
  return drafts.map(toPacked);
}

/**
 * Packs several notifications into as few messages as possible (batching under pressure): one compact
 * embed per notification (continued in more embeds when its alerts need it), filled into messages in
 * order within 10 embeds and 6000 characters. A notification straddles two messages only when it alone
 * cannot fit one. Notifications with a different username, avatar or forum post never share a message.
 * Content pings the union of the mentions of the firing notifications that start in the message;
 * resolved ones never ping; one whose pings would not fit the content beside the others starts a new
 * message. Picks the most detailed `COMPACT_LEVELS` entry that needs no more messages than the tersest one.
 */
export function packNotifications(ns: readonly Notification[], optsFor: (n: Notification) => RenderOptions): PackedMessage[] {
  return bestPacking([...packingsByLevel(ns, optsFor)].filter((p): p is PackedMessage[] => Array.isArray(p)));
}

/**
 * The packings {@link packNotifications} chooses from, one per `COMPACT_LEVELS` entry, each computed when
 * taken, with nothing (`undefined`) yielded between steps of one (every {@link PACK_STEP_ALERTS} alerts): a caller on the
 * event loop lets other work run at each (a storm's batch takes 0.1 s+ per level).
 */
export function* packingsByLevel(ns: readonly Notification[], optsFor: (n: Notification) => RenderOptions): Generator<PackedMessage[] | void, void, undefined> {
  const items = ns.map((n) => toItem(n, optsFor(n)));
  const pace: Pace = { left: PACK_STEP_ALERTS };
  for (const level of COMPACT_LEVELS) yield yield* packAt(items, level, pace);
}

/** Of the packings by level (detailed first), the most detailed that needs no more messages than any other. */
export function bestPacking(candidates: readonly PackedMessage[][]): PackedMessage[] {
  const fewest = Math.min(...candidates.map((c) => c.length));
  return candidates.find((c) => c.length === fewest) ?? [];
}
