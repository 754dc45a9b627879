import { Hono } from 'hono';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../src/config/load.js';
import { createIntake } from '../../../src/delivery/intake.js';
import type { Notification } from '../../../src/model/notification.js';
import { otlpRoutes } from '../../../src/http/routes/otlp.js';
import { createOtlpFloodControl } from '../../../src/sources/otlp/flood.js';
import { MemoryQueue } from '../../../src/store/memory/queue.js';

/**
 * Flood control keys a service by its identity (service.namespace, service.name, the deployment environment):
 * staging and production of one service name are two services. Intake's OTLP dedupe, and the dedupe keys of
 * the count notifications flood control sends, must tell them apart as well: production's "db down" sent a
 * moment after staging's is no repeat of it, and the on-call must see both, even in one channel.
 */
const config = loadConfigOrThrow({ env: { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/general-token' }, yaml: 'routes:\n  - type: general\n' }).config;

/** A resource of service `api` in deployment environment `env` (`key` names the attribute), logging `body` as an error. */
function resource(env: string, body: string, key = 'deployment.environment.name') {
  return {
    resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }, { key, value: { stringValue: env } }] },
    scopeLogs: [{ logRecords: [{ severityNumber: 17, body: { stringValue: body } }] }],
  };
}

function harness() {
  let now = Date.parse('2024-05-01T12:00:00Z');
  const queued: Notification[] = [];
  const intake = createIntake({ config: () => config, queue: new MemoryQueue({ maxPerQueue: 100 }), logger: pino({ level: 'silent' }), now: () => now, onQueued: (n) => queued.push(n) });
  const flood = createOtlpFloodControl({ now: () => now });
  const app = new Hono().route('/', otlpRoutes({ intake: () => intake, limits: () => ({ bodyLimit: 1 << 20, maxDepth: 64 }), minSeverity: () => 'warning', flood }));
  const post = (resourceLogs: unknown[]) => app.request('/v1/logs', { method: 'POST', body: JSON.stringify({ resourceLogs }), headers: { 'content-type': 'application/json' } });
  return { post, queued, flood, intake, advance: (ms: number) => (now += ms) };
}

const envOf = (n: Notification) => n.alerts[0]?.labels['deployment.environment.name'] ?? n.alerts[0]?.labels['deployment.environment'];

describe('OTLP: staging and production of one service name are two services, through intake too', () => {
  it.each(['deployment.environment.name', 'deployment.environment'])('sends production\'s record after staging\'s identical one (%s)', async (key) => {
    const h = harness();
    expect((await h.post([resource('staging', 'db down', key), resource('production', 'db down', key)])).status).toBe(200);
    expect(h.queued.map(envOf)).toEqual(['staging', 'production']);
  });

  it('sends the "repeated" counts of both deployments, not one of them', async () => {
    const h = harness();
    await h.post([resource('staging', 'db down'), resource('production', 'db down')]);
    h.advance(1_000);
    await h.post([resource('staging', 'db down'), resource('production', 'db down')]);
    h.advance(130_000);
    const due = h.flood.flush();
    expect(due).toHaveLength(2);
    const result = await h.intake.accept(due);
    expect(result).toMatchObject({ ok: true, duplicates: 0 });
    expect(h.queued.slice(2).map(envOf)).toEqual(['staging', 'production']);
  });

  it('still takes the same record of the same deployment again for a duplicate', async () => {
    const h = harness();
    const flood = h.flood;
    await h.post([resource('production', 'db down')]);
    h.advance(61_000); // past flood control's window: the copy reaches intake, whose dedupe window is 5 minutes
    flood.flush();
    await h.post([resource('production', 'db down')]);
    expect(h.queued).toHaveLength(1);
  });
});
