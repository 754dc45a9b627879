import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AM_FAST_ROUTE,
  alertmanagerVersion,
  amConfig,
  amDiscordConfig,
  amWebhookConfig,
  checkAlertmanagerConfig,
  resolvedAlerts,
  startAlertmanager,
  type AlertmanagerProcess,
  type PostableAlert,
} from '../helpers/alertmanager.js';

/** One POST the recording receiver got. */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: WebhookBody;
}

/** The parts of Alertmanager's webhook payload (version 4) the test reads. */
interface WebhookBody {
  version: string;
  status: string;
  receiver: string;
  groupKey: string;
  truncatedAlerts: number;
  groupLabels: Record<string, string>;
  alerts: Array<{ status: string; labels: Record<string, string>; endsAt: string; fingerprint: string }>;
}

const WAIT_MS = 15_000;
const BEARER = 'e2e-s3cret';

/** A tiny node:http receiver on 127.0.0.1 that answers 200 and records every POST. */
async function startRecorder(): Promise<{ server: Server; origin: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'POST') {
        received.push({
          path: req.url ?? '',
          headers: req.headers,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookBody,
        });
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}`, received };
}

/** Polls until `find` returns something, or fails after {@link WAIT_MS} with the Alertmanager logs. */
async function waitFor<T>(find: () => T | undefined, what: string, am: AlertmanagerProcess): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; Alertmanager logs:\n${am.logs()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a real Alertmanager 0.25 with webhook_configs', () => {
  let recorder: Awaited<ReturnType<typeof startRecorder>>;
  let am: AlertmanagerProcess;

  beforeAll(async () => {
    recorder = await startRecorder();
    const config = [
      'route:',
      '  receiver: main',
      '  group_by: [alertname]',
      `  group_wait: ${AM_FAST_ROUTE.group_wait}`,
      `  group_interval: ${AM_FAST_ROUTE.group_interval}`,
      `  repeat_interval: ${AM_FAST_ROUTE.repeat_interval}`,
      '  routes:',
      "    - matchers: ['kind=\"truncate\"']",
      '      receiver: truncated',
      'receivers:',
      '  - name: main',
      `    webhook_configs: [${amWebhookConfig({ url: `${recorder.origin}/main`, bearer: BEARER, sendResolved: true })}]`,
      '  - name: truncated',
      `    webhook_configs: [${amWebhookConfig({ url: `${recorder.origin}/truncated`, bearer: BEARER, maxAlerts: 1 })}]`,
      '',
    ].join('\n');
    am = await startAlertmanager({ config });
  });

  afterAll(async () => {
    await am?.stop();
    await new Promise<void>((resolve) => (recorder ? recorder.server.close(() => resolve()) : resolve()));
  });

  it('sends one version 4 notification for a group of two, with bearer auth and its User-Agent, then a resolved one', async () => {
    const alerts: PostableAlert[] = [
      { labels: { alertname: 'DiskFull', instance: 'web-1', severity: 'warning' }, annotations: { summary: 'web-1 full' } },
      { labels: { alertname: 'DiskFull', instance: 'web-2', severity: 'warning' }, annotations: { summary: 'web-2 full' } },
    ];
    await am.pushAlerts(alerts);

    const firing = await waitFor(
      () => recorder.received.find((r) => r.path === '/main' && r.body.status === 'firing'),
      'the firing notification',
      am,
    );
    expect(firing.headers.authorization).toBe(`Bearer ${BEARER}`);
    expect(firing.headers['user-agent']).toMatch(/^Alertmanager\/0\.25\./);
    expect(firing.headers['content-type']).toBe('application/json');
    expect(firing.body).toMatchObject({
      version: '4',
      receiver: 'main',
      groupKey: '{}:{alertname="DiskFull"}',
      groupLabels: { alertname: 'DiskFull' },
      truncatedAlerts: 0,
    });
    expect(firing.body.alerts.map((a) => a.labels.instance).sort()).toEqual(['web-1', 'web-2']);
    for (const alert of firing.body.alerts) {
      expect(alert.status).toBe('firing');
      expect(alert.endsAt).toBe('0001-01-01T00:00:00Z');
      expect(alert.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    }

    await am.pushAlerts(resolvedAlerts(alerts));
    const resolved = await waitFor(
      () => recorder.received.find((r) => r.path === '/main' && r.body.status === 'resolved'),
      'the resolved notification',
      am,
    );
    expect(resolved.headers.authorization).toBe(`Bearer ${BEARER}`);
    expect(resolved.body.groupKey).toBe(firing.body.groupKey);
    expect(resolved.body.alerts).toHaveLength(2);
    expect(resolved.body.alerts.every((a) => a.status === 'resolved')).toBe(true);
    // Both alerts went out together: one firing notification for the group, not one per alert.
    expect(recorder.received.filter((r) => r.path === '/main' && r.body.status === 'firing')).toHaveLength(1);
  });

  it('cuts a group of three to one with max_alerts: 1 and says so in truncatedAlerts', async () => {
    await am.pushAlerts(
      ['a', 'b', 'c'].map((instance) => ({ labels: { alertname: 'Storm', kind: 'truncate', instance } })),
    );
    const truncated = await waitFor(
      () => recorder.received.find((r) => r.path === '/truncated'),
      'the truncated notification',
      am,
    );
    expect(truncated.body.version).toBe('4');
    expect(truncated.body.groupKey).toBe('{}/{kind="truncate"}:{alertname="Storm"}');
    expect(truncated.body.alerts).toHaveLength(1);
    expect(truncated.body.truncatedAlerts).toBe(2);
  });
});

describe('Alertmanager config helpers', () => {
  it('reports the installed 0.25 version', async () => {
    expect(await alertmanagerVersion()).toMatch(/^0\.25\./);
  });

  it('amtool accepts webhook_configs and discord_configs built by the helpers (0.25 has discord_configs)', async () => {
    const config = amConfig({
      webhookConfigs: [amWebhookConfig({ url: 'http://127.0.0.1:1234/webhook/alertmanager', bearer: 't', maxAlerts: 5 })],
      discordConfigs: [amDiscordConfig({ webhookUrl: 'http://127.0.0.1:1234/api/webhooks/1/abc' })],
      timing: { group_interval: '10s' },
    });
    const result = await checkAlertmanagerConfig(config);
    expect(result.output).toContain('SUCCESS');
    expect(result.ok).toBe(true);
  });

  it('amtool rejects a receiver kind that does not exist', async () => {
    const result = await checkAlertmanagerConfig(
      "route: { receiver: r }\nreceivers:\n  - name: r\n    carrier_pigeon_configs: [{ url: 'http://127.0.0.1:1/' }]\n",
    );
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/carrier_pigeon_configs/);
  });
});
