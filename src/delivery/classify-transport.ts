/**
 * The no-response part of the classifier: what an HTTP client threw (undici `types/errors.d.ts` codes,
 * Node system errors, `AbortSignal.timeout()`'s `TimeoutError`). Node's `fetch` wraps the real error in
 * `TypeError('fetch failed', { cause })` and happy-eyeballs wraps several in an `AggregateError`, so the
 * whole cause chain is searched.
 */
import type { Permanent, Retryable } from './classify.js';
import { safeDetail } from './detail-text.js';

/** The request or its answer took too long (Discord may still have stored the message). */
const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_ABORTED',
  'ABORT_ERR',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
]);
const TIMEOUT_NAMES: ReadonlySet<string> = new Set(['AbortError', 'TimeoutError']);

/** Name resolution failed; the host is always discord.com, so this is transient. */
const DNS_CODES: ReadonlySet<string> = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA']);

/** Our request is malformed: a bug, resending cannot help. */
const BUG_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_INVALID_RETURN_VALUE',
  'UND_ERR_NOT_SUPPORTED',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'ERR_INVALID_URL',
  'ERR_INVALID_ARG_TYPE',
]);

/** How deep to follow `cause` / `errors`; real chains are 2–3 deep, cycles are possible. */
const MAX_CHAIN = 8;

interface ErrorFacts {
  code?: string;
  name?: string;
  message: string;
}

function factsOf(value: unknown): ErrorFacts {
  if (value === null || typeof value !== 'object') return { message: String(value) };
  const v = value as { code?: unknown; name?: unknown; message?: unknown };
  const facts: ErrorFacts = { message: typeof v.message === 'string' ? v.message : '' };
  if (typeof v.code === 'string') facts.code = v.code;
  if (typeof v.name === 'string') facts.name = v.name;
  return facts;
}

/** The error, its causes and aggregated errors, outermost first, bounded and cycle-safe. */
function errorChain(error: unknown): unknown[] {
  const out: unknown[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && out.length < MAX_CHAIN) {
    const next = queue.shift();
    if (next === undefined || out.includes(next)) continue;
    out.push(next);
    if (next !== null && typeof next === 'object') {
      const { cause, errors } = next as { cause?: unknown; errors?: unknown };
      if (cause !== undefined) queue.push(cause);
      if (Array.isArray(errors)) queue.push(...(errors as unknown[]));
    }
  }
  return out;
}

type TransportKind = { kind: 'retryable'; reason: Retryable['reason'] } | { kind: 'permanent'; reason: 'unexpected' };

function kindOf(facts: ErrorFacts): TransportKind | undefined {
  const { code, name } = facts;
  if (code !== undefined && BUG_CODES.has(code)) return { kind: 'permanent', reason: 'unexpected' };
  if ((code !== undefined && TIMEOUT_CODES.has(code)) || (name !== undefined && TIMEOUT_NAMES.has(name))) {
    return { kind: 'retryable', reason: 'timeout' };
  }
  // Any other system / undici / TLS / parser code (ECONNRESET, ECONNREFUSED, UND_ERR_SOCKET, HPE_*, CERT_*…).
  if (code !== undefined) return { kind: 'retryable', reason: 'network' };
  return undefined;
}

function describe(facts: ErrorFacts): string {
  const label = facts.code ?? facts.name ?? 'error';
  const dns = facts.code !== undefined && DNS_CODES.has(facts.code) ? 'DNS lookup failed ' : '';
  return safeDetail(`${dns}(${label})${facts.message === '' ? '' : `: ${facts.message}`}`);
}

/**
 * Classify a thrown transport error: timeouts (undici `UND_ERR_*_TIMEOUT`, `AbortError`, `TimeoutError`,
 * `ETIMEDOUT`) → retryable `timeout`; other coded errors (`ECONNRESET`, `ECONNREFUSED`, `ENOTFOUND` /
 * `EAI_AGAIN` DNS, `UND_ERR_SOCKET`, TLS) → retryable `network`; malformed-request codes (`UND_ERR_INVALID_ARG`
 * …) → permanent `unexpected`; anything unrecognised → retryable `unexpected`. An abort caused by shutdown
 * reads as a timeout here: the caller checks its own shutdown signal before retrying.
 */
export function classifyTransportError(error: unknown): Retryable | Permanent {
  const chain = errorChain(error).map(factsOf);
  for (const facts of chain) {
    const kind = kindOf(facts);
    if (kind !== undefined) return { ...kind, detail: describe(facts) };
  }
  const outer = chain[0] ?? { message: String(error) };
  return { kind: 'retryable', reason: 'unexpected', detail: describe(outer) };
}
