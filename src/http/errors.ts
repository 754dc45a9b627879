import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Machine-readable error codes of the JSON error envelope. */
export type ErrorCode =
  | 'invalid_json'
  | 'invalid_payload'
  | 'too_deep'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'queue_full'
  | 'unavailable'
  | 'shutting_down'
  | 'request_aborted'
  | 'internal';

export interface ErrorDetail {
  path: string;
  message: string;
}

/** An expected HTTP failure as a value: the route returns it, `sendError` renders the one envelope. */
export interface HttpFailure {
  status: ContentfulStatusCode;
  code: ErrorCode;
  message: string;
  details?: ErrorDetail[];
  headers?: Record<string, string>;
}

/** The one JSON error envelope: `{ error: { code, message, details?, requestId } }`. */
export function sendError(c: Context, failure: HttpFailure): Response {
  for (const [k, v] of Object.entries(failure.headers ?? {})) c.header(k, v);
  const requestId = (c.get('requestId' as never) as string | undefined) ?? 'unknown';
  const error = { code: failure.code, message: failure.message, ...(failure.details ? { details: failure.details } : {}), requestId };
  return c.json({ error }, failure.status);
}
