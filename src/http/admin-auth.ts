import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
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
 * {@link PROXY_HEADERS} (a local reverse proxy would otherwise make every client look local).
 */
export function adminAuth(token: () => Secret | undefined): MiddlewareHandler {
  return async (c, next) => {
    const secret = token();
    if (secret) {
      const presented = presentedCredential(c.req.header('authorization'));
      if (presented !== undefined && safeEqual(presented, secret.reveal())) return next();
      c.header('WWW-Authenticate', 'Bearer realm="alertcord admin", Basic realm="alertcord admin"');
      return sendError(c, { status: 401, code: 'unauthorized', message: 'admin token required (Authorization: Bearer <ADMIN_TOKEN>)' });
    }
    if (isLoopback(clientAddress(c)) && !PROXY_HEADERS.some((h) => c.req.header(h) !== undefined)) return next();
    return sendError(c, {
      status: 403,
      code: 'forbidden',
      message: 'admin API is loopback-only while ADMIN_TOKEN is unset; set ADMIN_TOKEN to use it remotely',
    });
  };
}

/** The bearer token, or the password of basic auth. */
export function presentedCredential(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value] = header.trim().split(/\s+/, 2);
  if (!value) return undefined;
  if (/^bearer$/i.test(scheme ?? '')) return value;
  if (/^basic$/i.test(scheme ?? '')) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : undefined;
  }
  return undefined;
}

/** Constant-time comparison of digests, so neither content nor length leaks through timing. */
export function safeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}
