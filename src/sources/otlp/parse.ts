import type { z } from 'zod';
import { shortHash, stableStringify } from '../../lib/hash.js';
import type { Alert, AlertField, AlertGroup } from '../../model/alert.js';
import { severityRank, type Severity } from '../../model/severity.js';
import { formatPath, parseWith } from '../issues.js';
import type { ParseIssue } from '../types.js';
import { objectDepth } from './depth.js';
import { logRecordSchema, logsRequestSchema, resourceSchema, type OtlpAttributes, type OtlpLogRecordWire, type OtlpLogsRequestWire } from './schema.js';
import { withDeployment } from './service-identity.js';
import { attributeLabels, exceptionText, firstLine, labelAlias, nanosToIso, recordSeverity, valueText } from './values.js';

/** Options of {@link parseOtlpLogs}. */
export interface OtlpParseOptions {
  /** Records below this severity are dropped (still a full success for the sender). Default warning. */
  minSeverity?: Severity;
  /**
   * `server.max_json_depth` for one resource or record, counted from itself: a deeper one is rejected
   * alone (partial success) instead of the whole batch answering 400, which an exporter drops with its
   * other records (see {@link otlpRequestDepth}).
   */
  maxDepth?: number;
}

/** Fields of the messages inside an ExportLogsServiceRequest (ResourceLogs, ScopeLogs, LogRecord). */
const INNER_FIELDS = ['resource', 'scopeLogs', 'logRecords', 'body', 'severityText', 'severityNumber', 'timeUnixNano', 'observedTimeUnixNano'];

/**
 * The issue of a body that is a part of a request, not a whole one: a bare log record or a ResourceLogs
 * posted by hand (curl) was read as an empty request, answered 200 and delivered nothing. Only a body without
 * `resourceLogs` that holds one of the inner messages' fields; other unknown fields stay ignored (OTLP's
 * forward compatibility). No exporter sends such a body.
 */
function partOfRequest(request: unknown): ParseIssue | undefined {
  if (typeof request !== 'object' || request === null || Array.isArray(request) || 'resourceLogs' in request) return undefined;
  const found = INNER_FIELDS.find((field) => Object.hasOwn(request, field));
  if (found === undefined) return undefined;
  return { path: found, message: `"${found}" belongs inside a log request: send {"resourceLogs":[{"resource":{…},"scopeLogs":[{"logRecords":[…]}]}]} (resourceLogs[].scopeLogs[].logRecords[])` };
}

/** How deep a record sits in an `ExportLogsServiceRequest` (request, resourceLogs, an element, scopeLogs, an element, logRecords). */
const OTLP_ENVELOPE_DEPTH = 6;

/**
 * The nesting a whole OTLP request may have, for `server.max_json_depth`: records nested up to four times
 * the limit are rejected one by one (partial success) by {@link parseOtlpLogs}; only deeper is the request
 * refused (400), the bound that keeps a nesting bomb cheap (every depth walk here is iterative).
 */
export function otlpRequestDepth(maxDepth: number): number {
  return 4 * maxDepth + OTLP_ENVELOPE_DEPTH;
}

/**
 * The outcome of parsing an `ExportLogsServiceRequest`: one group per delivered record, the number of
 * records rejected as invalid (reported to the sender as `partialSuccess`) and dropped as below the
 * minimum severity; or, when the envelope itself is malformed, every issue (a 400).
 */
export type OtlpParseResult =
  | { ok: true; groups: AlertGroup[]; rejected: number; dropped: number; rejectedMessage?: string }
  | { ok: false; issues: ParseIssue[] };

/**
 * Log records one request may hold. Each costs an alert (~1 KB and tens of µs) however few bytes it took on the
 * wire (4 in protobuf: 8 MiB held two million, ~2.7 GB and a minute of a blocked event loop). Above the
 * Collector's default batch (8,192); its batching is capped with `send_batch_max_size` / `sending_queue.batch.max_size`.
 */
export const MAX_OTLP_RECORDS = 10_000;

/**
 * Attributes a resource may have: they are copied into the labels of each of its records, so a wide resource
 * over many records multiplied (1,000 × 5,000 records, 72 KB, took 5 s). OpenTelemetry's own default
 * attribute count limit (SDK spec "Attribute Limits": 128).
 */
export const MAX_OTLP_RESOURCE_ATTRIBUTES = 128;

/** The issue of a request holding more than {@link MAX_OTLP_RECORDS} records (both encodings say the same). */
export function tooManyRecords(count: number): ParseIssue {
  return { path: '', message: `at most ${MAX_OTLP_RECORDS} log records per request, got ${count}: send smaller batches` };
}

/** At most this many record issues are quoted in `partialSuccess.errorMessage`. */
const QUOTED_ISSUES = 3;

/** What a resource contributes to each of its records. */
interface ResourceContext {
  attributes: OtlpAttributes;
  scopeName?: string | undefined;
}

/**
 * Parses OTLP logs (JSON mapping, or protobuf decoded into it by decode-protobuf.ts). Each record at or
 * above `minSeverity` becomes its own group (architecture.md: one OTLP record = one notification), with
 * source `otlp`. A record, or a resource, that fails its schema is counted as rejected, never failing
 * the request; only a malformed envelope (`resourceLogs` not an array …) answers issues.
 */
export function parseOtlpLogs(request: unknown, opts: OtlpParseOptions = {}): OtlpParseResult {
  const minRank = severityRank(opts.minSeverity ?? 'warning');
  const part = partOfRequest(request);
  if (part) return { ok: false, issues: [part] };
  const envelope = parseWith(logsRequestSchema, request);
  if (!envelope.ok) return envelope;
  const count = recordCount(envelope.data);
  if (count > MAX_OTLP_RECORDS) return { ok: false, issues: [tooManyRecords(count)] };
  const groups: AlertGroup[] = [];
  const issues: ParseIssue[] = [];
  let rejected = 0;
  let dropped = 0;
  envelope.data.resourceLogs?.forEach((rl, i) => {
    // Without records a resource is nothing to deliver or reject: its problems are no record's, and reading
    // them cost as much as a record's (a request of such resources, bounded by no record count).
    if (!rl.scopeLogs?.some((sl) => (sl.logRecords?.length ?? 0) > 0)) return;
    const resource = tooWide(parseBounded(resourceSchema, rl.resource, ['resourceLogs', i, 'resource'], opts.maxDepth), i);
    if (!resource.ok) {
      // A resource that fails its schema takes its records with it: they are rejected, the rest go on.
      rejected += (rl.scopeLogs ?? []).reduce((n, sl) => n + (sl.logRecords?.length ?? 0), 0);
      issues.push(...resource.issues);
      return;
    }
    rl.scopeLogs?.forEach((sl, j) => {
      const context: ResourceContext = { attributes: resource.data?.attributes ?? [], scopeName: scopeName(sl.scope) };
      (sl.logRecords ?? []).forEach((raw, k) => {
        const declared = declaredSeverity(raw);
        if (declared && severityRank(declared) > minRank) {
          dropped++;
          return;
        }
        const record = parseBounded(logRecordSchema, raw, ['resourceLogs', i, 'scopeLogs', j, 'logRecords', k], opts.maxDepth);
        if (!record.ok) {
          rejected++;
          issues.push(...record.issues);
          return;
        }
        const alert = toAlert(record.data, context);
        if (severityRank(alert.severity) > minRank) dropped++;
        else groups.push({ source: 'otlp', alerts: [alert], truncatedAlerts: 0 });
      });
    });
  });
  return rejected > 0 ? { ok: true, groups, rejected, dropped, rejectedMessage: rejectionMessage(rejected, issues) } : { ok: true, groups, rejected, dropped };
}

/** Records in a request, whatever their severity or shape. */
function recordCount(request: OtlpLogsRequestWire): number {
  let n = 0;
  for (const rl of request.resourceLogs ?? []) for (const sl of rl.scopeLogs ?? []) n += sl.logRecords?.length ?? 0;
  return n;
}

/** A parsed resource over {@link MAX_OTLP_RESOURCE_ATTRIBUTES} as an issue: its records are rejected with it. */
function tooWide<T extends ReturnType<typeof parseWith<typeof resourceSchema>>>(resource: T, index: number): T | { ok: false; issues: ParseIssue[] } {
  const n = resource.ok ? (resource.data?.attributes.length ?? 0) : 0;
  if (n <= MAX_OTLP_RESOURCE_ATTRIBUTES) return resource;
  return { ok: false, issues: [{ path: formatPath(['resourceLogs', index, 'resource', 'attributes']), message: `at most ${MAX_OTLP_RESOURCE_ATTRIBUTES} attributes per resource, got ${n}` }] };
}

/**
 * The severity a raw record declares, read without validating the rest, or undefined when its severity
 * fields are not plain (then the full parse decides). Most of a Collector's logs are below the minimum:
 * they are dropped on this look alone, so they cost no schema walk (and are never "rejected").
 */
function declaredSeverity(raw: unknown): Severity | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { severityNumber = 0, severityText } = raw as { severityNumber?: unknown; severityText?: unknown };
  if (typeof severityNumber !== 'number' || !Number.isInteger(severityNumber) || severityNumber < 0 || severityNumber > 24) return undefined;
  if (severityText != null && typeof severityText !== 'string') return undefined;
  return recordSeverity(severityNumber, severityText);
}

/**
 * {@link parseWith} for one resource or record, where a value nested deeper than `maxDepth`, or past what
 * the recursive AnyValue schema can walk (a few hundred levels), is an issue of that record, not a
 * failure of the request.
 */
function parseBounded<S extends z.ZodType>(schema: S, raw: unknown, path: readonly PropertyKey[], maxDepth?: number): ReturnType<typeof parseWith<S>> {
  if (maxDepth !== undefined && objectDepth(raw, maxDepth) > maxDepth) {
    return { ok: false, issues: [{ path: formatPath(path), message: `nested deeper than ${maxDepth} levels (server.max_json_depth)` }] };
  }
  try {
    return parseWith(schema, raw, path);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return { ok: false, issues: [{ path: formatPath(path), message: 'value nested too deeply' }] };
  }
}

/** `InstrumentationScope.name`, read leniently (the scope is informative only). */
function scopeName(scope: unknown): string | undefined {
  if (typeof scope !== 'object' || scope === null) return undefined;
  const name = (scope as { name?: unknown }).name;
  return typeof name === 'string' && name.trim() !== '' ? name : undefined;
}

/** "2 log records rejected: path: message; …" for `partialSuccess.errorMessage`. */
function rejectionMessage(rejected: number, issues: ParseIssue[]): string {
  const quoted = issues.slice(0, QUOTED_ISSUES).map((i) => `${i.path || '(record)'}: ${i.message}`);
  const more = issues.length > QUOTED_ISSUES ? `; and ${issues.length - QUOTED_ISSUES} more` : '';
  return `${rejected} log record${rejected === 1 ? '' : 's'} rejected as invalid: ${quoted.join('; ')}${more}`;
}

/**
 * One record as an alert: severity from the number (else the text), title from `eventName` or the
 * body's first line, message = the body as text (without a body, its exception), labels from resource +
 * record attributes, trace and span ids as fields, fingerprint = hash of service (service-identity.ts: staging's
 * and production's records are two alerts), severity, event name and message.
 */
function toAlert(record: OtlpLogRecordWire, context: ResourceContext): Alert {
  const severity = recordSeverity(record.severityNumber, record.severityText);
  const labels = attributeLabels(context.attributes, record.attributes);
  const message = valueText(record.body) || exceptionText(labels);
  const stack = takeStackTrace(labels);
  const service = labels['service.name'];
  const alert: Alert = {
    source: 'otlp',
    status: 'firing',
    severity,
    title: recordTitle(record, message, severity, service),
    message,
    labels,
    annotations: annotationsOf(record, context),
    links: [],
    fields: stack ? [...idFields(record), stack] : idFields(record),
    fingerprint: shortHash(stableStringify(withDeployment([service ?? '', severity, record.eventName ?? '', message], labels))),
  };
  const startsAt = nanosToIso(record.timeUnixNano) ?? nanosToIso(record.observedTimeUnixNano);
  if (startsAt) alert.startsAt = startsAt;
  return alert;
}

/** `eventName`, else the body's first line, else "<SEVERITY> log record from <service>". */
function recordTitle(record: OtlpLogRecordWire, message: string, severity: Severity, service: string | undefined): string {
  const named = firstLine(record.eventName ?? '');
  if (named) return named;
  const fromBody = firstLine(message);
  if (fromBody) return fromBody;
  const level = record.severityText?.trim() || severity.toUpperCase();
  return `${level} log record${service ? ` from ${service}` : ''}`;
}

/** The sender's own severity wording and the instrumentation scope, kept as annotations. */
function annotationsOf(record: OtlpLogRecordWire, context: ResourceContext): Record<string, string> {
  const annotations: Record<string, string> = {};
  const text = record.severityText?.trim();
  if (text) annotations['severity_text'] = text;
  if (context.scopeName) annotations['otel.scope.name'] = context.scopeName;
  return annotations;
}

/** The attribute OpenTelemetry's exception semantic conventions put a log record's stack trace in. */
const STACKTRACE_ATTRIBUTE = 'exception.stacktrace';

/**
 * The record's stack trace taken out of `labels` (with its matcher alias) as a "Stack trace" field: a label
 * shows as one line of inline code cut to 200 characters, the top frame cut mid-name; a field keeps its lines
 * (its start, up to a field value's 1,024). Not the body: the dedupe and fold identity stays the record's.
 */
function takeStackTrace(labels: Record<string, string>): AlertField | undefined {
  if (!Object.hasOwn(labels, STACKTRACE_ATTRIBUTE)) return undefined;
  const stack = labels[STACKTRACE_ATTRIBUTE]!;
  delete labels[STACKTRACE_ATTRIBUTE];
  const alias = labelAlias(STACKTRACE_ATTRIBUTE);
  if (labels[alias] === stack) delete labels[alias];
  return stack.trim() === '' ? undefined : { name: 'Stack trace', value: stack, inline: false };
}

/** Trace and span ids as inline fields (hex). */
function idFields(record: OtlpLogRecordWire): AlertField[] {
  const fields: AlertField[] = [];
  if (record.traceId) fields.push({ name: 'Trace ID', value: record.traceId, inline: true });
  if (record.spanId) fields.push({ name: 'Span ID', value: record.spanId, inline: true });
  return fields;
}
