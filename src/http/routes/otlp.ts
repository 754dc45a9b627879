import type { Context } from 'hono';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Intake } from '../../delivery/intake-types.js';
import type { AlertGroup } from '../../model/alert.js';
import type { Severity } from '../../model/severity.js';
import { decodeOtlpLogsProtobuf } from '../../sources/otlp/decode-protobuf.js';
import type { OtlpFloodControl } from '../../sources/otlp/flood.js';
import { camelCaseOtlpKeys } from '../../sources/otlp/json-keys.js';
import { otlpRequestDepth, parseOtlpLogs } from '../../sources/otlp/parse.js';
import { exportLogsResponse, RPC_CODE, rpcStatus, type OtlpBody, type OtlpEncoding, type RpcCode } from '../../sources/otlp/response.js';
import { decodeContent, parseJsonBytes, readLimited, type ReadLimits } from '../read-json.js';

export interface OtlpRouteDeps {
  intake: () => Intake;
  limits: () => ReadLimits;
  /** `otlp.min_severity`: records below it are dropped (a full success for the sender). */
  minSeverity: () => Severity;
  /** Folding and per-service cap; without it every record at or above the minimum is sent. */
  flood?: OtlpFloodControl;
  /** Told of every parsed batch of groups, before folding (metrics: alerts received by source and status). */
  onParsed?: (groups: readonly AlertGroup[]) => void;
}

/** An expected failure of this route, answered as a `google.rpc.Status`. */
interface OtlpFailure {
  status: ContentfulStatusCode;
  code: RpcCode;
  message: string;
}

type Step<T> = { ok: true; value: T } | { ok: false; failure: OtlpFailure };

/** At most this many schema issues are quoted in a 400's message. */
const QUOTED_ISSUES = 5;

/**
 * The longest Retry-After an OTLP sender is told. An SDK exporter gives up on a retryable answer whose
 * Retry-After is longer than what is left of its export timeout (OTEL_EXPORTER_OTLP_TIMEOUT, 10 s by default;
 * opentelemetry-js `retrying-transport`), so intake's hints (30 s for a full queue, 10 s for a store that is
 * down) made it drop the batch at once instead of retrying. 2 s leaves it several retries; the Collector
 * waits the longer of its own backoff (5 s at first, growing) and this, so it is not hurried.
 */
export const OTLP_MAX_RETRY_AFTER_S = 2;

/**
 * `POST /v1/logs`, OTLP/HTTP logs (OTLP spec, "OTLP/HTTP"): binary protobuf or JSON, optionally gzip.
 * Answers in the request's encoding: 200 with an `ExportLogsServiceResponse` (`partialSuccess` when
 * records were rejected as invalid; records below the minimum severity are dropped silently, a full
 * success), or a `google.rpc.Status`: 400 undecodable, 413 over `server.body_limit` (compressed or
 * decompressed), 415 another content type or coding, 503 + Retry-After (at most
 * {@link OTLP_MAX_RETRY_AFTER_S}) when intake cannot queue (a retryable status for OTLP exporters). A 415 for an unknown content type is answered in JSON, the
 * one encoding every client can read. The lead mounts it at the root.
 */
export function otlpRoutes(deps: OtlpRouteDeps): Hono {
  const app = new Hono();
  app.post('/v1/logs', async (c) => {
    const encoding = encodingOf(c.req.header('content-type'));
    if (!encoding) {
      const type = c.req.header('content-type') ?? 'none';
      return respond(c, 415, rpcStatus('json', RPC_CODE.INVALID_ARGUMENT, `expected content-type application/x-protobuf or application/json, got "${type}"`));
    }
    const fail = (f: OtlpFailure) => respond(c, f.status, rpcStatus(encoding, f.code, f.message));
    const limits = deps.limits();
    const bytes = await readBody(c, limits.bodyLimit);
    if (!bytes.ok) return fail(bytes.failure);
    // Each record is held to the limit alone (parse.ts); the request as a whole only to a bound above it.
    const request = decodeBody(encoding, bytes.value, otlpRequestDepth(limits.maxDepth));
    if (!request.ok) return fail(request.failure);
    const parsed = parseOtlpLogs(request.value, { minSeverity: deps.minSeverity(), maxDepth: limits.maxDepth });
    if (!parsed.ok) {
      const quoted = parsed.issues.slice(0, QUOTED_ISSUES).map((i) => `${i.path || '(body)'}: ${i.message}`);
      return fail({ status: 400, code: RPC_CODE.INVALID_ARGUMENT, message: `not an OTLP ExportLogsServiceRequest: ${quoted.join('; ')}` });
    }
    deps.onParsed?.(parsed.groups);
    // Summaries of earlier records (other services, other minutes) go out on their own: a queue they cannot
    // enter must not refuse this sender's records, and what intake refuses waits for the next flush.
    if (deps.flood) await sendDue(deps.flood, deps.intake());
    const groups = deps.flood ? deps.flood.admit(parsed.groups) : parsed.groups;
    if (groups.length > 0) {
      const result = await deps.intake().accept(groups);
      if (!result.ok) {
        // Intake tries every notification: what it queued before refusing went out (the retry finds it as a
        // duplicate) and stays counted as sent; only the rest is given back.
        deps.flood?.refused(groups, result.done);
        c.header('Retry-After', String(Math.min(OTLP_MAX_RETRY_AFTER_S, Math.max(1, Math.ceil(result.retryAfterSeconds)))));
        return fail({ status: 503, code: RPC_CODE.UNAVAILABLE, message: `${result.reason}: ${result.message}` });
      }
    }
    return respond(c, 200, exportLogsResponse(encoding, parsed.rejected, parsed.rejectedMessage));
  });
  return app;
}

/** Queues flood control's due summaries; what intake refuses is given back for the next flush. */
async function sendDue(flood: OtlpFloodControl, intake: Intake): Promise<void> {
  const due = flood.flush();
  if (due.length === 0) return;
  const result = await intake.accept(due).catch(() => undefined);
  if (!result?.ok) flood.refused(due, result?.done);
}

/**
 * A `google.rpc.Status` answer from outside the route (the app's shutting-down 503), in the request's
 * encoding; JSON when its content type names neither OTLP encoding.
 */
export function otlpStatusResponse(c: Context, status: ContentfulStatusCode, code: RpcCode, message: string): Response {
  return respond(c, status, rpcStatus(encodingOf(c.req.header('content-type')) ?? 'json', code, message));
}

/** The encoding named by a content type (parameters such as charset ignored), or undefined. */
function encodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  const media = contentType?.split(';', 1)[0]?.trim().toLowerCase();
  if (media === 'application/x-protobuf') return 'protobuf';
  return media === 'application/json' ? 'json' : undefined;
}

/** The body, decompressed when `Content-Encoding: gzip` (read-json's `decodeContent`: limits, bombs, 415). */
async function readBody(c: Context, bodyLimit: number): Promise<Step<Uint8Array>> {
  const raw = await readLimited(c, bodyLimit);
  if (!raw) return failed(413, RPC_CODE.RESOURCE_EXHAUSTED, `request body exceeds ${bodyLimit} bytes (server.body_limit)`);
  const decoded = await decodeContent(c.req.header('content-encoding'), raw, bodyLimit);
  if (decoded.ok) return decoded;
  const { status, message } = decoded.failure;
  return failed(status, status === 413 ? RPC_CODE.RESOURCE_EXHAUSTED : RPC_CODE.INVALID_ARGUMENT, message);
}

/**
 * Bytes → the OTLP JSON shape: JSON parsed (depth checked on the text; proto field names read as
 * lowerCamelCase), protobuf decoded (depth checked).
 */
function decodeBody(encoding: OtlpEncoding, bytes: Uint8Array, maxDepth: number): Step<unknown> {
  if (encoding === 'json') {
    const json = parseJsonBytes(bytes, maxDepth);
    return json.ok ? { ok: true, value: camelCaseOtlpKeys(json.value) } : failed(400, RPC_CODE.INVALID_ARGUMENT, json.failure.message);
  }
  const decoded = decodeOtlpLogsProtobuf(bytes, maxDepth);
  return decoded.ok ? decoded : failed(400, RPC_CODE.INVALID_ARGUMENT, decoded.message);
}

function failed(status: ContentfulStatusCode, code: RpcCode, message: string): { ok: false; failure: OtlpFailure } {
  return { ok: false, failure: { status, code, message } };
}

function respond(c: Context, status: ContentfulStatusCode, out: OtlpBody): Response {
  return c.body(out.body, status, { 'Content-Type': out.contentType });
}
