import { randomUUID } from 'node:crypto';
import { Hono, type Context, type Next } from 'hono';
import type { Logger } from 'pino';
import type { Intake } from '../delivery/intake-types.js';
import type { Secret } from '../lib/secret.js';
import type { AlertGroup } from '../model/alert.js';
import type { Metrics } from '../metrics/registry.js';
import type { IngestAuthConfig } from '../config/ingest-auth.js';
import { adminAuth } from './admin-auth.js';
import { answerAtTurnEnd } from './answer-at-turn-end.js';
import { sendError } from './errors.js';
import { grafanaSignatureVerifier } from './grafana-signature.js';
import { ingestAuth, refuseOtlp, webhookSource } from './ingest-auth.js';
import { INGEST_MOUNTS, countRefusalsFromZero, ingestMetrics } from './ingest-metrics.js';
import { requestHeader, setResponseHeader } from './node-headers.js';
import type { ReadLimits } from './read-json.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { healthRoutes, type Readiness } from './routes/health.js';
import { ingestRoutes } from './routes/ingest.js';
import { metricsRoutes } from './routes/metrics.js';
import { otlpRoutes, otlpStatusResponse } from './routes/otlp.js';
import type { Severity } from '../model/severity.js';
import type { OtlpFloodControl } from '../sources/otlp/flood.js';
import { RPC_CODE } from '../sources/otlp/response.js';

export interface AppDeps {
  logger: Logger;
  intake: () => Intake;
  limits: () => ReadLimits;
  readiness: () => Promise<Readiness>;
  adminToken: () => Secret | undefined;
  isShuttingDown: () => boolean;
  /** Mounts admin routes (status, history, dead letters …) under /api; they inherit the admin rule. */
  mountAdmin?: (api: Hono) => void;
  /** Inbound auth of /webhook/* and /v1/logs (INGEST_TOKEN, per-source tokens, Grafana HMAC); open when absent. */
  ingestAuth?: () => IngestAuthConfig;
  /** This runtime's metrics: `GET /metrics` (public), ingest timing, alerts counted where groups are parsed. */
  metrics?: { metrics: Metrics; onParsed: (groups: readonly AlertGroup[]) => void };
  /** `POST /v1/logs`: `otlp.min_severity` (warning when absent) and the runtime's flood control (none when absent). */
  otlp?: { minSeverity: () => Severity; flood?: OtlpFloodControl };
}

/**
 * Builds the Hono app: request ids, one error envelope, health, ingest, and the admin area. It reads no
 * process state; main.ts wires it to a socket.
 */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  // Middleware that need not wait for the handler return `next()` without being async: each async layer
  // costs a promise and a microtask per request (bench "ingest").
  app.use('*', (c, next) => {
    // Node's raw headers, not Hono's (node-headers.ts: a WHATWG Headers per request cost ~33 µs, bench "ingest").
    const requestId = requestHeader(c, 'x-request-id')?.slice(0, 64) || randomUUID();
    c.set('requestId' as never, requestId as never);
    setResponseHeader(c, 'X-Request-Id', requestId);
    // The request is logged, and its log object built, only when debug is on (it is off in production).
    return deps.logger.isLevelEnabled('debug') ? logRequest(c, next, requestId, deps.logger) : next();
  });
  if (deps.metrics) {
    for (const mount of INGEST_MOUNTS) app.use(mount, ingestMetrics(deps.metrics.metrics));
  }
  if (deps.ingestAuth) {
    app.use('/webhook/*', ingestAuth({ auth: deps.ingestAuth, source: webhookSource, logger: deps.logger }));
    app.use('/v1/logs', ingestAuth({ auth: deps.ingestAuth, source: 'otlp', refuse: refuseOtlp, logger: deps.logger }));
  }
  app.use('/webhook/*', (c, next) => {
    if (!deps.isShuttingDown()) return answerAtTurnEnd(next);
    return Promise.resolve(sendError(c, { status: 503, code: 'shutting_down', message: 'alertcord is shutting down; retry on another replica', headers: { 'Retry-After': '5' } }));
  });
  // The same 503 for OTLP senders, as the google.rpc.Status their exporters read (UNAVAILABLE: retryable).
  app.use('/v1/logs', async (c, next) => {
    if (!deps.isShuttingDown()) return answerAtTurnEnd(next);
    c.header('Retry-After', '5');
    return otlpStatusResponse(c, 503, RPC_CODE.UNAVAILABLE, 'alertcord is shutting down; retry on another replica');
  });
  app.route('/', healthRoutes(deps.readiness));
  // The dashboard's page and assets are public static files without data; its data comes from /api (admin rule).
  app.route('/', dashboardRoutes());
  app.route('/webhook', ingestRoutes({ intake: deps.intake, limits: deps.limits, onParsed: deps.metrics?.onParsed, verify: { grafana: grafanaSignatureVerifier(() => deps.ingestAuth?.().grafanaHmac) } }));
  app.route('/', otlpRoutes({ intake: deps.intake, limits: deps.limits, minSeverity: deps.otlp?.minSeverity ?? (() => 'warning'), flood: deps.otlp?.flood, onParsed: deps.metrics?.onParsed }));
  if (deps.metrics) {
    app.route('/', metricsRoutes(deps.metrics.metrics.registry));
    countRefusalsFromZero(deps.metrics.metrics, app);
  }
  const api = new Hono();
  api.use('*', adminAuth(deps.adminToken));
  deps.mountAdmin?.(api);
  app.route('/api', api);
  app.notFound((c) => sendError(c, { status: 404, code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` }));
  app.onError((err, c) => {
    if (isClientAbort(err)) {
      // The client went away (or Node's requestTimeout cut a slow body, answering 408): not our error.
      deps.logger.debug({ requestId: c.get('requestId' as never) }, 'request body aborted by the client or the request timeout');
      return sendError(c, { status: 408, code: 'request_aborted', message: 'the request body did not arrive (client aborted or server.request_timeout passed)' });
    }
    deps.logger.error({ err, requestId: c.get('requestId' as never) }, 'unhandled error');
    return sendError(c, { status: 500, code: 'internal', message: 'internal error; see the server log with this requestId' });
  });
  return app;
}

/** Runs the rest of the chain, then logs the request with its status and duration (debug only). */
async function logRequest(c: Context, next: Next, requestId: string, logger: Logger): Promise<void> {
  const started = performance.now();
  await next();
  logger.debug({ requestId, method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) }, 'request');
}

/** A body stream that failed because its socket closed mid-body (node:_http_server `abortIncoming`). */
function isClientAbort(err: unknown): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === 'ECONNRESET' && err.message === 'aborted';
}
