import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { Context } from 'hono';
import type { Config } from '../config/types.js';
import type { HttpFailure } from './errors.js';
import { isNodeRequest, requestHeader } from './node-headers.js';

/** `text`: the body decoded as UTF-8, what `value` was parsed from; `bytes`, its length in bytes. */
export type ReadResult = { ok: true; value: unknown; text: string; bytes: number } | { ok: false; failure: HttpFailure };

export interface ReadLimits {
  bodyLimit: number;
  maxDepth: number;
}

/** The body limits `server.body_limit` and `server.max_json_depth` set. */
export function readLimitsOf(config: Pick<Config, 'server'>): ReadLimits {
  return { bodyLimit: config.server.bodyLimit, maxDepth: config.server.maxJsonDepth };
}

/**
 * Checks the raw bytes of a body before it is parsed (e.g. an HMAC signature over them): undefined to go
 * on, or the failure to answer. `header` reads a request header by name, case-insensitively.
 */
export type BodyVerifier = (raw: Uint8Array, header: (name: string) => string | undefined) => HttpFailure | undefined;

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;.*)?$/i;
const CURL_HINT = "send JSON with a content type, e.g. curl -H 'content-type: application/json' --data @alert.json";

/**
 * Reads a JSON request body safely: 415 for a non-JSON content type, 413 as soon as the body passes the
 * limit (declared or streamed, so chunked bodies too, before any parsing), 400 for invalid JSON or JSON
 * nested deeper than `maxDepth` (checked on the text first, so a 100,000-deep array never recurses).
 * `verify`, when given, sees the exact bytes read (once) before anything parses them.
 */
export async function readJsonBody(c: Context, limits: ReadLimits, verify?: BodyVerifier): Promise<ReadResult> {
  const type = requestHeader(c, 'content-type') ?? '';
  if (!JSON_TYPE.test(type.trim())) {
    return fail(415, 'unsupported_media_type', `expected content-type application/json, got "${type || 'none'}": ${CURL_HINT}`);
  }
  const charset = CHARSET.exec(type)?.[1]?.toLowerCase();
  if (charset !== undefined && !UTF8_CHARSETS.has(charset)) {
    // RFC 8259: JSON between systems is UTF-8; read as UTF-8, other text would be silently garbled.
    return fail(415, 'unsupported_media_type', `JSON must be UTF-8, got charset "${charset}"`);
  }
  const encoding = requestHeader(c, 'content-encoding');
  if (!verify && isIdentity(encoding) && declaredWithin(c, limits.bodyLimit)) {
    // The common case (JSON as sent, nothing to verify over its bytes): the adapter decodes its own buffer,
    // where reading bytes first copied them into an ArrayBuffer (~5 µs per request, bench "ingest").
    const text = await c.req.raw.text();
    // Checked again (as readLimited does) on what the bytes sent must have been at least: each UTF-16 unit of
    // the text comes from one byte or more. Its UTF-8 length is no bound: an invalid byte (Latin-1 "é" from
    // a script) decodes to U+FFFD, three bytes, and a body within the limit was refused with 413.
    if (text.length > limits.bodyLimit) return tooLarge(limits.bodyLimit);
    return parseJsonText(text, Buffer.byteLength(text), limits.maxDepth);
  }
  const raw = await readLimited(c, limits.bodyLimit);
  if (!raw) return tooLarge(limits.bodyLimit);
  const refused = verify?.(raw, (name) => c.req.header(name));
  if (refused) return { ok: false, failure: refused };
  const body = await decodeContent(encoding, raw, limits.bodyLimit);
  return body.ok ? parseJsonBytes(body.value, limits.maxDepth) : body;
}

function tooLarge(bodyLimit: number): { ok: false; failure: HttpFailure } {
  return fail(413, 'payload_too_large', `request body exceeds ${bodyLimit} bytes (server.body_limit)`);
}

/** Sent as is: no content coding, or `identity`. */
function isIdentity(encoding: string | undefined): boolean {
  const coding = (encoding ?? '').trim().toLowerCase();
  return coding === '' || coding === 'identity';
}

/**
 * Behind @hono/node-server with a `Content-Length` within `limit`: Node's HTTP parser reads exactly that
 * many bytes, so the body can be read whole (see {@link readLimited}).
 */
function declaredWithin(c: Context, limit: number): boolean {
  const declared = declaredLength(c);
  return declared !== undefined && declared <= limit && isNodeRequest(c);
}

/** The request's `Content-Length`, when it gives a number. */
function declaredLength(c: Context): number | undefined {
  const declared = Number(requestHeader(c, 'content-length') ?? Number.NaN);
  return Number.isFinite(declared) ? declared : undefined;
}

/**
 * The body as sent, decompressed when `Content-Encoding: gzip` (a script may `curl --data-binary @x.gz`,
 * an OTLP exporter compresses by default). `bodyLimit` applies again to the decompressed size: zlib stops
 * as soon as its output would pass the cap (`maxOutputLength`), so a gzip bomb costs at most `bodyLimit`
 * bytes of memory and answers 413. Another coding: 415.
 */
export async function decodeContent(encoding: string | undefined, raw: Uint8Array, bodyLimit: number): Promise<{ ok: true; value: Uint8Array } | { ok: false; failure: HttpFailure }> {
  if (isIdentity(encoding)) return { ok: true, value: raw };
  const coding = (encoding ?? '').trim().toLowerCase();
  if (coding !== 'gzip' && coding !== 'x-gzip') return fail(415, 'unsupported_media_type', `unsupported content-encoding "${coding}"; use gzip or none`);
  try {
    return { ok: true, value: await gunzipAsync(raw, { maxOutputLength: bodyLimit }) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      return fail(413, 'payload_too_large', `decompressed request body exceeds ${bodyLimit} bytes (server.body_limit)`);
    }
    return fail(400, 'invalid_payload', `invalid gzip body: ${(err as Error).message}`);
  }
}

const gunzipAsync = promisify(gunzip);
/** Charsets whose text reads correctly as UTF-8 (ASCII is a subset of it). */
const UTF8_CHARSETS: ReadonlySet<string> = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii']);
/** The `charset` parameter of a content type (quoted or not). */
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;

/** Parses JSON bytes already read: 400 when nested deeper than `maxDepth` (checked on the text first) or invalid. */
export function parseJsonBytes(raw: Uint8Array, maxDepth: number): ReadResult {
  return parseJsonText(UTF8.decode(raw), raw.byteLength, maxDepth);
}

/** Parses JSON text (`bytes` long in UTF-8): 400 when nested deeper than `maxDepth` or invalid. */
function parseJsonText(text: string, bytes: number, maxDepth: number): ReadResult {
  // Fewer `{`/`[` in the whole text than the limit bounds the depth, at a fraction of the scan's cost (an
  // Alertmanager body of 10 alerts has ~35); only larger bodies are scanned (bench "ingest", jsonDepth cost
  // about as much as JSON.parse itself).
  if (!opensAtMost(text, maxDepth) && jsonDepth(text) > maxDepth) return fail(400, 'too_deep', `JSON nested deeper than ${maxDepth} levels`);
  try {
    return { ok: true, value: JSON.parse(text) as unknown, text, bytes };
  } catch (err) {
    return fail(400, 'invalid_json', `invalid JSON: ${(err as Error).message}`);
  }
}

/** Reads the body, or returns undefined once it passes `limit` bytes (cancelling the rest). */
export async function readLimited(c: Context, limit: number): Promise<Uint8Array | undefined> {
  const declared = declaredLength(c);
  if (declared !== undefined && declared > limit) return undefined;
  if (declared !== undefined && isNodeRequest(c)) {
    // Behind @hono/node-server a declared length within the limit bounds the body (Node's HTTP parser reads
    // exactly that many bytes), so it is read whole through the adapter's direct path. `c.req.raw.body`
    // would build a WHATWG Request and two stream layers per request: ~13% of alertcord's CPU in the bench
    // "ingest" profile. Checked again after reading, in case the length was not enforced after all.
    const whole = new Uint8Array(await c.req.arrayBuffer());
    return whole.byteLength > limit ? undefined : whole;
  }
  const body = c.req.raw.body;
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * Maximum nesting of arrays/objects in JSON text, ignoring brackets inside strings. O(n), no recursion.
 * Strings are skipped with `indexOf` to their closing quote (one not preceded by an odd run of
 * backslashes): ~3× faster than looking at every character, since JSON text is mostly strings.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 34) {
      let end = text.indexOf('"', i + 1);
      while (end !== -1 && isEscaped(text, end)) end = text.indexOf('"', end + 1);
      if (end === -1) return max; // unterminated string: JSON.parse reports it
      i = end;
    } else if (ch === 123 || ch === 91) {
      if (++depth > max) max = depth;
    } else if (ch === 125 || ch === 93) depth--;
  }
  return max;
}

/** True when the quote at `at` is escaped: preceded by an odd number of backslashes. */
function isEscaped(text: string, at: number): boolean {
  let n = 0;
  while (text.charCodeAt(at - 1 - n) === 92) n++;
  return n % 2 === 1;
}

/** True when `text` holds at most `limit` `{` and `[` in all (strings included): its depth cannot exceed `limit`. */
function opensAtMost(text: string, limit: number): boolean {
  let n = 0;
  for (let i = text.indexOf('{'); i !== -1; i = text.indexOf('{', i + 1)) if (++n > limit) return false;
  for (let i = text.indexOf('['); i !== -1; i = text.indexOf('[', i + 1)) if (++n > limit) return false;
  return true;
}

/** Stateless between calls (no `stream: true`), so one decoder serves every request. */
const UTF8 = new TextDecoder('utf-8', { fatal: false });

function fail(status: 400 | 413 | 415, code: HttpFailure['code'], message: string): { ok: false; failure: HttpFailure } {
  return { ok: false, failure: { status, code, message } };
}
