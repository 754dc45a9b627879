import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amConfig, amWebhookConfig, resolvedAlerts, startAlertmanager, type AlertmanagerProcess, type PostableAlert } from '../helpers/alertmanager.js';
import { HOOK_IDS, startBridge, type Bridge } from '../helpers/bridge.js';

const TOKEN = 'am-ingest-token';
const WAIT = { timeout: 20_000, interval: 200 };
let bridge: Bridge;
let am: AlertmanagerProcess;

const textOf = (type: string) => bridge.fake.messagesFor(HOOK_IDS[type]!).map((m) => JSON.stringify(m.body)).join('\n');

beforeAll(async () => {
  bridge = await startBridge({ env: { INGEST_TOKEN: TOKEN } });
  const hook = (maxAlerts?: number) => amWebhookConfig({ url: `${bridge.url}/webhook/alertmanager`, bearer: TOKEN, sendResolved: true, maxAlerts });
  // Two receivers: `cut` has max_alerts 2 so Alertmanager truncates, everything else goes to `alertcord`.
  const base = amConfig({ webhookConfigs: [hook()], groupBy: ['alertname'] });
  const config = base
    .replace(/^route: (\{.*\})$/m, (_, json: string) => {
      const route = JSON.parse(json) as Record<string, unknown>;
      route.routes = [{ matchers: ['team="cut"'], receiver: 'cut' }];
      return `route: ${JSON.stringify(route)}`;
    })
    .concat(`  - name: "cut"\n    webhook_configs: [${hook(2)}]\n`);
  am = await startAlertmanager({ config });
}, 60_000);

afterAll(async () => {
  await am?.stop();
  await bridge?.close();
});

describe('a real Alertmanager as the sender', () => {
  const disk: PostableAlert[] = ['web-1', 'web-2'].map((instance) => ({
    labels: { alertname: 'DiskFull', instance, severity: 'warning' },
    annotations: { summary: `Disk full on ${instance}` },
  }));

  it('delivers a firing group (bearer auth) to the monitoring channel, then its resolution', async () => {
    await am.pushAlerts(disk);
    await expect.poll(() => textOf('monitoring').includes('Disk full on web-2'), WAIT).toBe(true);
    expect(textOf('monitoring')).toContain('Disk full on web-1');
    await am.pushAlerts(resolvedAlerts(disk));
    await expect.poll(() => bridge.fake.messagesFor(HOOK_IDS.monitoring!).some((m) => JSON.stringify(m.body).includes('RESOLVED')), WAIT).toBe(true);
  });

  it('routes a critical alert to the critical channel with a ping', async () => {
    await am.pushAlerts([{ labels: { alertname: 'ApiDown', severity: 'critical', service: 'api' }, annotations: { summary: 'API is down' } }]);
    await expect.poll(() => textOf('critical').includes('API is down'), WAIT).toBe(true);
    const msg = bridge.fake.messagesFor(HOOK_IDS.critical!).find((m) => JSON.stringify(m.body).includes('API is down'));
    expect((msg?.body as { content?: string }).content).toContain('@here');
  });

  it('shows what Alertmanager truncated (max_alerts)', async () => {
    await am.pushAlerts(['a', 'b', 'c', 'd'].map((i) => ({ labels: { alertname: 'QueueStuck', team: 'cut', instance: `q-${i}` }, annotations: { summary: `queue ${i} stuck` } })));
    await expect.poll(() => textOf('monitoring').includes('QueueStuck') || textOf('monitoring').includes('queue a stuck'), WAIT).toBe(true);
    await expect.poll(() => /\+2 alerts not sent by Alertmanager/.test(textOf('monitoring')), WAIT).toBe(true);
  });

  it('never got a 4xx: every Alertmanager request was accepted', () => {
    expect(bridge.fake.stats.status400).toBe(0);
    expect(am.logs()).not.toMatch(/status code 4\d\d/i);
  });
});
