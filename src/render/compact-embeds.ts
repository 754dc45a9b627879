/**
 * Alerts in compact form, for packing under pressure (compact.ts): one field per alert, one embed per
 * notification (continued when it needs more), at one of the {@link COMPACT_LEVELS} of detail.
 */
import type { Alert } from '../model/alert.js';
import type { Notification } from '../model/notification.js';
import { runSteps, type Steps } from '../lib/steps.js';
import { statusColor } from './colors.js';
import type { DiscordEmbed, DiscordEmbedField } from './discord-message.js';
import { ZWSP, escapeText } from './escape.js';
import { finishEmbed } from './fit.js';
import { SEVERITY_ICONS, TEST_MARKER, labelLine, messageRepeatsTitle, reroutedNote, statusEmoji, truncatedNote } from './format.js';
import { MAX_FIELDS, MAX_TOTAL, codePointLength, truncate } from './limits.js';
import type { RenderOptions } from './render-options.js';
import { isoTimestamp } from './time.js';

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
  const [first] = alerts;
  if (first === undefined || alerts.length < 2) return out;
  // One pass over every alert's labels: a label is the same in all only when every alert has it with the
  // first alert's value. Looking each label up in every other alert was quadratic: a group whose alerts
  // each carry a label of their own held the event loop a minute (20,000 alerts) per packing level.
  const firstLabels = new Map(Object.keys(first.labels).map((k) => [k, first.labels[k]]));
  const alike = new Map<string, number>();
  for (const a of alerts) {
    for (const k of Object.keys(a.labels)) {
      if (firstLabels.has(k) && a.labels[k] === firstLabels.get(k)) alike.set(k, (alike.get(k) ?? 0) + 1);
    }
  }
  for (const a of alerts) for (const k of Object.keys(a.labels)) if (alike.get(k) !== alerts.length) out.add(k);
  return out;
}

/**
 * One alert as one compact field: status emoji + title; severity, key labels and message, cut to the level.
 * The labels in `varying` (see {@link varyingLabels}) come first; the label line leaves the message its room.
 */
export function compactField(alert: Alert, level: CompactLevel, varying?: ReadonlySet<string>): DiscordEmbedField {
  const prefix = `${statusEmoji(alert.status)} ${alert.isTest === true ? `${TEST_MARKER} ` : ''}`;
  // The title is cut to what the status and its note leave: "(error)", "(no data)" say the condition is
  // unknown, not met; cut off with a long title, the field read as a plain firing alert. A note (a state
  // Grafana added that we do not know, named as sent) takes at most a quarter of the name.
  const noteMax = Math.floor(level.nameMax / 4);
  const note = alert.stateNote ? ` (${escapeText(oneLine(truncate(alert.stateNote, noteMax)), noteMax)})` : '';
  const room = Math.max(1, level.nameMax - codePointLength(prefix) - codePointLength(note));
  const line = oneLine(truncate(alert.title, room));
  const title = escapeText(line, room) || 'Alert';
  const name = `${prefix}${title}${note}`;
  const titleWhole = codePointLength(oneLine(alert.title)) <= room && codePointLength(escapeText(line)) <= room;
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

/**
 * What a packed group is about: its alerts' one title; else the alertname they share (a rule whose summary
 * names each instance: the alert type says only which channel, which the reader knows); else the alert type.
 */
function groupName(alerts: readonly Alert[], alertType: string): string {
  const titles = new Set(alerts.map((a) => a.title));
  const [only] = titles;
  if (titles.size === 1 && only) return only;
  const names = new Set(alerts.map((a) => (Object.hasOwn(a.labels, 'alertname') ? oneLine(a.labels['alertname'] ?? '') : '')));
  const [name] = names;
  return names.size === 1 && name ? name : alertType;
}

/** "🔥 FIRING ×3: HighCPU", "🔥 2 firing · ✅ 1 resolved: general". */
/**
 * The status the packed embed shows: its alerts' (firing when any fires), the notification's only when it
 * has none. The rest of a split group resent after a 400 keeps the group's "firing" while every alert left
 * in it may be resolved: titled and coloured by the group, it read FIRING over ✅ fields.
 */
function shownStatus(n: Notification): Notification['status'] {
  if (n.alerts.length === 0) return n.status;
  return n.alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved';
}

export function compactTitle(n: Notification, alertType: string): string {
  const firing = n.alerts.filter((a) => a.status === 'firing').length;
  const resolved = n.alerts.length - firing;
  const test = n.alerts.some((a) => a.isTest === true) ? `${TEST_MARKER} ` : '';
  const count = (c: number): string => (c > 1 ? ` ×${c}` : '');
  const status =
    firing > 0 && resolved > 0 ? `🔥 ${firing} firing · ✅ ${resolved} resolved`
    : shownStatus(n) === 'firing' ? `🔥 FIRING${count(firing)}` : `✅ RESOLVED${count(resolved)}`;
  return truncate(`${test}${status}: ${escapeText(groupName(n.alerts, alertType), 200)}`, 200);
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
export interface Pace {
  left: number;
}

/** {@link compactEmbeds} as steps: a pause after every {@link PACK_STEP_ALERTS} alerts of the packing. */
export function* compactEmbedsSteps(n: Notification, opts: RenderOptions, level: CompactLevel, pace: Pace): Steps<DiscordEmbed[]> {
  const title = compactTitle(n, opts.alertType);
  const base: DiscordEmbed = { color: statusColor(shownStatus(n), opts.color) };
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
