import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import type { Intake } from '../delivery/intake-types.js';
import type { Secret } from '../lib/secret.js';
import { adminAuth } from './admin-auth.js';
import { sendError } from './errors.js';
import type { ReadLimits } from './read-json.js';
import { healthRoutes, type Readiness } from './routes/health.js';
import { ingestRoutes } from './routes/ingest.js';

export interface AppDeps {
  logger: Logger;
  intake: () => Intake;
  limits: () => ReadLimits;
  readiness: () => Promise<Readiness>;
  adminToken: () => Secret | undefined;
  isShuttingDown: () => boolean;
  /** Mounts admin routes (status, history, dead letters …) under /api; they inherit the admin rule. */
  mountAdmin?: (api: Hono) => void;
}

/**
 * Builds the Hono app: request ids, one error envelope, health, ingest, and the admin area. It reads no
 * process state; main.ts wires it to a socket.
 */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.use('*', async (c, next) => {
    const requestId = c.req.header('x-request-id')?.slice(0, 64) || randomUUID();
    c.set('requestId' as never, requestId as never);
    c.header('X-Request-Id', requestId);
    const started = performance.now();
    await next();
    deps.logger.debug({ requestId, method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) }, 'request');
  });
  app.use('/webhook/*', async (c, next) => {
    if (!deps.isShuttingDown()) return next();
    return sendError(c, { status: 503, code: 'shutting_down', message: 'alertcord is shutting down; retry on another replica', headers: { 'Retry-After': '5' } });
  });
  app.route('/', healthRoutes(deps.readiness));
  app.route('/webhook', ingestRoutes({ intake: deps.intake, limits: deps.limits }));
  const api = new Hono();
  api.use('*', adminAuth(deps.adminToken));
  deps.mountAdmin?.(api);
  app.route('/api', api);
  app.notFound((c) => sendError(c, { status: 404, code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` }));
  app.onError((err, c) => {
    deps.logger.error({ err, requestId: c.get('requestId' as never) }, 'unhandled error');
    return sendError(c, { status: 500, code: 'internal', message: 'internal error; see the server log with this requestId' });
  });
  return app;
}
