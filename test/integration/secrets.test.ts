import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/issues.js';
import { createLogger } from '../../src/lib/logger.js';
import { HOOK_IDS, startBridge, type Bridge } from '../helpers/bridge.js';
import { fixtureBody } from '../helpers/fixtures.js';

/**
 * Secrets never leave (issue 8): with every secret set, drive every path we can (deliveries that
 * succeed, fail with 404/500/reset, bad auth, config errors, every GET route and admin POST route the
 * app has when the test runs) and look for any secret in every surface an operator or a client sees.
 */

const INGEST_TOKEN = 'ingest-S3CRET-7a1c';
const HMAC_SECRET = 'grafana-hmac-S3CRET-42bd';
const ADMIN_TOKEN = 'admin-S3CRET-93fe';
/** The fake's webhook tokens (bridge.ts): the secret part of every webhook URL. */
const WEBHOOK_TOKENS = Object.keys(HOOK_IDS).map((type) => `tok-${type}-secret`);
const SECRETS = [INGEST_TOKEN, HMAC_SECRET, ADMIN_TOKEN, ...WEBHOOK_TOKENS];

/** One place a secret could show up: a log stream, an HTTP answer, a store dump, an error text. */
interface Surface {
  name: string;
  text: string;
}

const logLines: string[] = [];
const answers: Surface[] = [];
let bridge: Bridge;

/** fetch against the bridge, keeping the answer (status, headers, body) as a surface. */
async function call(method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}): Promise<Response> {
  const res = await fetch(`${bridge.url}${path}`, { method, body: init.body, headers: init.headers });
  const text = await res.text();
  answers.push({ name: `${method} ${path} → ${res.status}`, text: `${JSON.stringify([...res.headers])}\n${text}` });
  return new Response(text, { status: res.status, headers: res.headers });
}

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const json = { 'content-type': 'application/json' };
const sign = (body: string) => createHmac('sha256', HMAC_SECRET).update(body).digest('hex');

/** Posts an ingest body with the ingest token; returns the notification ids of a 202. */
async function ingest(path: string, body: unknown, headers: Record<string, string> = {}): Promise<string[]> {
  const res = await call('POST', path, { body: JSON.stringify(body), headers: { ...json, ...auth(INGEST_TOKEN), ...headers } });
  expect(res.status, path).toBe(202);
  return ((await res.json()) as { notifications: string[] }).notifications;
}

/** Every GET route of the app (path params filled in), and the admin POST routes, as an admin would call them. */
async function probeRoutes(notificationId: string): Promise<void> {
  const fill = (path: string) => path.replace(/:(\w+)(\{[^}]*\})?/g, (_m, name: string) => (name === 'id' ? notificationId : name === 'type' ? 'general' : 'x'));
  const routes = bridge.runtime.app.routes.filter((r) => !r.path.includes('*') && (r.method === 'GET' || (r.method === 'POST' && r.path.startsWith('/api/'))));
  const seen = new Set<string>();
  for (const r of routes) {
    const key = `${r.method} ${fill(r.path)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    await call(r.method, fill(r.path), { headers: { ...auth(ADMIN_TOKEN), ...(r.method === 'POST' ? json : {}) }, body: r.method === 'POST' ? '{}' : undefined });
  }
  expect([...seen]).toEqual(expect.arrayContaining(['GET /healthz', 'GET /readyz', 'GET /api/dead-letter']));
}

/** Config problems whose input holds secrets: none of them may be quoted back. */
function configErrors(): Surface[] {
  const env: Record<string, string> = {
    INGEST_TOKEN,
    ADMIN_TOKEN,
    GRAFANA_HMAC_SECRET: HMAC_SECRET,
    DISCORD_WEBHOOK_GENERAL: `https://evil.example.com/api/webhooks/123/${WEBHOOK_TOKENS[0]}`,
    DISCORD_WEBHOOK_ERRORS: `http://discord.com/api/webhooks/123/${WEBHOOK_TOKENS[1]}`,
    DISCORD_WEBHOOK_CRITICAL: `${WEBHOOK_TOKENS[2]} is not a URL`,
    DISCORD_WEBHOOK_SECURITY: `https://discord.com/api/webhooks/not-digits/${WEBHOOK_TOKENS[5]}`,
  };
  const yamls = [
    `alert_types:\n  tracklist:\n    webhook: "https://discord.com:8443/api/webhooks/1/${WEBHOOK_TOKENS[3]}"\n`,
    `alert_types: { monitoring: { webhook: "https://discord.com/api/webhooks/1/${WEBHOOK_TOKENS[4]}`, // unterminated quote
    `sources: { grafana: { hmac_secret: ${HMAC_SECRET}, hmac_header: "${ADMIN_TOKEN} x" }, generic: { token: 12 } }\n`,
  ];
  const cases = [...yamls.map((yaml) => ({ env, yaml })), { env: { ...env, DISCORD_RATE_LIMIT: 'lots', INGEST_TOKEN: '', INGEST_TOKEN_FILE: '/nonexistent/ingest-token' }, yaml: '' }];
  return cases.map(({ env, yaml }, i) => {
    const result = loadConfig({ env, yaml });
    expect(result.ok).toBe(false);
    const issues = result.ok ? [] : result.issues;
    return { name: `config errors #${i}`, text: `${JSON.stringify(issues)}\n${new ConfigError(issues).message}` };
  });
}

/** What the store holds: history and dead letters (before an admin replays them, and after). */
async function storeSurfaces(when: string): Promise<Surface[]> {
  const { store } = bridge.runtime;
  const deadLetters = await store.deadLetters.list(1000);
  return [
    { name: `store: history (${when})`, text: JSON.stringify(await store.history.list({ limit: 1000 })) },
    { name: `store: ${deadLetters.length} dead letters (${when})`, text: JSON.stringify(deadLetters) },
  ];
}

/**
 * Every surface to search. Extension point: add Redis key names (`SCAN 0 MATCH *` on a Redis-backed
 * bridge) and anything new that faces operators here; GET routes (metrics, dashboard, new /api routes)
 * are picked up from the app's route list by `probeRoutes`.
 */
async function collectSurfaces(): Promise<Surface[]> {
  return [
    { name: 'log lines (pino, production redaction)', text: logLines.join('') },
    ...answers,
    ...(await storeSurfaces('at the end')),
    { name: 'config as inspected / serialised', text: `${inspect(bridge.runtime.config(), { depth: 20 })}\n${JSON.stringify(bridge.runtime.config())}` },
    ...configErrors(),
  ];
}

describe('secrets never leave', () => {
  beforeAll(async () => {
    const logger = createLogger('trace', { write: (line: string) => void logLines.push(line) });
    bridge = await startBridge({
      logger,
      env: { INGEST_TOKEN, GRAFANA_HMAC_SECRET: HMAC_SECRET, ADMIN_TOKEN, DISCORD_RETRY_ATTEMPTS: '1' },
    });
  });
  afterAll(async () => bridge?.close());

  it('appear in no log line, error body, history entry, dead letter, admin answer or config error', { timeout: 30_000 }, async () => {
    const { fake } = bridge;
    fake.inject(HOOK_IDS.error!, { status: 404 });
    // Retries used, the webhook's GET answered (Discord is up), one more 500: a dead letter.
    fake.inject(HOOK_IDS.security!, { status: 500 }, { status: 500 }, { kind: 'delay', ms: 0 }, { status: 500 });
    fake.inject(HOOK_IDS.critical!, { status: 500 });
    fake.inject(HOOK_IDS.monitoring!, { kind: 'reset' });
    fake.inject(HOOK_IDS.tracklist!, { status: 400, body: { message: 'Invalid Form Body', code: 50035 } });

    const grafana = JSON.stringify(fixtureBody('grafana/firing-unified.json'));
    const ids = [
      ...(await ingest('/webhook/generic', { title: 'Backup done', message: 'ok' })),
      ...(await ingest('/webhook/generic/error', { title: 'Disk errors', message: 'sda' })),
      ...(await ingest('/webhook/generic/security', { title: 'Login burst' })),
      ...(await ingest('/webhook/generic/critical', { title: 'DB down' })),
      ...(await ingest('/webhook/generic/tracklist', { title: 'Now playing' })),
      ...(await ingest('/webhook/alertmanager', fixtureBody('alertmanager/firing-two-alerts.json'))),
    ];
    const signed = await call('POST', '/webhook/grafana', { body: grafana, headers: { ...json, ...auth(INGEST_TOKEN), 'X-Grafana-Alerting-Signature': sign(grafana) } });
    expect(signed.status).toBe(202);
    const logs = { resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }] }, scopeLogs: [{ logRecords: [{ severityNumber: 17, body: { stringValue: 'boom' } }] }] }] };
    expect((await call('POST', '/v1/logs', { body: JSON.stringify(logs), headers: { ...json, ...auth(INGEST_TOKEN) } })).status).toBe(200);

    // Refusals: wrong or missing tokens and signatures, on every guarded surface.
    const refusals: [string, string, Record<string, string>, string][] = [
      ['POST', '/webhook/generic', auth('wrong'), '{"title":"x"}'],
      ['POST', '/webhook/generic', auth(ADMIN_TOKEN), '{"title":"x"}'],
      ['POST', '/webhook/grafana', { ...auth(INGEST_TOKEN), 'X-Grafana-Alerting-Signature': 'ab'.repeat(32) }, grafana],
      ['POST', '/webhook/grafana', auth(INGEST_TOKEN), grafana],
      ['POST', '/v1/logs', auth(HMAC_SECRET), '{}'],
      ['GET', '/api/dead-letter', auth(INGEST_TOKEN), ''],
      ['GET', '/api/history', {}, ''],
    ];
    for (const [method, path, headers, body] of refusals) {
      const res = await call(method, path, { headers: { ...json, ...headers }, body: method === 'POST' ? body : undefined });
      expect(res.status, `${method} ${path}`).toBe(401);
    }
    await call('POST', '/webhook/generic', { headers: { ...json, ...auth(INGEST_TOKEN) }, body: '{"title": ' });

    // Every accepted notification reaches a final outcome (delivered, dead-lettered or failed).
    const deadline = Date.now() + 20_000;
    while ((await Promise.all(ids.map((id) => bridge.runtime.store.history.get(id)))).some((e) => !e) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const final = await Promise.all(ids.map((id) => bridge.runtime.store.history.get(id)));
    expect(final.every(Boolean), JSON.stringify(final)).toBe(true);
    expect(await bridge.runtime.store.deadLetters.count()).toBeGreaterThanOrEqual(2);
    expect(fake.stats.status404 + fake.stats.status5xx + fake.stats.resets).toBeGreaterThanOrEqual(4);

    const stored = await storeSurfaces('before admin actions');
    await probeRoutes(ids[0]!);
    const surfaces = [...stored, ...(await collectSurfaces())];
    expect(logLines.length).toBeGreaterThan(0);
    const leaks = surfaces.flatMap((s) => SECRETS.filter((secret) => s.text.includes(secret)).map((secret) => `${secret} in ${s.name}`));
    expect(leaks).toEqual([]);
  });
});
