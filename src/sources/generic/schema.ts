import { z } from 'zod';
import type { Severity } from '../../model/severity.js';
import { parseSeverity } from '../../routing/severity.js';
import { boundedArray, httpUrl, isScalar, nonBlank, reportBadValues, requiredText, setOwn, stringMap, wireText } from '../normalize.js';
import { MAX_TIMESTAMP_MS, parseTime } from '../../lib/parse-time.js';

/**
 * The generic JSON scripts post: the seed's NotificationMessage (`alert_type`, `title`, `message`,
 * `fields`, color/url/timestamp/author/thumbnail/image/footer) and a friendlier shape (`type`, `severity`,
 * `status`, `labels`, `url`, `dedupe_key`, `description`). One permissive object covers both; unknown
 * fields are accepted, null and "" mean absent. Values that would make Discord refuse the message later
 * (a colour or URL it cannot use) are rejected here, where the script still gets the answer.
 */

/** Largest embed colour: 24-bit RGB (Discord Embed Object, `color`). */
const MAX_COLOR = 0xffffff;

/** Below this a numeric timestamp is read as Unix seconds, above as milliseconds (year 5138 in seconds). */
const EPOCH_SECONDS_LIMIT = 1e11;

/** The sender's severity: one of ours or a synonym (routing/severity.ts); "" or null means none given. */
const severitySchema = wireText.transform((value, ctx): Severity | undefined => {
  if (!nonBlank(value)) return undefined;
  const found = parseSeverity(value);
  if (found) return found;
  ctx.addIssue({ code: 'custom', message: 'unknown severity; use critical, error, warning or info', input: value });
  return z.NEVER;
});

/** firing (default) or resolved, case-insensitive. */
const statusSchema = wireText.transform((value, ctx): 'firing' | 'resolved' => {
  const status = nonBlank(value)?.toLowerCase() ?? 'firing';
  if (status === 'firing' || status === 'resolved') return status;
  ctx.addIssue({ code: 'custom', message: 'expected "firing" or "resolved"', input: value });
  return z.NEVER;
});

/** An optional absolute http(s) URL; "" or null means none. */
const urlSchema = wireText.transform((value, ctx): string | undefined => {
  if (!nonBlank(value)) return undefined;
  const url = httpUrl(value);
  if (!url) ctx.addIssue({ code: 'custom', message: 'expected an absolute http(s) URL', input: value });
  return url ?? z.NEVER;
});

/** Blank text is "not given", as README says of empty strings (a template's unset variable may leave spaces). */
function isBlank(value: string | number): boolean {
  return typeof value === 'string' && nonBlank(value) === undefined;
}

/** A colour as 0xRRGGBB: an integer, or text "#ff0000", "0xff0000", "ff0000" or "16711680". */
const colorSchema = z.union([z.number(), z.string()]).nullish().transform((value, ctx): number | undefined => {
  if (value == null || isBlank(value)) return undefined;
  const color = typeof value === 'number' ? value : parseColor(value);
  if (color !== undefined && Number.isInteger(color) && color >= 0 && color <= MAX_COLOR) return color;
  ctx.addIssue({ code: 'custom', message: 'expected a colour 0..0xFFFFFF (integer or "#RRGGBB")', input: value });
  return z.NEVER;
});

function parseColor(text: string): number | undefined {
  const t = text.trim();
  if (/^(#|0x)?[0-9a-f]{6}$/i.test(t)) return Number.parseInt(t.slice(t.length - 6), 16);
  return /^\d+$/.test(t) ? Number(t) : undefined;
}

/** Unix seconds or milliseconds as text (`"$(date +%s)"`, `date +%s.%N`): Date.parse reads none of them. */
const EPOCH_TEXT = /^\s*-?\d+(?:\.\d+)?\s*$/;

/** A Unix time in seconds (below {@link EPOCH_SECONDS_LIMIT}) or milliseconds, in milliseconds. */
function epochMs(value: number): number {
  return Math.abs(value) < EPOCH_SECONDS_LIMIT ? value * 1000 : value;
}

/**
 * An ISO 8601 time or Unix seconds/milliseconds, as ISO 8601. The Unix time may come as a number or as a
 * string of digits: a script quoting `$(date +%s)` in its JSON means the same time as one that does not.
 * Nothing past year 9999 (what an embed can show): microseconds read as milliseconds land in year 58879,
 * and were accepted only for the embed to show the time received instead, the script none the wiser.
 */
const timestampSchema = z.union([z.string(), z.number()]).nullish().transform((value, ctx): string | undefined => {
  if (value == null || isBlank(value)) return undefined;
  const numeric = typeof value === 'number' ? value : EPOCH_TEXT.test(value) ? Number(value) : undefined;
  const ms = numeric !== undefined ? epochMs(numeric) : parseTime(value as string);
  if (Number.isFinite(ms) && Math.abs(ms) <= MAX_TIMESTAMP_MS) return new Date(ms).toISOString();
  ctx.addIssue({ code: 'custom', message: 'expected an ISO 8601 time or Unix seconds/milliseconds, up to year 9999', input: value });
  return z.NEVER;
});

/** `value[key]` when value is a plain object, else value: lets `"x"` and `{ key: "x" }` share one schema. */
function unwrap(key: string): (value: unknown) => unknown {
  return (value) =>
    typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : value;
}

/** A URL given as text or as `{ url }` (the seed's thumbnail/image). */
const urlRefSchema = z.preprocess(unwrap('url'), urlSchema).optional();

/** Author as a name, or `{ name, url, icon_url }`. */
const authorSchema = z
  .union([z.string(), z.object({ name: requiredText, url: urlSchema, icon_url: urlSchema })], {
    error: 'expected a name or { name, url, icon_url }',
  })
  .nullish()
  .transform((value) => (typeof value === 'string' ? { name: value, url: undefined, icon_url: undefined } : value));

/** Footer as text, or `{ text }`. */
const footerSchema = z.preprocess(unwrap('text'), wireText).optional();

/**
 * `inline` as a boolean, or as the text "true" / "false" (any case): what `jq --arg`, an envsubst template
 * or a quoted shell variable produces. "" and null mean not given; other text is an issue.
 */
const inlineSchema = z
  .union([z.boolean(), z.string()], { error: 'expected true or false' })
  .nullish()
  .transform((value, ctx): boolean | undefined => {
    if (value == null || typeof value === 'boolean') return value ?? undefined;
    const text = value.trim().toLowerCase();
    if (text === '') return undefined;
    if (text === 'true' || text === 'false') return text === 'true';
    ctx.addIssue({ code: 'custom', message: 'expected true or false', input: value });
    return z.NEVER;
  });

/** One embed field; the value may be a number or null (shown empty). */
export const genericFieldSchema = z.object({
  name: requiredText,
  value: wireText.transform((v) => v ?? ''),
  inline: inlineSchema,
});

/**
 * Seed template data (`template`): what the alert type's template shows beyond title and message, e.g.
 * error `traceback`; critical `impact`, `action_required`; tracklist `tracks`; monitoring `metric_name`,
 * `current_value`, `threshold`, `unit`; security `event`, `source`, `details` (render/alert-template.ts).
 * Values are text (numbers and booleans as written); an array (the tracks) is kept as its JSON; null is
 * absent. An alert with template data renders through its type's template.
 */
const templateSchema = z
  .unknown()
  .nullish()
  .transform((raw, ctx): Record<string, string> | undefined => {
    if (raw == null) return undefined;
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      ctx.addIssue({ code: 'custom', message: 'expected an object of template values', input: raw });
      return z.NEVER;
    }
    if (reportBadValues(raw, ctx, (value) => isScalar(value) || Array.isArray(value), 'expected a string, number, boolean or array') > 0) return z.NEVER;
    const out: Record<string, string> = {};
    for (const key of Object.keys(raw)) {
      const value = (raw as Record<string, unknown>)[key];
      if (value != null) setOwn(out, key, Array.isArray(value) ? JSON.stringify(value) : String(value));
    }
    return Object.keys(out).length > 0 ? out : undefined;
  });

/** One generic alert object, either shape. */
export const genericAlertSchema = z.object({
  type: wireText,
  alert_type: wireText,
  title: wireText,
  message: wireText,
  description: wireText,
  severity: severitySchema,
  status: statusSchema,
  labels: stringMap,
  url: urlSchema,
  fields: boundedArray(genericFieldSchema).nullish(),
  dedupe_key: wireText,
  color: colorSchema,
  timestamp: timestampSchema,
  author: authorSchema,
  thumbnail: urlRefSchema,
  image: urlRefSchema,
  footer: footerSchema,
  template: templateSchema,
});

export type GenericAlertWire = z.output<typeof genericAlertSchema>;
