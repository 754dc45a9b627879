import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono, type Context } from 'hono';
import { sendError } from '../errors.js';

/** Where the dashboard's files are: `src/dashboard/` under tsx, `dist/dashboard/` after `npm run build`. */
export const DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/', import.meta.url));

/** URL prefix of the dashboard's assets; the page itself is `/`. */
export const ASSET_PREFIX = '/dashboard/';

/**
 * Self only: no inline script or style, no external host, no framing. The page talks to `/api` on its own
 * origin and nowhere else (MDN, "Content-Security-Policy").
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** One dashboard file as served. */
export interface DashboardAsset {
  body: string;
  type: string;
  /** Short content hash: the strong ETag, and the `?v=` of versioned URLs. */
  hash: string;
}

/**
 * Reads the dashboard once (when the app is built): every `.html`/`.js`/`.css`/`.svg` file of `dir`. In
 * `index.html`, `/dashboard/<file>` references get `?v=<hash>` so a browser may keep them for a year and
 * still picks up a new version at once.
 */
export function loadDashboard(dir: string = DASHBOARD_DIR): Map<string, DashboardAsset> {
  const assets = new Map<string, DashboardAsset>();
  for (const name of readdirSync(dir)) {
    const type = CONTENT_TYPES[extname(name)];
    if (type) assets.set(name, asset(readFileSync(join(dir, name), 'utf8'), type));
  }
  const index = assets.get('index.html');
  if (!index) throw new Error(`dashboard: no index.html in ${dir}`);
  const versioned = index.body.replace(/(["'])\/dashboard\/([\w.-]+)\1/g, (whole, quote: string, name: string) => {
    const ref = assets.get(name);
    return ref ? `${quote}${ASSET_PREFIX}${name}?v=${ref.hash}${quote}` : whole;
  });
  assets.set('index.html', asset(versioned, index.type));
  return assets;
}

function asset(body: string, type: string): DashboardAsset {
  return { body, type, hash: createHash('sha256').update(body).digest('hex').slice(0, 16) };
}

/**
 * The operator's dashboard: `GET /` (the page) and `GET /dashboard/*` (its module scripts and styles).
 *
 * Auth choice: these are public static files. They hold no data (no config, no alert, no token), so the
 * shell loads for anyone; every piece of data comes from `/api/*`, which keeps the admin rule
 * (architecture.md): with `ADMIN_TOKEN` set the page asks for the token, keeps it in `sessionStorage` for
 * the tab and sends it as `Authorization: Bearer`; without it, `/api` answers loopback clients only, and
 * the page shows the API's refusal to anyone else. One rule, enforced in one place.
 *
 * Headers: a strict self-only CSP, `nosniff`, no referrer, no framing. The page is `no-cache` with an
 * ETag (revalidated, 304 when unchanged); assets requested with their current `?v=` hash are immutable,
 * others revalidate.
 */
export function dashboardRoutes(assets: Map<string, DashboardAsset> = loadDashboard()): Hono {
  const app = new Hono();
  app.get('/', (c) => serve(c, assets.get('index.html')!, false));
  app.get(`${ASSET_PREFIX}:name`, (c) => {
    const name = c.req.param('name');
    const found = name === 'index.html' ? undefined : assets.get(name);
    if (!found) return sendError(c, { status: 404, code: 'not_found', message: `no dashboard file ${name}` });
    return serve(c, found, c.req.query('v') === found.hash);
  });
  return app;
}

function serve(c: Context, a: DashboardAsset, immutable: boolean): Response {
  const etag = `"${a.hash}"`;
  const headers = {
    ...securityHeaders(),
    'Content-Type': a.type,
    ETag: etag,
    'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  };
  if (c.req.header('if-none-match')?.split(/\s*,\s*/).includes(etag)) return c.body(null, 304, headers);
  return c.body(a.body, 200, headers);
}

function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': DASHBOARD_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}
