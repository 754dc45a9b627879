import type { Alert, AlertGroup, AlertPresentation } from '../../model/alert.js';
import { shortHash, stableStringify } from '../../lib/hash.js';
import type { Severity } from '../../model/severity.js';
import { severityFromLabels } from '../../routing/severity.js';
import { formatPath, MAX_COLLECTED_ISSUES, parseWith, rejected } from '../issues.js';
import { nonBlank } from '../normalize.js';
import type { ParseIssue, ParseResult } from '../types.js';
import { genericAlertSchema, type GenericAlertWire } from './schema.js';

/** Options of {@link parseGeneric}. */
export interface GenericParseOptions {
  /** The URL's `:type` (`POST /generic/:type`); wins over the body's `type` / `alert_type`. */
  type?: string | undefined;
}

/** A title derived from the message is cut to Discord's embed title limit (Embed Limits: title 256). */
export const DERIVED_TITLE_MAX_CODE_POINTS = 256;

/**
 * Bounds on one generic request, checked before any element is parsed. Each alert of an array becomes its
 * own notification, so a body at the default limit (8 MiB) of tiny objects would be over half a million of
 * them and seconds of parsing on the event loop. A script with more alerts sends several requests.
 */
export const MAX_GENERIC_ALERTS = 1000;
/** Fields of one alert (an embed shows 25; the rest are counted as "+N more fields not shown"). */
export const MAX_GENERIC_FIELDS = 100;

type One = { ok: true; group: AlertGroup } | { ok: false; issues: ParseIssue[] };

/**
 * Parses what a script posts: one alert object or an array of them, each becoming its own alert group
 * (its own notification). Issues of an array element are prefixed with its index (`1.title`); every
 * element is checked, so one answer lists every problem.
 *
 * @example
 * ```sh
 * curl -fsS -H 'Content-Type: application/json' http://localhost:8080/webhook/generic/monitoring \
 *   -d '{"title":"Backup late","severity":"warning","labels":{"host":"db-1"},"dedupe_key":"backup-db-1"}'
 * ```
 */
export function parseGeneric(body: unknown, opts: GenericParseOptions = {}): ParseResult {
  const override = requestedType(opts.type);
  if (Array.isArray(body)) {
    if (body.length > MAX_GENERIC_ALERTS) {
      return rejected([{ path: '', message: `at most ${MAX_GENERIC_ALERTS} alerts per request, got ${body.length}: send them in smaller batches` }]);
    }
    const groups: AlertGroup[] = [];
    const issues: ParseIssue[] = [];
    // Stops looking once MAX_COLLECTED_ISSUES are found: a thousand alerts of bad labels each held a million.
    for (let index = 0; index < body.length && issues.length < MAX_COLLECTED_ISSUES; index++) {
      const one = parseOne(body[index], [index], override);
      if (one.ok) groups.push(one.group);
      else issues.push(...one.issues);
    }
    return issues.length > 0 ? rejected(issues) : { ok: true, groups };
  }
  const one = parseOne(body, [], override);
  return one.ok ? { ok: true, groups: [one.group] } : rejected(one.issues);
}

/** One object → one group; `prefix` is the object's path in the body. */
function parseOne(body: unknown, prefix: readonly PropertyKey[], override: string | undefined): One {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, issues: [{ path: formatPath(prefix), message: 'expected an alert object or an array of them' }] };
  }
  const fields = (body as { fields?: unknown }).fields;
  if (Array.isArray(fields) && fields.length > MAX_GENERIC_FIELDS) {
    return { ok: false, issues: [{ path: formatPath([...prefix, 'fields']), message: `at most ${MAX_GENERIC_FIELDS} fields per alert, got ${fields.length}` }] };
  }
  const parsed = parseWith(genericAlertSchema, body, prefix);
  if (!parsed.ok) return parsed;
  const wire = parsed.data;
  const text = titleAndMessage(wire);
  if (!text) {
    return { ok: false, issues: [{ path: formatPath([...prefix, 'title']), message: 'title or message is required' }] };
  }
  // nonBlank, not `??`: a `type` of "" (an unset template variable) is not given and must not hide `alert_type`.
  const type = override ?? requestedType(nonBlank(wire.type) ?? wire.alert_type);
  const group: AlertGroup = { source: 'generic', alerts: [toAlert(wire, text, type)], truncatedAlerts: 0 };
  if (type) group.requestedType = type;
  const dedupeKey = nonBlank(wire.dedupe_key);
  if (dedupeKey) group.dedupeKey = dedupeKey;
  return { ok: true, group };
}

/** A requested alert type as routing compares it: trimmed, lower case ("ERROR" → "error"). */
export function requestedType(value: string | undefined): string | undefined {
  return nonBlank(value)?.toLowerCase();
}

/**
 * The title (trimmed) and message (`message`, else `description`, as given). Without a title, the
 * message's first non-blank line is the title, cut to {@link DERIVED_TITLE_MAX_CODE_POINTS}; without either, undefined.
 */
function titleAndMessage(wire: GenericAlertWire): { title: string; message: string } | undefined {
  const message = [wire.message, wire.description].find((m) => nonBlank(m) !== undefined) ?? '';
  const title = nonBlank(wire.title) ?? nonBlank(message.trim().split(/\r?\n/, 1)[0]);
  if (!title) return undefined;
  return { title: Array.from(title).slice(0, DERIVED_TITLE_MAX_CODE_POINTS).join(''), message };
}

/**
 * The severity a script's alert has when it names none: that of the type it asked for when the type says
 * one (`critical`, `error`: the seed's `AlertType.CRITICAL` message is a critical alert, and its ping
 * should not read "1 firing — info"), else info.
 */
function defaultSeverity(type: string | undefined): Severity {
  return type === 'critical' || type === 'error' ? type : 'info';
}

/** The alert; severity from `severity`, else the labels, else the requested type's ({@link defaultSeverity}). */
function toAlert(wire: GenericAlertWire, text: { title: string; message: string }, type: string | undefined): Alert {
  const labels = wire.labels;
  const alert: Alert = {
    source: 'generic',
    status: wire.status,
    severity: wire.severity ?? severityFromLabels(labels, defaultSeverity(type)),
    title: text.title,
    message: text.message,
    labels,
    annotations: {},
    links: [],
    fields: (wire.fields ?? []).map(({ name, value, inline }) => (inline == null ? { name, value } : { name, value, inline })),
    fingerprint: shortHash(stableStringify({ type: type ?? '', title: text.title, labels })),
  };
  if (wire.timestamp) alert.startsAt = wire.timestamp;
  const presentation = presentationOf(wire);
  if (presentation) alert.presentation = presentation;
  return alert;
}

/** The seed's explicit embed hints (colour, url, author, thumbnail, image, footer, template data), when any is given. */
function presentationOf(wire: GenericAlertWire): AlertPresentation | undefined {
  const p: AlertPresentation = {};
  if (wire.color !== undefined) p.color = wire.color;
  if (wire.url) p.url = wire.url;
  const authorName = nonBlank(wire.author?.name);
  if (authorName) {
    p.author = { name: authorName };
    if (wire.author?.url) p.author.url = wire.author.url;
    if (wire.author?.icon_url) p.author.iconUrl = wire.author.icon_url;
  }
  if (wire.thumbnail) p.thumbnailUrl = wire.thumbnail;
  if (wire.image) p.imageUrl = wire.image;
  const footer = nonBlank(wire.footer);
  if (footer) p.footer = footer;
  if (wire.template) p.template = wire.template;
  return Object.keys(p).length > 0 ? p : undefined;
}
