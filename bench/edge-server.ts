/**
 * alertcord's HTTP layer over a pipeline that does nothing: the product's own app (request ids, ingest
 * metrics, ingest auth, the body reader, the Alertmanager parser) with an intake that accepts every group
 * without routing, deduplicating or queueing. bench/ingest.ts runs it beside the bare server and alertcord
 * to split alertcord's cost per request into its HTTP layer and its pipeline. Started as a child (HOST and
 * PORT from the environment, the shipped config file).
 */
import pino from 'pino';
import { loadConfigOrThrow } from '../src/config/load.js';
import type { Intake } from '../src/delivery/intake-types.js';
import { createApp } from '../src/http/app.js';
import { readLimitsOf } from '../src/http/read-json.js';
import { startHttpServer } from '../src/http/serve.js';
import { metricHooks } from '../src/metrics/hooks.js';
import { createMetrics } from '../src/metrics/registry.js';

const { config } = loadConfigOrThrow({ env: process.env });
const logger = pino({ level: 'warn' });
// No store behind it: a /metrics scrape reports no queues.
const metrics = createMetrics({ snapshot: async () => ({ queues: [], webhooks: [], deadLetters: 0, storeUp: true }) });
const noPipeline: Intake = {
  accept: async (groups) => ({ ok: true, accepted: groups.reduce((n, g) => n + g.alerts.length, 0), notifications: [], duplicates: 0, skipped: 0, muted: 0 }),
};
const app = createApp({
  logger,
  intake: () => noPipeline,
  limits: () => readLimitsOf(config),
  readiness: async () => ({ ready: true, checks: {} }),
  adminToken: () => config.admin.token,
  ingestAuth: () => config.ingest,
  isShuttingDown: () => false,
  metrics: { metrics, onParsed: metricHooks(metrics).onParsed },
});
await startHttpServer(app, config, { host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 0) });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0));
