import { z } from 'zod';
import { memoize } from '../lib/memo.js';
import type { AlertLink } from '../model/alert.js';
import { parseTime } from '../lib/parse-time.js';
import { MAX_COLLECTED_ISSUES } from './issues.js';

/**
 * Wire values shared by every source: text that may arrive as a number or null, label maps, links,
 * times. Senders differ in how strict they are (Grafana's Test button sends `""` and `null`), so these
 * accept what is harmless and turn it into the plain strings the `Alert` model holds.
 */

/** An optional scalar as text: numbers and booleans become their string form, null means absent. */
export const wireText = z
  .union([z.string(), z.number(), z.boolean()], { error: 'expected a string' })
  .nullish()
  .transform((v) => (v == null ? undefined : String(v)));

/** Text that must be present (a field's name); numbers and booleans are accepted as text. */
export const requiredText = z
  .union([z.string(), z.number(), z.boolean()], { error: 'expected a string' })
  .transform((v) => String(v));

/**
 * A map of label-like strings (labels, annotations, tags). Numbers and booleans are coerced, null values
 * dropped, a missing or null map is empty; anything else is an issue at the offending key.
 * Built from the raw input's own keys, not with zod's record (which drops a `__proto__` key): a
 * `__proto__` label becomes an ordinary own property and can never reach a prototype.
 */
export const stringMap = z
  .unknown()
  .optional()
  .transform((raw, ctx): Record<string, string> => {
    const map = plainStringMap(raw);
    if (map) return map;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      ctx.addIssue({ code: 'custom', message: 'expected an object of strings', input: raw });
      return z.NEVER;
    }
    reportBadValues(raw, ctx, isScalar, 'expected a string, number or boolean');
    return z.NEVER;
  });

/** A value a label-like map takes as text: a string, number or boolean. */
export function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/**
 * Adds an issue (`message`, at its key) for each value of `raw` that is not null and that `accepts` refuses,
 * up to {@link MAX_COLLECTED_ISSUES} (zod's record kept one for every bad value: a map of millions ran the
 * process out of memory). Answers how many it added.
 */
export function reportBadValues(raw: object, ctx: Pick<z.RefinementCtx, 'addIssue'>, accepts: (value: unknown) => boolean, message: string): number {
  let issues = 0;
  for (const key of Object.keys(raw)) {
    const value = (raw as Record<string, unknown>)[key];
    if (value == null || accepts(value)) continue;
    ctx.addIssue({ code: 'custom', message, path: [key], input: value });
    if (++issues >= MAX_COLLECTED_ISSUES) break;
  }
  return issues;
}

/** Sets `out[key]` as an own data property, so a `__proto__` key stays data and never reaches a prototype. */
export function setOwn(out: Record<string, string>, key: string, value: string): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/**
 * `z.array(item)` that stops looking once `maxIssues` issues are found (zod's array checks every element and
 * keeps every issue: a body of tiny bad elements ran the process out of memory). The same result and issue
 * paths otherwise.
 */
export function boundedArray<T extends z.ZodType>(item: T, maxIssues = MAX_COLLECTED_ISSUES) {
  return z.array(z.unknown()).transform((values, ctx): z.output<T>[] => {
    const out: z.output<T>[] = [];
    let issues = 0;
    for (let i = 0; i < values.length; i++) {
      const parsed = item.safeParse(values[i]);
      if (parsed.success) {
        out.push(parsed.data);
        continue;
      }
      for (const issue of parsed.error.issues) {
        ctx.addIssue({ code: 'custom', message: issue.message, path: [i, ...issue.path], input: values[i] });
        if (++issues >= maxIssues) return z.NEVER;
      }
    }
    return issues > 0 ? z.NEVER : out;
  });
}

/**
 * {@link stringMap}'s result without zod, or undefined where it would report an issue (then let it). Copied
 * key by key rather than Object.entries → Object.fromEntries: two maps per alert were the largest part of
 * parsing an Alertmanager body (bench "ingest"). Same own keys, order and values.
 */
export function plainStringMap(raw: unknown): Record<string, string> | undefined {
  if (raw == null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const out: Record<string, string> = {};
  const source = raw as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (value == null) continue;
    if (!isScalar(value)) return undefined;
    setOwn(out, key, String(value));
  }
  return out;
}

/** The text when it has non-blank content, trimmed; otherwise undefined. */
export function nonBlank(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * The URL when it is an absolute http(s) URL, else undefined. Discord refuses other URLs in embeds, and
 * Grafana sends `""` for links that do not exist (dashboardURL of an unlinked rule, the Test button).
 */
export function httpUrl(value: string | undefined): string | undefined {
  const trimmed = nonBlank(value);
  return trimmed && isHttpUrl(trimmed) ? trimmed : undefined;
}

/**
 * One URL parse per distinct text (two per link were a third of parsing an Alertmanager body, bench
 * "ingest"). The scheme is read from the parsed URL, not the text: the parser drops tabs and newlines
 * (`ht\ttp:`) and lower-cases the scheme.
 */
const isHttpUrl = memoize((text: string): boolean => {
  const url = URL.parse(text);
  return url !== null && (url.protocol === 'http:' || url.protocol === 'https:');
});

/** Appends a link when its URL is usable and not already listed; returns the list for chaining. */
export function addLink(links: AlertLink[], title: string, url: string | undefined): AlertLink[] {
  // A look through the list, not linkAppender's set: called a few times per alert on every ingest request.
  const usable = httpUrl(url);
  if (usable !== undefined && !links.some((l) => l.url === usable)) links.push({ title, url: usable });
  return links;
}

/**
 * {@link addLink} for many links into one list: past a few links, the URLs listed are kept in a set, not
 * looked for in the list once per link (an alert's annotations, where that was quadratic: 100,000 link
 * annotations in a 2 MB body held the event loop over a minute). Up to then a look through the list: a set
 * per alert cost more than the look on every ingest request (bench "ingest"). Only this appender may add
 * to `links` while it is used.
 */
export function linkAppender(links: AlertLink[]): (title: string, url: string | undefined) => void {
  let listed: Set<string> | undefined;
  return (title, url) => {
    const usable = httpUrl(url);
    if (usable === undefined) return;
    if (listed === undefined && links.length >= LINKS_LOOKED_THROUGH) listed = new Set(links.map((l) => l.url));
    if (listed ? listed.has(usable) : links.some((l) => l.url === usable)) return;
    listed?.add(usable);
    links.push({ title, url: usable });
  };
}

/** Links {@link linkAppender} looks through before it keeps a set of their URLs. */
const LINKS_LOOKED_THROUGH = 8;

/**
 * A wire time as ISO 8601 (UTC, milliseconds), or undefined when unparsable or unset. Times at or before
 * the Unix epoch mean unset: Alertmanager and Grafana send Go's zero time `0001-01-01T00:00:00Z` for
 * "no end" (Alertmanager webhook docs, `endsAt`).
 */
export function isoTime(value: string | undefined): string | undefined {
  return value ? canonicalTime(value) : undefined;
}

/** Remembered: the alerts of a group mostly share their `startsAt`, and every firing one sends the zero `endsAt`. */
const canonicalTime = memoize((value: string): string | undefined => {
  const ms = parseTime(value);
  return Number.isNaN(ms) || ms <= 0 ? undefined : new Date(ms).toISOString();
});

/** An alert's title: `annotations.summary`, then `labels.alertname`, then the given default. */
export function summaryTitle(labels: Record<string, string>, annotations: Record<string, string>, fallback: string): string {
  return nonBlank(annotations['summary']) ?? nonBlank(labels['alertname']) ?? fallback;
}
