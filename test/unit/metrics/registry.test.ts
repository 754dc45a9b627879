import { register } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { metricHooks, statusClass } from '../../../src/metrics/hooks.js';
import { createMetrics } from '../../../src/metrics/registry.js';
import { createSnapshot, type ScrapeSnapshot } from '../../../src/metrics/snapshot.js';
import type { Config } from '../../../src/config/types.js';
import type { WebhookState } from '../../../src/delivery/webhook-state.js';
import { Secret } from '../../../src/lib/secret.js';
import type { Notification } from '../../../src/model/notification.js';
import type { Store } from '../../../src/store/types.js';

const empty: ScrapeSnapshot = { queues: [], webhooks: [], deadLetters: 0, storeUp: true };
const hookType = (id: string) => ({ name: `t${id}`, webhook: { id, url: new Secret('x') }, fallsBackToGeneral: false, rateLimit: { algorithm: 'token_bucket', perMinute: 30, burst: 30 } });
const notification = (over: Partial<Notification> = {}): Notification => ({
  id: 'n1', alertType: 'error', source: 'generic', status: 'firing', alerts: [], truncatedAlerts: 0, dedupeKey: 'k', receivedAt: 1_000, attempts: 0, ...over,
});

describe('createMetrics', () => {
  it('uses a registry of its own: many runtimes in one process, nothing in prom-client\'s global one', async () => {
    const a = createMetrics({ snapshot: async () => empty, processMetrics: true });
    const b = createMetrics({ snapshot: async () => empty, processMetrics: true });
    a.notifications.inc({ alert_type: 'error', outcome: 'sent' });
    expect(await a.registry.getSingleMetricAsString('alertcord_notifications_total')).toContain('outcome="sent"} 1');
    expect(await b.registry.getSingleMetricAsString('alertcord_notifications_total')).not.toContain('outcome="sent"');
    expect(register.getSingleMetric('alertcord_notifications_total')).toBeUndefined();
    expect(register.getSingleMetric('alertcord_process_cpu_seconds_total')).toBeUndefined();
    expect(a.registry.getSingleMetric('alertcord_process_cpu_seconds_total')).toBeDefined();
  });

  it('shows every 429 scope at 0 before the first 429: a series born at 1 is invisible to increase(), so the first global 429 never fired AlertcordDiscordGlobalRateLimit', async () => {
    const m = createMetrics({ snapshot: async () => empty, processMetrics: false });
    const text = await m.registry.getSingleMetricAsString('alertcord_discord_rate_limited_total');
    for (const scope of ['webhook', 'shared', 'sublimit', 'global', 'cloudflare']) expect(text).toContain(`alertcord_discord_rate_limited_total{scope="${scope}"} 0`);
  });

  it('reads state gauges from one store read per scrape, and drops webhooks that are gone', async () => {
    let reads = 0;
    const types = new Map([['a', hookType('1')], ['b', hookType('2')]]);
    const config = { alertTypes: types, discord: {} } as unknown as Config;
    const store = {
      queue: { queueKeys: async () => ['1', 'no-webhook'], depth: async (k: string) => (k === '1' ? 3 : 0), oldestEnqueuedAt: async () => 10_000 },
      deadLetters: { count: async () => ++reads },
      ping: async () => ({ ok: true }),
    } as unknown as Store;
    const state = {
      status: async (id: string) => ({ webhookId: id, breaker: { state: id === '1' ? 'open' : 'half_open', consecutiveFailures: 0 }, broken: id === '2' ? { reason: 'x', since: 0 } : undefined, rateLimit: { remaining: 1, limit: 1, resetMs: 0 } }),
    } as unknown as WebhookState;
    const m = createMetrics({ snapshot: createSnapshot({ config: () => config, store, state, now: () => 70_000 }), processMetrics: false });
    const text = await m.registry.metrics();
    expect(reads).toBe(1);
    expect(text).toContain('alertcord_queue_depth{webhook="1"} 3');
    expect(text).toContain('alertcord_queue_oldest_age_seconds{webhook="1"} 60');
    expect(text).toContain('alertcord_queue_depth{webhook="no-webhook"} 0');
    expect(text).toContain('alertcord_circuit_breaker_state{webhook="1"} 2');
    expect(text).toContain('alertcord_circuit_breaker_state{webhook="2"} 1');
    expect(text).toContain('alertcord_webhook_broken{webhook="2"} 1');
    expect(text).toContain('alertcord_dead_letters 1');
    types.delete('b');
    expect(await m.registry.metrics()).not.toContain('webhook="2"');
    expect(reads).toBe(2);
  });

  it('leaves the dead-letter gauge out while the store cannot count them: a 0 resolved AlertcordDeadLetters during every Redis outage, and it fired again after', async () => {
    let down = false;
    const config = { alertTypes: new Map(), discord: {} } as unknown as Config;
    const store = {
      queue: { queueKeys: async () => [] },
      deadLetters: { count: async () => { if (down) throw new Error('redis unreachable'); return 2; } },
      ping: async () => (down ? { ok: false, message: 'redis unreachable' } : { ok: true }),
    } as unknown as Store;
    const m = createMetrics({ snapshot: createSnapshot({ config: () => config, store, state: {} as WebhookState, now: () => 0 }), processMetrics: false });
    expect(await m.registry.metrics()).toContain('alertcord_dead_letters 2');
    down = true;
    const text = await m.registry.metrics();
    expect(text).toContain('# TYPE alertcord_dead_letters gauge');
    expect(text).not.toMatch(/^alertcord_dead_letters /m);
    down = false;
    expect(await m.registry.metrics()).toContain('alertcord_dead_letters 2');
  });

  it('says whether the store takes writes (alertcord_store_up), the one gauge with a sample during a store outage', async () => {
    let check = async (): Promise<{ ok: boolean; message?: string }> => ({ ok: true });
    const config = { alertTypes: new Map(), discord: {} } as unknown as Config;
    const store = { queue: { queueKeys: async () => [] }, deadLetters: { count: async () => 0 }, ping: () => check() } as unknown as Store;
    const m = createMetrics({ snapshot: createSnapshot({ config: () => config, store, state: {} as WebhookState, now: () => 0 }), processMetrics: false });
    expect(await m.registry.metrics()).toMatch(/^alertcord_store_up 1$/m);
    check = async () => ({ ok: false, message: 'redis refuses writes: READONLY' });
    expect(await m.registry.metrics()).toMatch(/^alertcord_store_up 0$/m);
    check = async () => {
      throw new Error('redis unreachable');
    };
    expect(await m.registry.metrics()).toMatch(/^alertcord_store_up 0$/m);
  });
});

describe('metricHooks', () => {
  it('moves notifications, latency, requests, 429s, retries, dedupe hits and received alerts', async () => {
    const m = createMetrics({ snapshot: async () => empty, processMetrics: false });
    const h = metricHooks(m);
    h.observe(notification(), { notificationId: 'n1', status: 'sent', attempts: 1, messageIds: [], at: 3_500 });
    h.onAttempt('success', undefined, undefined, { webhookId: '7', status: 204 });
    h.onAttempt('throttle', 'throttled', 'x', { webhookId: '7', status: 429, scope: 'global' });
    h.onAttempt('retryable', 'timeout', 'x', { webhookId: '7' });
    h.onAttempt('success', undefined, undefined, { webhookId: '7', status: 200, simulated: true });
    h.onRetry('timeout');
    h.onDuplicate(notification({ source: 'alertmanager' }));
    h.onParsed([{ source: 'grafana', truncatedAlerts: 0, alerts: [{ status: 'firing' }, { status: 'resolved' }] as never }]);
    const text = await m.registry.metrics();
    expect(text).toContain('alertcord_delivery_latency_seconds_sum 2.5');
    expect(text).toContain('alertcord_discord_requests_total{webhook="7",class="2xx"} 1');
    expect(text).toContain('alertcord_discord_requests_total{webhook="7",class="4xx"} 1');
    expect(text).toContain('alertcord_discord_requests_total{webhook="7",class="error"} 1');
    expect(text).toContain('alertcord_discord_rate_limited_total{scope="global"} 1');
    expect(text).toContain('alertcord_delivery_retries_total{reason="timeout"} 1');
    expect(text).toContain('alertcord_dedupe_hits_total{source="alertmanager"} 1');
    expect(text).toContain('alertcord_notifications_total{alert_type="error",outcome="deduplicated"} 1');
    expect(text).toContain('alertcord_alerts_received_total{source="grafana",status="resolved"} 1');
  });

  it('times a replayed dead letter from its replay: days in dead letters waiting for the operator are no delivery latency', async () => {
    const m = createMetrics({ snapshot: async () => empty, processMetrics: false });
    const h = metricHooks(m);
    const week = 7 * 86_400_000;
    h.observe(notification({ receivedAt: 1_000, replayedAt: 1_000 + week }), { notificationId: 'n1', status: 'sent', attempts: 1, messageIds: [], at: 1_000 + week + 1_500 });
    const text = await m.registry.metrics();
    expect(text).toContain('alertcord_delivery_latency_seconds_sum 1.5');
    expect(text).toContain('alertcord_delivery_latency_seconds_bucket{le="2.5"} 1');
  });

  it('names status classes', () => {
    expect([statusClass(204), statusClass(429), statusClass(503), statusClass(undefined), statusClass(999)]).toEqual(['2xx', '4xx', '5xx', 'error', 'invalid']);
  });
});
