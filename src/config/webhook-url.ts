import { Secret } from '../lib/secret.js';

/**
 * Hosts Discord serves webhooks on (discord.md "Request"); all are rewritten to the canonical API. The PTB
 * and Canary clients copied webhook URLs on `discordapp.com` before Discord moved to `discord.com` (2020).
 */
export const DISCORD_WEBHOOK_HOSTS = [
  'discord.com', 'discordapp.com', 'ptb.discord.com', 'canary.discord.com', 'ptb.discordapp.com', 'canary.discordapp.com',
] as const;
/**
 * An allowed host as a webhook URL's host reads: a name or IPv4 address, or an IPv6 one in brackets, with an
 * optional port; compared in any case. A scheme, a path or credentials would match no URL's host, and the
 * start then failed at the webhook with "add it to DISCORD_ALLOWED_HOSTS".
 */
export const ALLOWED_HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(:\d{1,5})?$/i;
export const ALLOWED_HOST_MESSAGE = 'must be host[:port] (no scheme, path or user; IPv6 in brackets), e.g. 127.0.0.1:9000 or discord-proxy.internal';

/** Always pin the API version: unversioned URLs behave like an old version (discord.md). */
export const DISCORD_API_BASE = 'https://discord.com/api/v10';

/** A Discord webhook: `id` is safe to log and key state by; the URL (holding the token) is a Secret. */
export interface Webhook {
  id: string;
  url: Secret;
}

/** `threadId`: a `?thread_id=` on the pasted URL (Discord's way to post into a thread); other query parameters are dropped (`wait=true` is always sent). */
export type WebhookParse = { ok: true; webhook: Webhook; threadId?: string } | { ok: false; error: string };

const PATH = /^\/api(?:\/v\d+)?\/webhooks\/(\d{1,25})\/([A-Za-z0-9_.-]{1,200})\/?$/;

/**
 * Validates a pasted webhook URL and rewrites it to `https://discord.com/api/v10/webhooks/{id}/{token}`.
 * Hosts in `allowedHosts` (`host[:port]`, for a proxy or a test double) are kept as they are, and
 * may use http://. A `?thread_id=` is returned apart (see WebhookParse). Error texts never contain the URL
 * itself (it holds the token).
 */
export function parseWebhookUrl(raw: string, allowedHosts: readonly string[] = []): WebhookParse {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, error: 'is not a URL' };
  }
  const m = PATH.exec(url.pathname);
  if (!m) return { ok: false, error: 'is not a Discord webhook URL (expected …/api/webhooks/{id}/{token})' };
  const [, id, token] = m as unknown as [string, string, string];
  const threadId = url.searchParams.get('thread_id')?.trim();
  if (threadId !== undefined && !/^\d{1,25}$/.test(threadId)) return { ok: false, error: 'has a thread_id that is not a Discord id (digits)' };
  const thread = threadId === undefined ? {} : { threadId };
  // A URL's host is read in lower case; host names are case-insensitive, so the allowed ones are compared so too.
  const allowed = allowedHosts.map((h) => h.toLowerCase());
  if (allowed.includes(url.host) || allowed.includes(url.hostname)) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, error: 'must use http or https' };
    return { ok: true, webhook: { id, url: new Secret(`${url.origin}/api/v10/webhooks/${id}/${token}`) }, ...thread };
  }
  if (!(DISCORD_WEBHOOK_HOSTS as readonly string[]).includes(url.hostname) || url.port !== '') {
    return { ok: false, error: `host "${url.host}" is not Discord (add it to DISCORD_ALLOWED_HOSTS for a proxy or test double)` };
  }
  if (url.protocol !== 'https:') return { ok: false, error: 'must use https' };
  return { ok: true, webhook: { id, url: new Secret(`${DISCORD_API_BASE}/webhooks/${id}/${token}`) }, ...thread };
}
