import type { ErrorNode } from './error-tree.js';
import type { Reply } from './reply.js';

/**
 * The unversioned path (`/api/webhooks/...`, what users paste) still routes to Discord's default API version
 * 6, and v6/v7 answer in their own way (docs/discord.md "Request"; reference "API Versioning"; v8 change log):
 * a 429's body `retry_after` and its `Retry-After` header are in MILLISECONDS, `X-RateLimit-Reset` and
 * `-Reset-After` are whole seconds (rounded up), and a 50035 body is the old flat form error, e.g.
 * `{"embeds": ["0"]}` or `{"content": ["Must be 2000 or fewer in length."]}` (no `code`, no `message`).
 */
export function isLegacyVersion(apiVersion: number | null): boolean {
  return apiVersion === null || apiVersion < 8;
}

/** v6's form error: each top-level key lists its messages, or the keys (indexes) below it that failed. */
function legacyFormErrors(errors: ErrorNode): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, node] of Object.entries(errors)) {
    if (key === '_errors') {
      out._misc = (node as { message: string }[]).map((e) => e.message);
    } else if (node !== undefined && !Array.isArray(node)) {
      out[key] = node._errors !== undefined ? node._errors.map((e) => e.message) : Object.keys(node);
    }
  }
  return out;
}

/** Rewrites a v10 answer of the fake as an old API version answers it. */
export function asLegacyReply(reply: Reply): Reply {
  const headers: Record<string, string> = { ...reply.headers };
  for (const name of ['x-ratelimit-reset', 'x-ratelimit-reset-after']) {
    const value = headers[name];
    if (value !== undefined) headers[name] = String(Math.ceil(Number(value)));
  }
  let body = reply.body;
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
  if (reply.status === 429 && typeof record?.retry_after === 'number') {
    // Discord's own 429 (Cloudflare's ban has no retry_after and stays in seconds).
    const ms = Math.ceil(record.retry_after * 1000);
    body = { ...record, retry_after: ms };
    headers['retry-after'] = String(ms);
  } else if (reply.status === 400 && record?.code === 50035 && typeof record.errors === 'object' && record.errors !== null) {
    body = legacyFormErrors(record.errors as ErrorNode);
  }
  return { ...reply, headers, body };
}
