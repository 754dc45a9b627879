import { z } from 'zod';
import { boundedArray } from '../normalize.js';

/**
 * OTLP/HTTP logs in the OTLP JSON mapping (opentelemetry-proto `logs/v1/logs.proto`,
 * `collector/logs/v1/logs_service.proto`; OTLP spec "JSON Protobuf Encoding"): lowerCamelCase keys
 * (json-keys.ts renames the proto field names some senders write),
 * 64-bit integers as numbers or decimal strings, enums as integers, trace and span ids as hex, `bytes`
 * values as base64, unknown fields ignored. decode-protobuf.ts turns binary protobuf into this same shape,
 * so one schema serves both encodings.
 *
 * The envelope (`resourceLogs[].scopeLogs[].logRecords[]`) is checked here; each record and each resource
 * is parsed on its own by parse.ts, so one bad record is rejected (partialSuccess) instead of failing the
 * whole request.
 */

/** An AnyValue as plain data: kvlist → object, array → array, int64 → number (string beyond 2^53), empty → null. */
export type OtlpValue = string | number | boolean | null | OtlpValue[] | { [key: string]: OtlpValue };

/** Attributes as ordered `[key, value]` pairs (a later duplicate key wins when they become labels). */
export type OtlpAttributes = [string, OtlpValue][];

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * An integer given as a JSON number or a decimal string, as a bigint; undefined when it is neither. A
 * number beyond 2^53 was already rounded by JSON.parse: accepted as it is (nanoseconds lose < 1 µs).
 */
function toBigInt(value: number | string): bigint | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : undefined;
  return /^-?\d{1,20}$/.test(value.trim()) ? BigInt(value.trim()) : undefined;
}

/** `int64` (AnyValue.intValue): a number when it fits a double exactly, else its decimal string. */
const int64Schema = z.union([z.number(), z.string()]).transform((value, ctx): number | string => {
  const big = toBigInt(value);
  if (big === undefined || big < INT64_MIN || big > INT64_MAX) {
    ctx.addIssue({ code: 'custom', message: 'expected a 64-bit integer (number or decimal string)', input: value });
    return z.NEVER;
  }
  return Number.isSafeInteger(Number(big)) ? Number(big) : big.toString();
});

/** `fixed64` nanosecond times; 0 means unset. */
export const unixNanoSchema = z
  .union([z.number(), z.string()])
  .nullish()
  .transform((value, ctx): bigint | undefined => {
    if (value == null || value === '') return undefined;
    const big = toBigInt(value);
    if (big === undefined || big < 0n || big > UINT64_MAX) {
      ctx.addIssue({ code: 'custom', message: 'expected nanoseconds since the Unix epoch (number or decimal string)', input: value });
      return z.NEVER;
    }
    return big === 0n ? undefined : big;
  });

/** `double`: proto3 JSON also allows "NaN", "Infinity", "-Infinity" and numeric strings; non-finite stay text. */
const doubleSchema = z.union([z.number(), z.string()]).transform((value, ctx): number | string => {
  if (typeof value === 'number') return value;
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return value;
  const n = Number(value);
  if (value.trim() !== '' && Number.isFinite(n)) return n;
  ctx.addIssue({ code: 'custom', message: 'expected a number', input: value });
  return z.NEVER;
});

interface AnyValueWire {
  stringValue?: string | null | undefined;
  boolValue?: boolean | null | undefined;
  intValue?: number | string | null | undefined;
  doubleValue?: number | string | null | undefined;
  arrayValue?: { values?: OtlpValue[] | null | undefined } | null | undefined;
  kvlistValue?: { values?: OtlpAttributes | null | undefined } | null | undefined;
  bytesValue?: string | null | undefined;
}

/** The set member of an AnyValue (a oneof; the first present wins if a sender sets several). */
function plainValue(v: AnyValueWire | null | undefined): OtlpValue {
  if (v == null) return null;
  if (v.stringValue != null) return v.stringValue;
  if (v.boolValue != null) return v.boolValue;
  if (v.intValue != null) return v.intValue;
  if (v.doubleValue != null) return v.doubleValue;
  if (v.arrayValue != null) return v.arrayValue.values ?? [];
  // Object.fromEntries defines own properties: a "__proto__" key stays data, never a prototype.
  if (v.kvlistValue != null) return Object.fromEntries(v.kvlistValue.values ?? []) as { [key: string]: OtlpValue };
  if (v.bytesValue != null) return v.bytesValue;
  return null;
}

/**
 * Issues one list of a record or a resource (attributes, an array or kvlist value) is looked at for. Records
 * and resources are parsed one by one, so the request-wide bound of the other sources' arrays never applies,
 * and their issues only feed partialSuccess, which quotes three: at 1,000 per list, 8 MiB of records whose
 * attributes were numbers held four million issues (2 GB, a minute of blocked event loop).
 */
export const OTLP_ISSUES_PER_LIST = 10;

/** `common.v1.AnyValue`, recursive (depth is bounded before parsing: JSON text depth, or decoded depth). */
export const anyValueSchema: z.ZodType<OtlpValue> = z.lazy(() =>
  z
    .object({
      stringValue: z.string().nullish(),
      boolValue: z.boolean().nullish(),
      intValue: int64Schema.nullish(),
      doubleValue: doubleSchema.nullish(),
      arrayValue: z.object({ values: boundedArray(anyValueSchema, OTLP_ISSUES_PER_LIST).nullish() }).nullish(),
      kvlistValue: z.object({ values: boundedArray(keyValueSchema, OTLP_ISSUES_PER_LIST).nullish() }).nullish(),
      bytesValue: z.string().nullish(),
    })
    .nullish()
    .transform(plainValue),
);

/**
 * `common.v1.KeyValue` as a `[key, value]` pair. A missing key is the empty one, its proto3 default: binary
 * encoders leave an empty string out (Go's, so the Collector's), and JSON may carry it as `"key": ""`; the
 * record is not rejected for it in one encoding and delivered in the other.
 */
export const keyValueSchema: z.ZodType<[string, OtlpValue]> = z.lazy(() =>
  z.object({ key: z.string().nullish(), value: anyValueSchema }).transform(({ key, value }): [string, OtlpValue] => [key ?? '', value]),
);

/** `repeated KeyValue attributes`; missing or null is empty. */
export const attributesSchema = boundedArray(keyValueSchema, OTLP_ISSUES_PER_LIST)
  .nullish()
  .transform((v): OtlpAttributes => v ?? []);

/** `resource.v1.Resource`: only its attributes matter here. */
export const resourceSchema = z.object({ attributes: attributesSchema }).nullish();

const SEVERITY_NAME = /^SEVERITY_NUMBER_(UNSPECIFIED|TRACE|DEBUG|INFO|WARN|ERROR|FATAL)([234])?$/;
const SEVERITY_BASE: Record<string, number> = { UNSPECIFIED: 0, TRACE: 1, DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17, FATAL: 21 };

/** `SeverityNumber`: an integer 0–24 (or, as proto3 JSON parsers allow, its enum name); missing is 0. */
const severityNumberSchema = z
  .union([z.number(), z.string()])
  .nullish()
  .transform((value, ctx): number => {
    if (value == null) return 0;
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 24) return value;
    const named = typeof value === 'string' ? SEVERITY_NAME.exec(value) : null;
    if (named?.[1] !== undefined && !(named[1] === 'UNSPECIFIED' && named[2])) {
      return (SEVERITY_BASE[named[1]] ?? 0) + (named[2] ? Number(named[2]) - 1 : 0);
    }
    ctx.addIssue({ code: 'custom', message: 'expected a severity number 0..24', input: value });
    return z.NEVER;
  });

/** A trace (16 bytes) or span (8 bytes) id in hex; "" and the all-zero id (invalid per W3C) mean none. */
function hexIdSchema(bytes: number) {
  const pattern = new RegExp(`^[0-9a-f]{${bytes * 2}}$`, 'i');
  return z
    .string()
    .nullish()
    .transform((value, ctx): string | undefined => {
      if (!value) return undefined;
      if (!pattern.test(value)) {
        ctx.addIssue({ code: 'custom', message: `expected ${bytes * 2} hex digits`, input: value });
        return z.NEVER;
      }
      const lower = value.toLowerCase();
      return /^0+$/.test(lower) ? undefined : lower;
    });
}

/** One `logs.v1.LogRecord`. `flags` and `droppedAttributesCount` are not used. */
export const logRecordSchema = z.object({
  timeUnixNano: unixNanoSchema,
  observedTimeUnixNano: unixNanoSchema,
  severityNumber: severityNumberSchema,
  severityText: z.string().nullish(),
  body: anyValueSchema,
  attributes: attributesSchema,
  traceId: hexIdSchema(16),
  spanId: hexIdSchema(8),
  eventName: z.string().nullish(),
});

/** The envelope of an `ExportLogsServiceRequest`; resources and records are parsed one by one. */
export const logsRequestSchema = z.object({
  resourceLogs: boundedArray(
    z.object({
      resource: z.unknown().optional(),
      scopeLogs: boundedArray(z.object({ scope: z.unknown().optional(), logRecords: z.array(z.unknown()).nullish() })).nullish(),
    }),
  ).nullish(),
});

export type OtlpLogRecordWire = z.output<typeof logRecordSchema>;
export type OtlpLogsRequestWire = z.output<typeof logsRequestSchema>;
