import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../src/config/load.js';
import { createRuntime, type Runtime } from '../../../src/runtime.js';
import { parseExposition, sampleValue } from '../../helpers/prom-text.js';

let runtime: Runtime | undefined;
afterEach(async () => {
  await runtime?.stop(0);
  runtime = undefined;
});

const INGEST_ROUTES = ['/webhook/alertmanager', '/webhook/grafana', '/webhook/generic', '/webhook/generic/:type', '/v1/logs'];

describe('alertcord_ingest_requests_total and AlertcordIngestRefused', () => {
  it('shows every ingest route\'s 503 at 0 before the first refusal: a series born at its first 503 is invisible to increase(), so a process\'s first refusals never fired the rule', async () => {
    const { config } = loadConfigOrThrow({ env: { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/general-token' }, yaml: '' });
    runtime = createRuntime({ config, logger: pino({ level: 'silent' }), processMetrics: false });
    const samples = parseExposition(await (await runtime.app.request('/metrics')).text());
    for (const route of INGEST_ROUTES) expect([route, sampleValue(samples, 'alertcord_ingest_requests_total', { route, code: '503' })]).toEqual([route, 0]);
    // One series per route that answers, none for a middleware's pattern (`/webhook/*`), which answers nothing.
    const refusals = samples.filter((s) => s.name === 'alertcord_ingest_requests_total' && s.labels.code === '503').map((s) => s.labels.route);
    expect(refusals.sort()).toEqual([...INGEST_ROUTES].sort());
    // Only refusals start at 0: other codes are born with their first request, as before.
    expect(samples.filter((s) => s.name === 'alertcord_ingest_requests_total' && s.labels.code !== '503')).toEqual([]);
  });
});
