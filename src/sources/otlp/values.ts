import type { Severity } from '../../model/severity.js';
import { parseSeverity } from '../../routing/severity.js';
import type { OtlpAttributes, OtlpValue } from './schema.js';

/**
 * Small pure helpers that turn OTLP values into the strings an `Alert` holds: severity, text, labels, times.
 */

/** A title cut from the body is cut to Discord's embed title limit (Embed Limits: title 256 characters). */
export const OTLP_TITLE_MAX_CODE_POINTS = 256;

/** Largest time a Date holds, in ms (ECMA-262, Time Values: ±8.64e15 ms). */
const MAX_TIME_MS = 8.64e15;

/**
 * Severity from `severityNumber` (logs data model: 1–4 TRACE, 5–8 DEBUG, 9–12 INFO, 13–16 WARN,
 * 17–20 ERROR, 21–24 FATAL): 21–24 critical, 17–20 error, 13–16 warning, 1–12 info; undefined for 0.
 */
export function severityFromNumber(n: number): Severity | undefined {
  if (n >= 21) return 'critical';
  if (n >= 17) return 'error';
  if (n >= 13) return 'warning';
  return n >= 1 ? 'info' : undefined;
}

/**
 * Level names of logging libraries that are not general severity synonyms. As the logs data model's
 * Appendix B ("SeverityNumber example mappings") maps them: java.util.logging SEVERE → ERROR, zap DPanic →
 * ERROR2 and Panic → ERROR3. Also the one-letter levels of glog, klog and Android's Log (W, E, F), and
 * pino's and bunyan's numbers (40 warn, 50 error, 60 fatal), which a log shipper told only where the level
 * is passes on as text. A record carrying only such a text would otherwise be info, and dropped.
 */
const LOG_LEVEL_NAMES: Readonly<Record<string, Severity>> = Object.freeze({
  severe: 'error', dpanic: 'error', panic: 'error',
  w: 'warning', e: 'error', f: 'critical',
  '40': 'warning', '50': 'error', '60': 'critical',
});

/**
 * A record's severity: from its number, else (0 or missing) from `severityText` through our synonyms
 * (routing/severity.ts) or a logging library's level name, tolerating the suffixes of in-between levels
 * ("WARN2" as the data model writes them, "ERROR+2" as Go's slog does), else info.
 */
export function recordSeverity(severityNumber: number, severityText: string | null | undefined): Severity {
  const fromNumber = severityFromNumber(severityNumber);
  if (fromNumber) return fromNumber;
  const text = severityText?.trim() ?? '';
  return textSeverity(text) ?? textSeverity(text.replace(/(?:[1-4]|[+-]\d+)$/, '')) ?? 'info';
}

/** One severity text: a general synonym, else a logging library's level name; undefined when neither. */
function textSeverity(text: string): Severity | undefined {
  const name = text.toLowerCase();
  return parseSeverity(text) ?? (Object.hasOwn(LOG_LEVEL_NAMES, name) ? LOG_LEVEL_NAMES[name] : undefined);
}

/** A value as text: strings as they are, scalars in their JSON form, kvlist/array as compact JSON, null as "". */
export function valueText(value: OtlpValue): string {
  if (value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * What a record without a body says through OpenTelemetry's exception attributes ("type: message", either
 * alone, or ""). Semantic conventions "Exceptions in logs" (stable) put the exception in `exception.type` and
 * `exception.message`, and the `*.exception` events of HTTP and RPC instrumentations carry nothing else: as
 * the message, it tells two exceptions apart (dedupe and flood control go by it) and shows what happened.
 */
export function exceptionText(labels: Readonly<Record<string, string>>): string {
  const parts = [labels['exception.type'], labels['exception.message']].map((p) => p?.trim() ?? '');
  return parts.filter((p) => p !== '').join(': ');
}

/** A Prometheus-valid alias of an attribute key (`service.name` → `service_name`), as the Collector's Prometheus exporter does. */
export function labelAlias(key: string): string {
  const cleaned = key.replace(/[^a-zA-Z0-9_:]/g, '_');
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
}

/**
 * Labels from resource then record attributes (a record attribute wins on the same key), values as text.
 * Keys that are not Prometheus label names also get their alias (`service_name`) unless it is taken, so
 * routes can match them: Alertmanager matchers cannot name `service.name`. Built with a Map and
 * `Object.fromEntries`, so a `__proto__` key stays an own property.
 */
export function attributeLabels(...lists: OtlpAttributes[]): Record<string, string> {
  const labels = new Map<string, string>();
  for (const list of lists) for (const [key, value] of list) if (value !== null) labels.set(key, valueText(value));
  for (const [key, value] of [...labels]) {
    const alias = labelAlias(key);
    if (alias !== key && !labels.has(alias)) labels.set(alias, value);
  }
  return Object.fromEntries(labels);
}

/** The first non-blank line of text, trimmed and cut to {@link OTLP_TITLE_MAX_CODE_POINTS}; undefined when blank. */
export function firstLine(text: string): string | undefined {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '')?.trim();
  return line ? Array.from(line).slice(0, OTLP_TITLE_MAX_CODE_POINTS).join('') : undefined;
}

/** Nanoseconds since the epoch as ISO 8601 (ms precision); undefined when unset or beyond what a Date holds. */
export function nanosToIso(nanos: bigint | undefined): string | undefined {
  if (nanos === undefined) return undefined;
  const ms = Number(nanos / 1_000_000n);
  return ms > 0 && ms <= MAX_TIME_MS ? new Date(ms).toISOString() : undefined;
}
