import protobuf from 'protobufjs/light.js';
import { logsServiceProto } from './decode-protobuf.js';

/**
 * What `/v1/logs` answers, in the request's encoding (OTLP spec, "OTLP/HTTP Response": the response
 * uses the request's Content-Type): an `ExportLogsServiceResponse` on success, a `google.rpc.Status` on
 * failure.
 */

/** The two OTLP/HTTP encodings. */
export type OtlpEncoding = 'json' | 'protobuf';

/** Content types of the two encodings (OTLP spec, "Binary Protobuf Encoding" / "JSON Protobuf Encoding"). */
export const OTLP_CONTENT_TYPE: Readonly<Record<OtlpEncoding, string>> = {
  json: 'application/json',
  protobuf: 'application/x-protobuf',
};

/** gRPC status codes used in `google.rpc.Status.code` (grpc `doc/statuscodes.md`). */
export const RPC_CODE = { INVALID_ARGUMENT: 3, RESOURCE_EXHAUSTED: 8, UNAVAILABLE: 14 } as const;
export type RpcCode = (typeof RPC_CODE)[keyof typeof RPC_CODE];

/** A response body with its content type. */
export interface OtlpBody {
  contentType: string;
  body: Uint8Array<ArrayBuffer> | string;
}

/**
 * `google.rpc.Status` (googleapis `google/rpc/status.proto`) and the `google.protobuf.Any` it holds,
 * declared as protobufjs reflection so protobufjs does the encoding: neither message is in the
 * OpenTelemetry generated module, and writing wire bytes by hand is what we do not do.
 */
const statusType = protobuf.Root.fromJSON({
  nested: {
    google: {
      nested: {
        protobuf: { nested: { Any: { fields: { type_url: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } } } },
        rpc: {
          nested: {
            Status: {
              fields: {
                code: { type: 'int32', id: 1 },
                message: { type: 'string', id: 2 },
                details: { rule: 'repeated', type: 'google.protobuf.Any', id: 3 },
              },
            },
          },
        },
      },
    },
  },
}).lookupType('google.rpc.Status');

/**
 * A successful export: `{}` / an empty message, or `partialSuccess { rejectedLogRecords, errorMessage }`
 * when records were rejected as invalid. In JSON `rejectedLogRecords` (int64) is a decimal string, as the
 * proto3 JSON mapping writes 64-bit integers.
 */
export function exportLogsResponse(encoding: OtlpEncoding, rejected: number, errorMessage = ''): OtlpBody {
  const partialSuccess = rejected > 0 ? { rejectedLogRecords: rejected, errorMessage } : undefined;
  if (encoding === 'json') {
    const body = partialSuccess ? { partialSuccess: { ...partialSuccess, rejectedLogRecords: String(rejected) } } : {};
    return { contentType: OTLP_CONTENT_TYPE.json, body: JSON.stringify(body) };
  }
  const { ExportLogsServiceResponse } = logsServiceProto;
  const message = ExportLogsServiceResponse.fromObject(partialSuccess ? { partialSuccess } : {});
  return { contentType: OTLP_CONTENT_TYPE.protobuf, body: new Uint8Array(ExportLogsServiceResponse.encode(message).finish()) };
}

/** A failure as `google.rpc.Status { code, message, details: [] }`. */
export function rpcStatus(encoding: OtlpEncoding, code: RpcCode, message: string): OtlpBody {
  if (encoding === 'json') return { contentType: OTLP_CONTENT_TYPE.json, body: JSON.stringify({ code, message, details: [] }) };
  const body = new Uint8Array(statusType.encode(statusType.fromObject({ code, message })).finish());
  return { contentType: OTLP_CONTENT_TYPE.protobuf, body };
}

/** Decodes a protobuf `google.rpc.Status` (for tests and clients of this module). */
export function decodeRpcStatus(bytes: Uint8Array): { code: number; message: string } {
  const plain = statusType.toObject(statusType.decode(bytes), { defaults: true }) as { code: number; message: string };
  return { code: plain.code, message: plain.message };
}
