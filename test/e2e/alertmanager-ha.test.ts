/**
 * An Alertmanager HA pair (two real 0.25 binaries gossiping on loopback) posting to one alertcord: README
 * promises "an HA pair of Alertmanagers gives one message". The pair's gossip lags (`lagging`) and its
 * peer timeout is 0 s, so each peer posts before the other's notification log arrives, as a pair on a
 * slow network does; alertcord's dedupe key (groupKey + the alerts' fingerprints, statuses and start
 * times, not the sender's externalURL) makes each notification one Discord message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amConfig, amWebhookConfig, resolvedAlerts, startAlertmanager, type AlertmanagerProcess, type PostableAlert } from '../helpers/alertmanager.js';
import { HOOK_IDS, startBridge, type Bridge } from '../helpers/bridge.js';
import { freeFixedPort } from '../helpers/processes.js';

const WAIT = { timeout: 20_000, interval: 200 };
/** Long enough for the other peer's copy (peer timeout 0 s: sent within a second of the first) to arrive. */
const SETTLE_MS = 3000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let bridge: Bridge;
const pair: AlertmanagerProcess[] = [];

beforeAll(async () => {
  bridge = await startBridge();
  const config = amConfig({ webhookConfigs: [amWebhookConfig({ url: `${bridge.url}/webhook/alertmanager` })] });
  const ports = [await freeFixedPort(), await freeFixedPort()];
  for (const [i, port] of ports.entries()) {
    pair.push(await startAlertmanager({ config, cluster: { port, peers: [`127.0.0.1:${ports[1 - i]!}`], peerTimeout: '0s', lagging: true } }));
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(pair.map((am) => am.stop()));
  await bridge?.close();
});

/** Alertmanager requests alertcord answered 202 (the first of each notification and its duplicates). */
async function accepted(): Promise<number> {
  const text = await (await fetch(`${bridge.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('alertcord_ingest_requests_total{') && l.includes('route="/webhook/alertmanager"') && l.includes('code="202"'));
  return line ? Number(line.split(' ').pop()) : 0;
}

const messages = () => bridge.fake.messagesFor(HOOK_IDS.monitoring!).map((m) => JSON.stringify(m.body));

describe('an Alertmanager HA pair whose peers both post', () => {
  // Prometheus sends every alert to each peer, with the same start time.
  const startsAt = new Date(Date.now() - 60_000).toISOString();
  const alerts: PostableAlert[] = ['web-1', 'web-2'].map((instance) => ({
    labels: { alertname: 'HaDiskFull', instance, severity: 'warning' },
    annotations: { summary: `HA disk full on ${instance}` },
    startsAt,
  }));

  it('is one cluster', async () => {
    const status = (await (await fetch(`${pair[0]!.url}/api/v2/status`)).json()) as { cluster: { peers: unknown[] } };
    expect(status.cluster.peers).toHaveLength(2);
  });

  it('gives one message for the firing group and one for its resolution', async () => {
    await Promise.all(pair.map((am) => am.pushAlerts(alerts)));
    await expect.poll(() => messages().some((m) => m.includes('HA disk full on web-2')), WAIT).toBe(true);
    await sleep(SETTLE_MS);
    expect(messages()).toHaveLength(1);
    expect(messages()[0]).toContain('HA disk full on web-1');

    const resolved = resolvedAlerts(alerts);
    await Promise.all(pair.map((am) => am.pushAlerts(resolved)));
    await expect.poll(() => messages().length, WAIT).toBe(2);
    await sleep(SETTLE_MS);
    expect(messages()).toHaveLength(2);
    expect(messages()[1]).toContain('RESOLVED');
    // Both peers did post: the duplicates reached alertcord and were accepted without a message.
    expect(await accepted()).toBeGreaterThan(2);
    expect(bridge.fake.stats.status400).toBe(0);
  });
});
