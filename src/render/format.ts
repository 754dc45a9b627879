import { smallest } from '../lib/smallest.js';
import type { Alert, AlertField, AlertLink, SourceName } from '../model/alert.js';
import type { Severity } from '../model/severity.js';
import { parseSeverity } from '../routing/severity.js';
import type { DiscordEmbedField } from './discord-message.js';
import { escapeText, inlineCode } from './escape.js';
import { MAX_FIELD_NAME, MAX_FIELD_VALUE, codePointLength, truncate } from './limits.js';
import { epochMs, isoTimestamp } from './time.js';
import { markdownLink } from './urls.js';

/** Marker of firing alerts in titles. */
export const FIRING_MARKER = '🔥 FIRING';
/** Marker of resolved alerts in titles. */
export const RESOLVED_MARKER = '✅ RESOLVED';
/** Prefix of test alerts (Grafana's contact-point test, our own test sends). */
export const TEST_MARKER = '[TEST]';
/** Key labels shown as inline fields before the rest is summarised in one field. */
export const MAX_LABEL_FIELDS = 6;
/** Label values longer than this are cut before display: a label is a hint, not a document. */
const LABEL_VALUE_MAX = 200;

/** Severity icons: the colour-blind-safe shape is the word next to it. */
export const SEVERITY_ICONS: Readonly<Record<Severity, string>> = { critical: '🔴', error: '🟠', warning: '🟡', info: '🔵' };

/**
 * Labels that repeat what the severity field already shows, when their value is a severity synonym
 * (`P1` shows as critical). One we cannot read (`SEV1`) is shown: the field then holds the source's
 * default, and hiding the label would leave no trace of what the sender said.
 */
const DUPLICATE_LABELS = new Set(['severity']);
/**
 * Label names beginning with `__` are reserved for internal use (Prometheus data model). Grafana sends its
 * rules' alerts to an external Alertmanager with `__alert_rule_uid__` and `__alert_rule_namespace_uid__`,
 * which reach us through Alertmanager: ids, not places, they took label fields and led compact lines. Not
 * shown, like `__…__` annotations (sources/annotation-extras.ts); the Silence link keeps them as matchers.
 */
const INTERNAL_LABEL_PREFIX = '__';
/**
 * Labels that identify an alert and where it comes from, shown first when present. `alertname` leads when
 * shown: the title is a rule's summary when it has one, and the rule's name is what on-call silences by.
 */
const PREFERRED_LABELS = ['alertname', 'instance', 'job', 'service', 'service.name', 'namespace', 'pod', 'container', 'host', 'cluster', 'env', 'environment', 'deployment.environment', 'region'];

/**
 * True when the alert's message only repeats its title: an Alertmanager or Grafana summary without a
 * description is both. Where the title shows whole, the message is then left out rather than shown twice
 * (a title that had to be cut keeps it, as the only place the text shows in full).
 */
export function messageRepeatsTitle(alert: Pick<Alert, 'title' | 'message'>): boolean {
  const title = oneLine(alert.title);
  return title !== '' && oneLine(alert.message) === title;
}

/** Text as one line: whitespace runs collapsed, ends trimmed (how titles are shown). */
function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Emoji of one status, for compact lines. */
export function statusEmoji(status: Alert['status']): string {
  return status === 'firing' ? '🔥' : '✅';
}

/** "[TEST] 🔥 FIRING (no data)": the status marker of one alert's title (already escaped). */
export function statusMarker(alert: Pick<Alert, 'status' | 'isTest' | 'stateNote'>): string {
  const test = alert.isTest === true ? `${TEST_MARKER} ` : '';
  const marker = alert.status === 'firing' ? FIRING_MARKER : RESOLVED_MARKER;
  const note = alert.stateNote ? ` (${escapeText(alert.stateNote, 100)})` : '';
  return `${test}${marker}${note}`;
}

/** How a sender is named in footers and notes ("+3 alerts not sent by Alertmanager"). */
export function sourceLabel(source: SourceName): string {
  const names: Record<SourceName, string> = {
    alertmanager: 'Alertmanager', grafana: 'Grafana', generic: 'webhook', otlp: 'OpenTelemetry', library: 'library', alertcord: 'alertcord',
  };
  return names[source] ?? 'sender';
}

/** "+3 alerts not sent by Alertmanager": the sender cut the group (Alertmanager's `truncatedAlerts`). */
export function truncatedNote(count: number, source: SourceName): string {
  return `+${count} alert${count === 1 ? '' : 's'} not sent by ${sourceLabel(source)}`;
}

/** The line saying a notification was rerouted here because another channel's webhook is broken. */
export function reroutedNote(from: string): string {
  return `⚠️ Rerouted: the webhook of **${escapeText(from, 200)}** is broken, so this was delivered here.`;
}

/** "1h 23m", "2d 3h", "5m", "42s": the two largest units of a duration. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const units: [number, string][] = [[Math.floor(s / 86400), 'd'], [Math.floor(s / 3600) % 24, 'h'], [Math.floor(s / 60) % 60, 'm'], [s % 60, 's']];
  const first = units.findIndex(([v]) => v > 0);
  if (first === -1) return '0s';
  return units.slice(first, first + 2).filter(([v]) => v > 0).map(([v, u]) => `${v}${u}`).join(' ');
}

/** "lasted 1h 23m" for a resolved alert with both times, else undefined. */
export function lastedText(alert: Pick<Alert, 'status' | 'startsAt' | 'endsAt'>): string | undefined {
  const start = epochMs(alert.startsAt);
  const end = epochMs(alert.endsAt);
  if (alert.status !== 'resolved' || start === undefined || end === undefined || end < start) return undefined;
  return `lasted ${formatDuration(end - start)}`;
}

/** UTC ISO time of an alert: endsAt when resolved, else startsAt; the injected clock when it has none. */
export function alertTimestamp(alert: Pick<Alert, 'status' | 'startsAt' | 'endsAt'>, now?: () => number): string | undefined {
  const ms = (alert.status === 'resolved' ? epochMs(alert.endsAt) : undefined) ?? epochMs(alert.startsAt) ?? now?.();
  return isoTimestamp(ms);
}

/** Where each of {@link PREFERRED_LABELS} goes in display order. */
const PREFERRED_RANK = new Map(PREFERRED_LABELS.map((k, i) => [k, i]));

/** A label name Prometheus accepts: it is its own alias (see {@link aliasKeys}). */
const LABEL_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * The labels worth showing, in display order: identifying ones first, then alphabetical; no duplicates of
 * the severity field, no internal `__…` labels. `alertname` only with a `title` it is not (a summary):
 * without one it is taken to be the title, as when the alert has no summary.
 */
export function keyLabels(labels: Record<string, string>, title?: string): [string, string][] {
  return leadingKeyLabels(labels, Number.POSITIVE_INFINITY, title).entries;
}

interface RankedLabel {
  key: string;
  value: string;
  rank: number;
}

const byRankThenName = (a: RankedLabel, b: RankedLabel): number => a.rank - b.rank || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * The first `limit` of {@link keyLabels} (the keys in `lead` before the others, each part in its usual order)
 * and how many key labels there are in all. The labels are gone through once and only the shown head is
 * sorted: an alert may carry 200,000 labels, of which a field or a line shows a few, and enumerating them
 * twice and sorting them all held the event loop seconds per rendering (four renderings when packed).
 */
function leadingKeyLabels(labels: Record<string, string>, limit: number, title?: string, lead?: ReadonlySet<string>): { entries: [string, string][]; count: number } {
  const keys = Object.keys(labels);
  const aliases = aliasKeys(labels, keys);
  const hidden = (k: string, v: string): boolean =>
    k.startsWith(INTERNAL_LABEL_PREFIX) || (DUPLICATE_LABELS.has(k) && parseSeverity(v) !== undefined) || aliases.has(k) ||
    (k === 'alertname' && (title === undefined || oneLine(v) === oneLine(title)));
  const others = PREFERRED_LABELS.length + 1; // the rank where the keys not in `lead` start
  const shown: RankedLabel[] = [];
  for (const key of keys) {
    const value = labels[key];
    if (typeof value !== 'string' || value === '' || hidden(key, value)) continue;
    shown.push({ key, value, rank: (lead?.has(key) ? 0 : others) + (PREFERRED_RANK.get(key) ?? PREFERRED_LABELS.length) });
  }
  return { entries: smallest(shown, limit, byRankThenName).map((l): [string, string] => [l.key, l.value]), count: shown.length };
}

/**
 * Keys that only repeat another label under its matcher-friendly alias (OTLP attributes: `service.name`
 * → `service_name`, sources/otlp/values.ts `labelAlias`), so the pair is shown once, under the original key.
 * `keys`: the labels' own keys (enumerating a map of 200,000 costs more than sorting it: done once).
 */
function aliasKeys(labels: Record<string, string>, keys: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const key of keys) {
    if (LABEL_NAME.test(key)) continue; // its alias is itself
    const alias = key.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/^[0-9]/, '_$&');
    if (alias !== key && Object.hasOwn(labels, alias) && labels[alias] === labels[key]) out.add(alias);
  }
  return out;
}

/**
 * `k=v` pairs of labels on one line, escaped, cut to `max`. Keys in `first` lead (in their usual order):
 * in a compact group, the labels that tell its alerts apart must not be cut off by the ones they share.
 */
export function labelLine(labels: Record<string, string>, max: number, first: ReadonlySet<string> = new Set()): string {
  // Each pair adds at least 3 to `used` ("k=v" or "=v", and a space): the loop stops within max / 3 + 1 pairs.
  const { entries } = leadingKeyLabels(labels, max + 1, undefined, first);
  const parts: string[] = [];
  let used = 0;
  for (const [k, v] of entries) {
    if (used > max) break; // the rest would be cut anyway
    const part = `${truncate(k, max)}=${truncate(v, Math.min(max, LABEL_VALUE_MAX))}`;
    parts.push(part);
    used += part.length + 1;
  }
  // Cut before escaping too: escaping only lengthens, so the result is the same and costs less.
  return escapeText(parts.join(' ').replace(/\s+/g, ' '), max);
}

/**
 * Pairs the "+N more labels" summary is written from. Each pair after the first adds at least 4 code points
 * ("=v" and ", "), so these fill its {@link MAX_FIELD_VALUE} several times over, past the few code points
 * `truncate` looks at beyond its cut: the summary is the same as written from all of them.
 */
const SUMMARY_PAIRS = MAX_FIELD_VALUE;

/**
 * The first `MAX_LABEL_FIELDS` key labels as inline fields, the rest summarised in one "+N more labels"
 * field. `title` is the alert's title (see {@link keyLabels}).
 */
export function labelFields(labels: Record<string, string>, title?: string): DiscordEmbedField[] {
  const { entries, count } = leadingKeyLabels(labels, MAX_LABEL_FIELDS + SUMMARY_PAIRS, title);
  const shown = entries.slice(0, MAX_LABEL_FIELDS).map(([k, v]): DiscordEmbedField => ({
    name: escapeText(k, MAX_FIELD_NAME), value: inlineCode(truncate(v, LABEL_VALUE_MAX)), inline: true,
  }));
  const rest = entries.slice(MAX_LABEL_FIELDS);
  if (rest.length === 0) return shown;
  const summary = truncate(rest.map(([k, v]) => `${truncate(k, LABEL_VALUE_MAX)}=${truncate(v, LABEL_VALUE_MAX)}`).join(', '), MAX_FIELD_VALUE);
  return [...shown, { name: `+${count - MAX_LABEL_FIELDS} more labels`, value: escapeText(summary, MAX_FIELD_VALUE) }];
}

/** The sender's extra fields, escaped (they are alert text). */
export function alertFields(fields: readonly AlertField[]): DiscordEmbedField[] {
  return fields.map((f) => {
    const out: DiscordEmbedField = { name: escapeText(f.name, MAX_FIELD_NAME), value: escapeText(f.value, MAX_FIELD_VALUE) };
    if (typeof f.inline === 'boolean') out.inline = f.inline;
    return out;
  });
}

/**
 * Links fields an alert may take. One field value (1024) holds a few links, but a Prometheus generator link
 * carries its PromQL and a Silence link every label: together they pass it, and the Silence link, last,
 * would be lost. Three fields hold every link of a real alert (source, runbook, dashboard, panel, silence);
 * a fourth may only say how many more there are.
 */
export const MAX_LINK_FIELDS = 3;

/**
 * "Links" fields of Markdown links (`[Runbook](url)`), http(s) only, whole and in order, continued in a
 * further field when one is full (at most {@link MAX_LINK_FIELDS}). A link no field can hold (a URL over
 * 1024) is skipped, not the links after it; "+N more" ends the last field (or takes one of its own when
 * that is full) for what is not shown. Empty when no link is usable.
 */
export function linksFields(links: readonly AlertLink[]): DiscordEmbedField[] {
  const rendered = links.map((l) => markdownLink(l.title, l.url)).filter((l): l is string => l !== undefined);
  const values: string[] = [];
  let used = 0; // of the last field
  let hidden = 0;
  const fitsLast = (cost: number): boolean => values.length > 0 && used + 3 + cost <= MAX_FIELD_VALUE;
  const add = (text: string, cost = codePointLength(text)): void => {
    if (fitsLast(cost)) {
      values[values.length - 1] += ` · ${text}`;
      used += 3 + cost;
    } else {
      values.push(text);
      used = cost;
    }
  };
  for (const link of rendered) {
    const cost = codePointLength(link);
    if (fitsLast(cost) || (cost <= MAX_FIELD_VALUE && values.length < MAX_LINK_FIELDS)) add(link, cost);
    else hidden++;
  }
  if (hidden > 0) add(`+${hidden} more`);
  return values.map((value) => ({ name: 'Links', value }));
}
