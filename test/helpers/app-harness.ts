import pino from 'pino';
import { loadConfigOrThrow } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { createIntake } from '../../src/delivery/intake.js';
import { createApp } from '../../src/http/app.js';
import { readLimitsOf } from '../../src/http/read-json.js';
import { createMemoryStore } from '../../src/store/memory/index.js';

export const LOOPBACK_ENV = { incoming: { socket: { remoteAddress: '127.0.0.1' } } };
export const REMOTE_ENV = { incoming: { socket: { remoteAddress: '203.0.113.9' } } };

/** An app over the memory store and the real intake, for `app.request` tests (no sockets). `now`: intake's clock. */
export function appHarness(env: Record<string, string> = {}, yaml = '', now?: () => number, logger = pino({ level: 'silent' })) {
  const config: Config = loadConfigOrThrow({ env: { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/general-token', ...env }, yaml }).config;
  const store = createMemoryStore({ queueSize: config.discord.queueSize, historyMaxEntries: 100, historyRetentionMs: 86_400_000 });
  let shuttingDown = false;
  const intake = createIntake({ config: () => config, queue: store.queue, logger, now });
  const app = createApp({
    logger,
    intake: () => intake,
    limits: () => readLimitsOf(config),
    readiness: async () => ({ ready: true, checks: { config: { ok: true }, store: await store.ping() }, dryRun: config.discord.dryRunReason }),
    adminToken: () => config.admin.token,
    ingestAuth: () => config.ingest,
    isShuttingDown: () => shuttingDown,
    mountAdmin: (api) => api.get('/ping', (c) => c.json({ pong: true })),
  });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    app.request(path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
  return { app, config, store, post, shutDown: () => { shuttingDown = true; } };
}
