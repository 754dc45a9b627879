import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { Secret } from '../lib/secret.js';
import { clientAddress, isLoopback } from './client-address.js';
import { sendError } from './errors.js';

/**
 * Headers a reverse proxy adds to say whom it forwards for (RFC 7239 `Forwarded`, the de facto
 * `X-Forwarded-For` / `X-Real-IP`, and `Via`). A request through a proxy on this host comes from loopback:
 * any of these marks it as not local. A proxy that adds none of them (nginx's bare `proxy_pass`) cannot be
 * told apart, which README says: set ADMIN_TOKEN behind a proxy.
 */
export const PROXY_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip', 'via'] as const;

/**
 * The admin rule for /api and the dashboard (architecture.md): with ADMIN_TOKEN set, a bearer token or
 * basic-auth password equal to it; without it, only loopback clients whose request carries none of the
 * {@link PROXY_HEADERS} (a local reverse proxy would otherwise make every client look local) and that
 * {@link isLocalRequest} accepts. Either way a browser's cross-site request ({@link isCrossSite}) is refused.
 */
export function adminAuth(token: () => Secret | undefined): MiddlewareHandler {
  return async (c, next) => {
    const secret = token();
    // A cross-site browser request carries whatever the browser holds for us (a cached basic-auth password,
    // or, without a token, just being on loopback): refused, so another site cannot drive the admin API.
    if (isCrossSite(c)) return sendError(c, { status: 403, code: 'forbidden', message: 'cross-site requests to the admin API are refused' });
    if (secret) {
      const presented = presentedCredential(c.req.header('authorization'));
      if (presented !== undefined && safeEqual(presented, secret.reveal())) return next();
      c.header('WWW-Authenticate', 'Bearer realm="alertcord admin", Basic realm="alertcord admin"');
      return sendError(c, { status: 401, code: 'unauthorized', message: 'admin token required (Authorization: Bearer <ADMIN_TOKEN>)' });
    }
    if (isLoopback(clientAddress(c)) && !PROXY_HEADERS.some((h) => c.req.header(h) !== undefined) && isLocalRequest(c)) return next();
    return sendError(c, {
      status: 403,
      code: 'forbidden',
      message: 'admin API is loopback-only while ADMIN_TOKEN is unset (call it as localhost or 127.0.0.1); set ADMIN_TOKEN to use it remotely',
    });
  };
}

/**
 * True when a browser says the request comes from another site's page (Fetch Metadata `Sec-Fetch-Site`,
 * sent by current browsers on every request). A page of this origin (the dashboard) sends `same-origin`,
 * a typed URL or bookmark `none`; curl and scripts send nothing. No CORS is served, so no other site may
 * use the API anyway: this also stops the requests that need no CORS (form posts, `no-cors` fetches).
 */
export function isCrossSite(c: Context): boolean {
  const site = c.req.header('sec-fetch-site')?.trim().toLowerCase();
  return site === 'cross-site' || site === 'same-site';
}

/**
 * The extra condition of the loopback rule: the request names this machine (`Host` is `localhost`,
 * `*.localhost` or a loopback address) and, from a browser, comes from a page of that same origin.
 * Without it any web page the operator opens could use the API through the operator's browser, which is
 * a loopback client on the machine itself or through `ssh -L`: by DNS rebinding (a name of the attacker's
 * that now resolves to 127.0.0.1, sent as `Host`) or by a plain cross-origin POST (`Origin` is the
 * attacker's page; browsers without Fetch Metadata still send it on every POST).
 */
export function isLocalRequest(c: Context): boolean {
  const host = c.req.header('host') ?? new URL(c.req.url).host;
  if (!isLoopbackHost(hostnameOf(host))) return false;
  const origin = c.req.header('origin');
  return origin === undefined || originHost(origin) === host.toLowerCase();
}

/** `localhost`, a `*.localhost` name (RFC 6761: loopback, never delegated) or a loopback address. */
function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || isLoopback(hostname);
}

/** The host name of a `Host` value: lower case, without port, an IPv6 literal without its brackets. */
function hostnameOf(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') === -1 ? undefined : h.indexOf(']'));
  return h.replace(/:\d*$/, '');
}

/** `host[:port]` of an `Origin` value; undefined for `null` (sandboxed or file pages) or anything unparsable. */
function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * The bearer token, or the password of basic auth. The credentials are the whole rest of the header after
 * the scheme: Alertmanager and Grafana send `<scheme> <credentials>` verbatim, so a token with inner
 * whitespace (a passphrase) must not be cut at its first space.
 */
export function presentedCredential(header: string | undefined): string | undefined {
  const text = header?.trim() ?? '';
  const gap = text.search(/\s/);
  if (gap === -1) return undefined;
  const scheme = text.slice(0, gap);
  const value = text.slice(gap).trim();
  if (/^bearer$/i.test(scheme)) return utf8Header(value);
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : undefined;
  }
  return undefined;
}

/**
 * Node reads header values as latin1, one character per byte: a UTF-8 token (`pässwort`, as Alertmanager
 * and Grafana send the configured text) arrives as `pÃ¤sswort` and never matched. Read back as UTF-8 when
 * its bytes are valid UTF-8; anything else stays as it came.
 */
function utf8Header(value: string): string {
  if (!/[\u0080-\u00ff]/.test(value) || /[^\u0000-\u00ff]/.test(value)) return value;
  const bytes = Buffer.from(value, 'latin1');
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? text : value;
}

/** Constant-time comparison of digests, so neither content nor length leaks through timing. */
export function safeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}
