import { afterEach, describe, expect, it } from 'vitest';
import { HOOK_IDS, startBridge, type Bridge } from '../helpers/bridge.js';
import { parseExposition, sampleValue, type PromSample } from '../helpers/prom-text.js';
import { expectedAlert, promtoolTestRules, seriesFromScrapes } from '../helpers/promtool.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';

/**
 * The shipped alerting rules (config/examples/alertcord-rules.yml) run by the real promtool on series
 * scraped from a real alertcord in a failure mode: names, labels and gaps as Prometheus would store them.
 */
const TARGET = { job: 'alertcord', instance: 'alertcord:8080' };

let bridge: Bridge | undefined;
let redis: RedisServer | undefined;
afterEach(async () => {
  await bridge?.close();
  await redis?.destroy();
  bridge = redis = undefined;
});

async function scrape(b: Bridge): Promise<PromSample[]> {
  const res = await fetch(`${b.url}/metrics`);
  expect(res.status).toBe(200);
  return parseExposition(await res.text());
}

const repeat = <T>(x: T, n: number): T[] => Array.from({ length: n }, () => x);

describe('the shipped alerting rules on series scraped from a real alertcord', () => {
  it('keep a broken webhook and dead letters firing through a Redis blip (the gauges have no sample then)', { timeout: 60_000 }, async () => {
    redis = await startRedis();
    bridge = await startBridge({ env: { REDIS_URL: redis.url } });
    bridge.fake.setBroken(HOOK_IDS.security!);
    bridge.fake.inject(HOOK_IDS.critical!, { status: 400 });
    expect((await bridge.post('/webhook/generic', { alert_type: 'security', title: 'to a broken webhook' })).status).toBe(202);
    expect((await bridge.post('/webhook/generic', { alert_type: 'critical', title: 'refused for good' })).status).toBe(202);
    await expect.poll(() => bridge!.runtime.store.deadLetters.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const before = await scrape(bridge);
    await redis.kill();
    const during = await scrape(bridge);
    // What Prometheus stores during the outage: no sample of the store-read gauges (unknown is not 0).
    expect(during.some((s) => s.name === 'alertcord_webhook_broken')).toBe(false);
    expect(during.some((s) => s.name === 'alertcord_dead_letters')).toBe(false);
    await redis.restart();
    await expect.poll(async () => (await scrape(bridge!)).some((s) => s.name === 'alertcord_dead_letters'), { timeout: 15_000 }).toBe(true);
    const after = await scrape(bridge);

    // One scrape a minute: 5 minutes up, a 2-minute Redis outage, 5 minutes up again.
    const scrapes = [...repeat(before, 5), ...repeat(during, 2), ...repeat(after, 5)];
    const input_series = seriesFromScrapes(scrapes, ['alertcord_webhook_broken', 'alertcord_dead_letters'], TARGET);
    const broken = [expectedAlert('AlertcordWebhookBroken', { webhook: HOOK_IDS.security!, ...TARGET })];
    const dead = [expectedAlert('AlertcordDeadLetters', TARGET, '1')];
    const r = await promtoolTestRules([
      {
        interval: '1m',
        input_series,
        alert_rule_test: [4, 5, 6, 8].flatMap((m) => [
          { eval_time: `${m}m`, alertname: 'AlertcordWebhookBroken', exp_alerts: broken },
          { eval_time: `${m}m`, alertname: 'AlertcordDeadLetters', exp_alerts: dead },
        ]),
      },
    ]);
    expect(r.code, r.output).toBe(0);
  });

  it('page for Discord down: the breaker open while work waits, and no delivery for 15 minutes', { timeout: 60_000 }, async () => {
    bridge = await startBridge({ yaml: 'discord:\n  retry_attempts: 0\n  circuit_breaker: { failure_threshold: 2, cooldown: 10m }\n' });
    const healthy = await scrape(bridge);
    bridge.fake.inject(HOOK_IDS.error!, ...repeat({ status: 503 }, 20));
    for (let i = 0; i < 5; i++) expect((await bridge.post('/webhook/generic', { alert_type: 'error', title: `Discord is down ${i}` })).status).toBe(202);
    const open = (samples: PromSample[]) => samples.some((s) => s.name === 'alertcord_circuit_breaker_state' && s.labels.webhook === HOOK_IDS.error && s.value === 2);
    let down: PromSample[] = [];
    await expect.poll(async () => open((down = await scrape(bridge!))), { timeout: 15_000 }).toBe(true);

    // One scrape a minute: 1 minute healthy, then Discord down for 20 minutes.
    const scrapes = [healthy, ...repeat(down, 20)];
    const names = ['alertcord_circuit_breaker_state', 'alertcord_queue_depth', 'alertcord_discord_requests_total'];
    const input_series = seriesFromScrapes(scrapes, names, TARGET);
    const breaker = [expectedAlert('AlertcordCircuitBreakerOpen', { webhook: HOOK_IDS.error!, ...TARGET })];
    const r = await promtoolTestRules([
      {
        interval: '1m',
        input_series,
        alert_rule_test: [
          { eval_time: '5m', alertname: 'AlertcordCircuitBreakerOpen', exp_alerts: [] },
          { eval_time: '6m', alertname: 'AlertcordCircuitBreakerOpen', exp_alerts: breaker },
          { eval_time: '20m', alertname: 'AlertcordNoSuccessfulDelivery', exp_alerts: [expectedAlert('AlertcordNoSuccessfulDelivery', {})] },
        ],
      },
    ]);
    expect(r.code, r.output).toBe(0);
  });

  it('page for refused alerts while Redis is down: the first 503 of a process fires AlertcordIngestRefused', { timeout: 60_000 }, async () => {
    redis = await startRedis();
    bridge = await startBridge({ env: { REDIS_URL: redis.url } });
    const before = await scrape(bridge);
    await redis.kill();
    expect((await bridge.post('/webhook/generic', { title: 'while Redis is down' })).status).toBe(503);
    const after = await scrape(bridge);

    const scrapes = [...repeat(before, 3), ...repeat(after, 3)];
    const input_series = seriesFromScrapes(scrapes, ['alertcord_ingest_requests_total'], TARGET);
    const refused = [expectedAlert('AlertcordIngestRefused', { instance: TARGET.instance, route: '/webhook/generic' })];
    const r = await promtoolTestRules([
      {
        interval: '1m',
        input_series,
        alert_rule_test: [
          { eval_time: '2m', alertname: 'AlertcordIngestRefused', exp_alerts: [] },
          { eval_time: '3m', alertname: 'AlertcordIngestRefused', exp_alerts: refused },
        ],
      },
    ]);
    expect(r.code, r.output).toBe(0);
  });

  it('page for Redis down even when no alert arrives to be refused (the Watchdog is still taken)', { timeout: 60_000 }, async () => {
    redis = await startRedis();
    bridge = await startBridge({ env: { REDIS_URL: redis.url } });
    const before = await scrape(bridge);
    await redis.kill();
    const during = await scrape(bridge);
    await redis.restart();
    await expect.poll(async () => (await scrape(bridge!)).some((s) => s.name === 'alertcord_dead_letters'), { timeout: 15_000 }).toBe(true);
    const after = await scrape(bridge);
    expect([before, during, after].map((s) => sampleValue(s, 'alertcord_store_up'))).toEqual([1, 0, 1]);

    // One scrape a minute: 2 minutes up, Redis down for 5 minutes, up again.
    const scrapes = [...repeat(before, 2), ...repeat(during, 5), ...repeat(after, 3)];
    const input_series = seriesFromScrapes(scrapes, ['alertcord_store_up', 'alertcord_ingest_requests_total'], TARGET);
    const r = await promtoolTestRules([
      {
        interval: '1m',
        input_series,
        alert_rule_test: [
          // A blip of a scrape or two pages no one; then it fires, and resolves once Redis is back.
          { eval_time: '3m', alertname: 'AlertcordStoreDown', exp_alerts: [] },
          { eval_time: '5m', alertname: 'AlertcordStoreDown', exp_alerts: [expectedAlert('AlertcordStoreDown', TARGET)] },
          { eval_time: '8m', alertname: 'AlertcordStoreDown', exp_alerts: [] },
        ],
      },
    ]);
    expect(r.code, r.output).toBe(0);
  });
});
