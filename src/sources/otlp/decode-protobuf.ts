import type { IConversionOptions } from 'protobufjs';
import protobuf from 'protobufjs/minimal.js';
import generated from '@opentelemetry/otlp-transformer/build/src/generated/root.js';
import { objectDepth } from './depth.js';
import { MAX_OTLP_RECORDS, tooManyRecords } from './parse.js';

/**
 * Binary OTLP logs (`application/x-protobuf`) → the plain shape of the OTLP JSON mapping, so schema.ts
 * and parse.ts serve both encodings. The decoder is not ours: it is the protobufjs static module that the
 * OpenTelemetry JS project generates with `pbjs` from the official opentelemetry-proto definitions and
 * ships in `@opentelemetry/otlp-transformer` (pinned at 0.214.0, the last release that ships it, see
 * the commit message and docs). Its `.d.ts` only says `protobufjs.Root`, so the few members used are
 * typed here and checked once at load.
 */

/** The members of a protobufjs generated message class that alertcord uses. */
export interface GeneratedMessage {
  decode(bytes: Uint8Array): object;
  encode(message: object): { finish(): Uint8Array };
  fromObject(plain: Record<string, unknown>): object;
  toObject(message: object, options?: IConversionOptions): Record<string, unknown>;
}

interface LogsServiceV1 {
  ExportLogsServiceRequest: GeneratedMessage;
  ExportLogsServiceResponse: GeneratedMessage;
}

/** `opentelemetry.proto.collector.logs.v1` of the generated module: the request and response messages. */
export const logsServiceProto: LogsServiceV1 = (() => {
  const root = generated as unknown as { opentelemetry?: { proto?: { collector?: { logs?: { v1?: Partial<LogsServiceV1> } } } } };
  const v1 = root.opentelemetry?.proto?.collector?.logs?.v1;
  if (!v1?.ExportLogsServiceRequest?.decode || !v1.ExportLogsServiceResponse?.encode) {
    throw new Error('@opentelemetry/otlp-transformer no longer ships the generated OTLP logs messages (pinned 0.214.0 expected)');
  }
  return v1 as LogsServiceV1;
})();

/** protobufjs → JSON mapping: int64 as decimal strings, enums as numbers, bytes as base64, NaN as "NaN". */
const TO_JSON_MAPPING: IConversionOptions = { longs: String, enums: Number, bytes: String, json: true };

export type DecodeResult = { ok: true; value: unknown } | { ok: false; reason: 'invalid' | 'too_deep' | 'too_many'; message: string };

/**
 * Decodes an `ExportLogsServiceRequest`. Bytes that are not one are `invalid` (a 400); a message nested
 * deeper than `maxDepth` (AnyValue kvlists in kvlists …) is `too_deep`, as deep JSON is for the JSON
 * encoding; one of more than `MAX_OTLP_RECORDS` records is `too_many`, counted before anything is decoded.
 * Trace and span ids become hex, as in the OTLP JSON mapping.
 */
export function decodeOtlpLogsProtobuf(bytes: Uint8Array, maxDepth: number): DecodeResult {
  const { ExportLogsServiceRequest } = logsServiceProto;
  // Counted before decoding: protobufjs builds every record (~400 bytes each) before anything could look.
  const records = countLogRecords(bytes);
  if (records > MAX_OTLP_RECORDS) return { ok: false, reason: 'too_many', message: tooManyRecords(records).message };
  let message: object;
  try {
    // A truncated or garbled body throws (RangeError "index out of range", Error "invalid wire type");
    // absurd nesting overflows the stack, also a RangeError: all of them mean "not an OTLP request".
    message = ExportLogsServiceRequest.decode(bytes);
  } catch (err) {
    return { ok: false, reason: 'invalid', message: `invalid OTLP protobuf: ${(err as Error).message}` };
  }
  if (objectDepth(message, maxDepth) > maxDepth) {
    return { ok: false, reason: 'too_deep', message: `protobuf message nested deeper than ${maxDepth} levels` };
  }
  const plain = ExportLogsServiceRequest.toObject(message, TO_JSON_MAPPING);
  idsToHex(plain);
  return { ok: true, value: plain };
}


/** Field numbers on the way to the records: `ExportLogsServiceRequest.resource_logs` (1) → `ResourceLogs.scope_logs` (2) → `ScopeLogs.log_records` (2). */
const RECORD_PATH = [1, 2, 2] as const;
const LENGTH_DELIMITED = 2;

/**
 * Log records in an encoded `ExportLogsServiceRequest`, read off the wire without decoding them (their
 * bytes are skipped). Bytes that do not walk cleanly count what was found: the decode then reports them.
 */
export function countLogRecords(bytes: Uint8Array): number {
  let count = 0;
  const walk = (buf: Uint8Array, level: number): void => {
    const reader = protobuf.Reader.create(buf);
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      const wireType = tag & 7;
      if (tag >>> 3 !== RECORD_PATH[level] || wireType !== LENGTH_DELIMITED) reader.skipType(wireType);
      else if (level === RECORD_PATH.length - 1) {
        reader.skipType(wireType);
        count++;
      } else walk(reader.bytes(), level + 1);
    }
  };
  try {
    walk(bytes, 0);
  } catch {
    // Truncated or garbled: the decode that follows says so.
  }
  return count;
}

/** The JSON mapping writes `traceId`/`spanId` as hex (OTLP spec deviation from proto3's base64). */
function idsToHex(request: Record<string, unknown>): void {
  for (const rl of asArray(request['resourceLogs'])) {
    for (const sl of asArray((rl as Record<string, unknown>)['scopeLogs'])) {
      for (const record of asArray((sl as Record<string, unknown>)['logRecords'])) {
        const r = record as Record<string, unknown>;
        for (const key of ['traceId', 'spanId']) {
          if (typeof r[key] === 'string') r[key] = Buffer.from(r[key], 'base64').toString('hex');
        }
      }
    }
  }
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
