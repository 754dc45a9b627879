import type { Alert } from '../model/alert.js';
import type { Notification } from '../model/notification.js';
import { worstSeverity } from '../model/severity.js';
import { statusColor } from './colors.js';
import type { DiscordEmbed, DiscordEmbedField, DiscordMessage } from './discord-message.js';
import { ZWSP, escapeText } from './escape.js';
import { finishEmbed } from './fit.js';
import { SEVERITY_ICONS, TEST_MARKER, labelLine, messageRepeatsTitle, reroutedNote, statusEmoji, truncatedNote } from './format.js';
import { messageIdentity } from './identity.js';
import { MAX_EMBEDS, MAX_FIELDS, MAX_TOTAL, codePointLength, embedSize, embedsSize, truncate } from './limits.js';
import { buildPing, mergeMentions } from './mentions.js';
import { mentionsFor } from './notification.js';
import type { RenderOptions } from './render-options.js';
import { isoTimestamp } from './time.js';
import { runSteps, type Steps } from '../lib/steps.js';

/** One packed message and the notifications (ids, in order) it carries, fully or in part. */
export interface PackedMessage {
  message: DiscordMessage;
  notificationIds: string[];
  /** Per notification, how many of its alerts this message shows (each alert is one field, in order). */
  alertsShown: ReadonlyMap<string, number>;
}

/** How much of each alert a compact field shows; packing picks the most detailed level that costs no more messages. */
export interface CompactLevel {
  nameMax: number;
  valueMax: number;
  /**
   * How much of the value the label line may take while the alert has a message (summary) to show too: the
   * rest is the message's. Without it a Kubernetes alert's dozen labels fill the value, and alerts sharing
   * a title ("Pod is crash looping.") show neither the summary nor the label that tells them apart.
   */
  labelsMax: number;
}

/** From detailed to terse. The last level shows names and key labels (its message only when labels leave room). */
export const COMPACT_LEVELS: readonly CompactLevel[] = [
  { nameMax: 100, valueMax: 300, labelsMax: 150 },
  { nameMax: 80, valueMax: 120, labelsMax: 60 },
  { nameMax: 60, valueMax: 60, labelsMax: 30 },
  { nameMax: 48, valueMax: 24, labelsMax: 24 },
];

/** Counted characters of a value around its parts: severity icon and space, " — " between labels and message. */
const VALUE_OVERHEAD = 5;

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/**
 * Label keys whose value is not the same in all of `alerts` (missing counts as a value): what tells the
 * alerts of one group apart. Empty for a single alert.
 */
export function varyingLabels(alerts: readonly Alert[]): Set<string> {
  const out = new Set<string>();
  const [first, ...rest] = alerts;
  if (first === undefined || rest.length === 0) return out;
  const valueOf = (a: Alert, k: string): string | undefined => (Object.hasOwn(a.labels, k) ? a.labels[k] : undefined);
  for (const k of new Set(alerts.flatMap((a) => Object.keys(a.labels)))) {
    if (rest.some((a) => valueOf(a, k) !== valueOf(first, k))) out.add(k);
  }
  return out;
}

/**
 * One alert as one compact field: status emoji + title; severity, key labels and message, cut to the level.
 * The labels in `varying` (see {@link varyingLabels}) come first; the label line leaves the message its room.
 */
export function compactField(alert: Alert, level: CompactLevel, varying?: ReadonlySet<string>): DiscordEmbedField {
  const test = alert.isTest === true ? `${TEST_MARKER} ` : '';
  const note = alert.stateNote ? ` (${escapeText(alert.stateNote, 100)})` : '';
  const title = escapeText(oneLine(truncate(alert.title, level.nameMax)), level.nameMax) || 'Alert';
  const name = `${statusEmoji(alert.status)} ${test}${title}${note}`;
  const titleWhole = codePointLength(oneLine(alert.title)) <= level.nameMax && codePointLength(name) <= level.nameMax;
  const message = titleWhole && messageRepeatsTitle(alert) ? '' : escapeText(oneLine(truncate(alert.message, level.valueMax)), level.valueMax);
  // A short message leaves its unused share to the labels.
  const labelsRoom = message === '' ? level.valueMax : Math.max(level.labelsMax, level.valueMax - VALUE_OVERHEAD - codePointLength(message));
  const labels = labelLine(alert.labels, labelsRoom, varying);
  const value = [labels, message].filter((s) => s !== '').join(' — ');
  return {
    name: truncate(name, level.nameMax),
    value: truncate(`${SEVERITY_ICONS[alert.severity] ?? ''} ${value}`.trim(), level.valueMax) || ZWSP,
  };
}

/** "🔥 FIRING ×3: HighCPU", "🔥 2 firing · ✅ 1 resolved: general". */
export function compactTitle(n: Notification, alertType: string): string {
  const firing = n.alerts.filter((a) => a.status === 'firing').length;
  const resolved = n.alerts.length - firing;
  const test = n.alerts.some((a) => a.isTest === true) ? `${TEST_MARKER} ` : '';
  const count = (c: number): string => (c > 1 ? ` ×${c}` : '');
  const status =
    firing > 0 && resolved > 0 ? `🔥 ${firing} firing · ✅ ${resolved} resolved`
    : firing > 0 || n.status === 'firing' ? `🔥 FIRING${count(firing)}` : `✅ RESOLVED${count(resolved)}`;
  const titles = new Set(n.alerts.map((a) => a.title));
  const [only] = titles;
  const name = titles.size === 1 && only ? escapeText(only, 200) : escapeText(alertType, 200);
  return truncate(`${test}${status}: ${name}`, 200);
}

/**
 * One notification as compact embeds: one embed with an alert per field; when the alerts exceed 25
 * fields or the size budget, further embeds titled "(continued)". Every alert stays visible by name.
 */
export function compactEmbeds(n: Notification, opts: RenderOptions, level: CompactLevel): DiscordEmbed[] {
  return runSteps(compactEmbedsSteps(n, opts, level, { left: Number.POSITIVE_INFINITY }));
}

/**
 * Alerts compacted between pauses while a batch is packed in steps (~15 ms of a storm's batch on the bench
 * machine): one group of 5,000 alerts held the event loop ~200 ms per packing level in one piece.
 */
export const PACK_STEP_ALERTS = 500;

/** Alerts left in the current step, shared by every notification of one packing. */
interface Pace {
  left: number;
}

/** {@link compactEmbeds} as steps: a pause after every {@link PACK_STEP_ALERTS} alerts of the packing. */
function* compactEmbedsSteps(n: Notification, opts: RenderOptions, level: CompactLevel, pace: Pace): Steps<DiscordEmbed[]> {
  const title = compactTitle(n, opts.alertType);
  const base: DiscordEmbed = { color: statusColor(n.status, opts.color) };
  const ts = isoTimestamp(n.receivedAt);
  if (ts !== undefined) base.timestamp = ts;
  const description = n.reroutedFrom ? reroutedNote(n.reroutedFrom) : undefined;
  const footer = n.truncatedAlerts > 0 ? truncatedNote(n.truncatedAlerts, n.source) : undefined;
  const reserve = codePointLength(title) + 16 + codePointLength(description ?? '') + codePointLength(footer ?? '');
  const chunks: DiscordEmbedField[][] = [[]];
  let used = reserve;
  const varying = varyingLabels(n.alerts);
  for (const alert of n.alerts) {
    const f = compactField(alert, level, varying);
    const size = codePointLength(f.name) + codePointLength(f.value);
    const current = chunks[chunks.length - 1] ?? [];
    if (current.length > 0 && (current.length >= MAX_FIELDS || used + size > MAX_TOTAL)) {
      chunks.push([f]);
      used = reserve + size;
    } else {
      current.push(f);
      used += size;
    }
    if (--pace.left <= 0) {
      pace.left = PACK_STEP_ALERTS;
      yield;
    }
  }
  return chunks.map((fields, i) => {
    const e: DiscordEmbed = { ...base, title: i === 0 ? title : `${title} (continued)` };
    if (fields.length > 0) e.fields = fields;
    else e.description = 'No alerts in this notification.';
    if (i === 0 && description) e.description = description;
    if (i === chunks.length - 1 && footer) e.footer = { text: footer };
    return finishEmbed(e);
  });
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
