import type { Context, Hono, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Metrics } from '../metrics/registry.js';

/** Where ingest requests come in (Hono patterns): what the metrics middleware is mounted on. */
export const INGEST_MOUNTS = ['/webhook/*', '/v1/logs'] as const;

/** True when a route pattern lies under one of {@link INGEST_MOUNTS}. */
function isIngestRoute(path: string): boolean {
  return INGEST_MOUNTS.some((mount) => (mount.endsWith('/*') ? path.startsWith(mount.slice(0, -1)) : path === mount));
}

/** Route label for requests no ingest route matched (a sender posting to a wrong path). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Times ingest requests (`alertcord_ingest_duration_seconds{route}`) and counts them by status code
 * (`alertcord_ingest_requests_total{route,code}`). The route label is the registered pattern
 * (`/webhook/generic/:type`), never the concrete path, so senders cannot grow the label set.
 */
export function ingestMetrics(metrics: Pick<Metrics, 'ingestDuration' | 'counts'>): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const route = routeLabel(c);
    metrics.ingestDuration.observe({ route }, (performance.now() - started) / 1000);
    metrics.counts.ingestRequests.add([route, String(c.res.status)]);
  };
}

/**
 * Exports each ingest route's 503 (queue full, store down, stopping) from 0, as `routeLabel` names the route:
 * a series born at its first refusal is invisible to increase(), so the first refusals of a process (a queue
 * full for less than a scrape interval: the senders' retries then got in) never fired AlertcordIngestRefused.
 * Call once every route is mounted.
 */
export function countRefusalsFromZero(metrics: Pick<Metrics, 'ingestRequests'>, app: Hono): void {
  for (const r of app.routes) if (r.method !== 'ALL' && isIngestRoute(r.path)) metrics.ingestRequests.inc({ route: r.path, code: '503' }, 0);
}

/** The pattern of the handler that answered (the last matched non-middleware route). */
export function routeLabel(c: Context): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) if (routes[i]!.method !== 'ALL') return routes[i]!.path;
  return UNMATCHED_ROUTE;
}
