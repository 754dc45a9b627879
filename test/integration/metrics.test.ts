import { afterEach, describe, expect, it } from 'vitest';
import { HOOK_IDS, startBridge, type Bridge } from '../helpers/bridge.js';
import { metricTypes, parseExposition, sampleValue, type PromSample } from '../helpers/prom-text.js';

let bridge: Bridge | undefined;
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
});

async function scrape(b: Bridge): Promise<{ text: string; samples: PromSample[]; contentType: string | null }> {
  const res = await fetch(`${b.url}/metrics`);
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, samples: parseExposition(text), contentType: res.headers.get('content-type') };
}

const deadLetters = async (b: Bridge) => b.runtime.store.deadLetters.count();

describe('GET /metrics after real deliveries through the strict fake Discord', () => {
  it('counts a sent one, a 429, a retry, a dead letter and a dedupe hit', async () => {
    bridge = await startBridge();
    bridge.fake.inject(HOOK_IDS.error!, { kind: '429', retryAfter: 0.2 }, { status: 500 });
    bridge.fake.inject(HOOK_IDS.critical!, { status: 400 });
    expect((await bridge.post('/webhook/generic', { alert_type: 'error', title: 'through 429 and 500' })).status).toBe(202);
    expect((await bridge.post('/webhook/generic', { alert_type: 'critical', title: 'refused for good' })).status).toBe(202);
    for (let i = 0; i < 2; i++) await bridge.post('/webhook/generic', { title: 'twice', dedupe_key: 'same-key' });
    await bridge.fake.waitForMessages(2, 10_000);
    await expect.poll(() => deadLetters(bridge!)).toBe(1);

    const { samples, contentType } = await scrape(bridge);
    const v = (name: string, labels: Record<string, string> = {}) => sampleValue(samples, name, labels);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(v('alertcord_alerts_received_total', { source: 'generic', status: 'firing' })).toBe(4);
    expect(v('alertcord_notifications_total', { alert_type: 'error', outcome: 'sent' })).toBe(1);
    expect(v('alertcord_notifications_total', { alert_type: 'general', outcome: 'sent' })).toBe(1);
    expect(v('alertcord_notifications_total', { alert_type: 'critical', outcome: 'dead_lettered' })).toBe(1);
    expect(v('alertcord_notifications_total', { alert_type: 'general', outcome: 'deduplicated' })).toBe(1);
    expect(v('alertcord_notifications_queued_total')).toBe(3);
    expect(v('alertcord_dedupe_hits_total', { source: 'generic' })).toBe(1);
    expect(v('alertcord_discord_requests_total', { webhook: HOOK_IDS.error!, class: '4xx' })).toBe(1);
    expect(v('alertcord_discord_requests_total', { webhook: HOOK_IDS.error!, class: '5xx' })).toBe(1);
    expect(v('alertcord_discord_requests_total', { webhook: HOOK_IDS.error!, class: '2xx' })).toBe(1);
    expect(v('alertcord_discord_requests_total', { webhook: HOOK_IDS.critical!, class: '4xx' })).toBe(1);
    expect(v('alertcord_discord_rate_limited_total', { scope: 'webhook' })).toBe(1);
    expect(v('alertcord_delivery_retries_total', { reason: 'server_error' })).toBe(1);
    expect(v('alertcord_dead_letters')).toBe(1);
    expect(v('alertcord_delivery_latency_seconds_count')).toBe(2);
    expect(v('alertcord_delivery_latency_seconds_sum')).toBeGreaterThan(0);
    expect(v('alertcord_ingest_duration_seconds_count', { route: '/webhook/generic' })).toBe(4);
    expect(v('alertcord_ingest_requests_total', { route: '/webhook/generic', code: '202' })).toBe(4);
    expect(v('alertcord_config_reloads_total', { result: 'ok' })).toBe(0);
    expect(v('alertcord_config_reloads_total', { result: 'failed' })).toBe(0);
    // The start's load counts as the first success.
    expect(v('alertcord_config_last_reload_successful')).toBe(1);
    expect(v('alertcord_config_last_reload_success_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 600);
  });

  it('counts alerts a muted route kept back, by alert type, and sends none of them', async () => {
    const yaml = 'time_intervals:\n  - name: always\n    time_intervals: [{ times: [{ start_time: "00:00", end_time: "24:00" }] }]\nroutes:\n  - match: [\'severity="info"\']\n    type: tracklist\n    mute_time_intervals: [always]\n';
    bridge = await startBridge({ yaml });
    const res = await bridge.post('/webhook/generic', { title: 'quiet please', severity: 'info' });
    expect(await res.json()).toMatchObject({ accepted: 1, muted: 1, notifications: [] });
    await bridge.post('/webhook/generic', { title: 'loud', severity: 'critical' });
    await bridge.fake.waitForMessages(1, 10_000);
    const { samples } = await scrape(bridge);
    expect(sampleValue(samples, 'alertcord_alerts_muted_total', { alert_type: 'tracklist' })).toBe(1);
    expect(sampleValue(samples, 'alertcord_notifications_queued_total', { alert_type: 'general' })).toBe(1);
    const sent = bridge.fake.messages.map((m) => JSON.stringify(m.body)).join('\n');
    expect(sent).toContain('loud');
    expect(sent).not.toContain('quiet please');
  });

  it('shows queue depth, oldest age, breaker and broken marks per webhook, read at scrape time', async () => {
    bridge = await startBridge({ yaml: 'discord:\n  retry_attempts: 0\n  circuit_breaker: { failure_threshold: 2, cooldown: 10m }\n' });
    bridge.fake.setBroken(HOOK_IDS.security!);
    // A 503, the webhook's GET answered (Discord is up), a 503 again: a dead letter, and the breaker open.
    bridge.fake.inject(HOOK_IDS.error!, { status: 503 }, { kind: 'delay', ms: 0 }, { status: 503 });
    await bridge.post('/webhook/generic', { alert_type: 'security', title: 'to a broken webhook' });
    await bridge.post('/webhook/generic', { alert_type: 'error', title: 'opens the breaker' });
    await expect.poll(() => deadLetters(bridge!)).toBe(1);
    await bridge.fake.waitForMessages(2, 10_000);
    const { samples } = await scrape(bridge);
    const v = (name: string, labels: Record<string, string> = {}) => sampleValue(samples, name, labels);
    for (const id of Object.values(HOOK_IDS)) {
      expect(v('alertcord_queue_depth', { webhook: id })).toBe(0);
      expect(v('alertcord_queue_oldest_age_seconds', { webhook: id })).toBe(0);
    }
    expect(v('alertcord_webhook_broken', { webhook: HOOK_IDS.security! })).toBe(1);
    expect(v('alertcord_webhook_broken', { webhook: HOOK_IDS.general! })).toBe(0);
    expect(v('alertcord_circuit_breaker_state', { webhook: HOOK_IDS.error! })).toBe(2);
    expect(v('alertcord_circuit_breaker_state', { webhook: HOOK_IDS.general! })).toBe(0);
    expect(v('alertcord_webhook_last_success_timestamp_seconds', { webhook: HOOK_IDS.general! })).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(v('alertcord_discord_requests_total', { webhook: HOOK_IDS.security!, class: '4xx' })).toBe(1);
  });

  it('counts what waits in a queue while Discord pauses it', async () => {
    bridge = await startBridge();
    // Long enough that the 1.1 s below and the scrape end well inside the pause on a slow machine.
    bridge.fake.inject(HOOK_IDS.error!, { kind: '429', retryAfter: 30 });
    await bridge.post('/webhook/generic', { alert_type: 'error', title: 'waits out a 429' });
    await expect.poll(() => bridge!.fake.stats.status429).toBe(1);
    await new Promise((r) => setTimeout(r, 1100));
    const { samples } = await scrape(bridge);
    expect(sampleValue(samples, 'alertcord_queue_depth', { webhook: HOOK_IDS.error! })).toBe(1);
    expect(sampleValue(samples, 'alertcord_queue_oldest_age_seconds', { webhook: HOOK_IDS.error! })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(samples, 'alertcord_webhook_paused_until_seconds', { webhook: HOOK_IDS.error! })).toBeGreaterThan(Date.now() / 1000);
  });

  it('names every family by Prometheus conventions and includes prefixed process metrics', async () => {
    bridge = await startBridge();
    const { text } = await scrape(bridge);
    const types = metricTypes(text);
    const expected: Record<string, string> = {
      alertcord_alerts_received_total: 'counter',
      alertcord_notifications_total: 'counter',
      alertcord_notifications_queued_total: 'counter',
      alertcord_discord_requests_total: 'counter',
      alertcord_discord_rate_limited_total: 'counter',
      alertcord_delivery_retries_total: 'counter',
      alertcord_dedupe_hits_total: 'counter',
      alertcord_config_reloads_total: 'counter',
      alertcord_config_last_reload_successful: 'gauge',
      alertcord_config_last_reload_success_timestamp_seconds: 'gauge',
      alertcord_ingest_requests_total: 'counter',
      alertcord_delivery_latency_seconds: 'histogram',
      alertcord_ingest_duration_seconds: 'histogram',
      alertcord_circuit_breaker_state: 'gauge',
      alertcord_webhook_broken: 'gauge',
      alertcord_queue_depth: 'gauge',
      alertcord_queue_oldest_age_seconds: 'gauge',
      alertcord_dead_letters: 'gauge',
      alertcord_process_cpu_seconds_total: 'counter',
      alertcord_nodejs_heap_size_used_bytes: 'gauge',
    };
    for (const [name, type] of Object.entries(expected)) expect([name, types.get(name)]).toEqual([name, type]);
    for (const [name, type] of types) {
      expect(name).toMatch(/^alertcord_[a-z0-9_]+$/);
      // prom-client declares counters without the suffix in TYPE lines only for OpenMetrics; here it is kept.
      if (type === 'counter') expect(name).toMatch(/_total$/);
    }
  });
});

describe('no secret in /metrics', () => {
  it('shows webhook ids, never tokens, URLs or the admin token, in any name or label', async () => {
    bridge = await startBridge({ env: { ADMIN_TOKEN: 'admin-secret-value-123' } });
    bridge.fake.inject(HOOK_IDS.error!, { status: 500 }, { status: 401 });
    await bridge.post('/webhook/generic', { alert_type: 'error', title: 'leak check' });
    await bridge.post('/webhook/generic', { alert_type: 'monitoring', title: 'leak check 2' });
    await bridge.fake.waitForMessages(2, 10_000);
    const { text, samples } = await scrape(bridge);
    for (const type of Object.keys(HOOK_IDS)) expect(text).not.toContain(`tok-${type}-secret`);
    expect(text).not.toContain('admin-secret-value-123');
    expect(text).not.toMatch(/https?:\/\//);
    expect(text).not.toContain('/webhooks/');
    expect(text).not.toContain('[redacted]');
    const allowed = new Set(['source', 'status', 'alert_type', 'outcome', 'webhook', 'class', 'scope', 'reason', 'route', 'code', 'result', 'le', 'kind', 'space', 'type', 'version', 'major', 'minor', 'patch']);
    for (const s of samples) {
      for (const [k, value] of Object.entries(s.labels)) {
        expect(allowed.has(k), `label ${k} of ${s.name}`).toBe(true);
        if (k === 'webhook') expect(value).toMatch(/^(\d{1,25}|no-webhook)$/);
      }
    }
  });
});
