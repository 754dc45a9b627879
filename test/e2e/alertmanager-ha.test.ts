/**
 * An Alertmanager HA pair (two real 0.25 binaries gossiping on loopback) posting to one alertcord: README
 * promises "an HA pair of Alertmanagers gives one message". The pair's gossip lags (`lagging`) and its
 * peer timeout is 0 s, so each peer posts before the other's notification log arrives, as a pair on a
 * slow network does; alertcord's dedupe key (groupKey + the alerts' fingerprints, statuses and start
 * times, not the sender's externalURL) makes each notification one Discord message.
 *
 * Each notification must hold the whole group at every peer, or a peer sends a genuinely different one
 * (a single Alertmanager would send it too) and the count of messages says nothing about dedupe. Alertmanager
 * inserts the alerts of one POST one by one, and its group can flush in between (dispatch.go): a group
 * whose first alert is older than `group_wait` flushes at once (`insert`: `startsAt + group_wait` before
 * now → timer reset to 0), and any `group_interval` tick flushes what is there. Seen under CI load with
 * `startsAt` a minute old: one peer flushed `[web-1]` before it took in web-2 ("flushing
 * alerts=[HaDiskFull[340ab2d][active]]", then "Received alert HaDiskFull[7594222]"), posted `[web-1]`,
 * then `[web-1, web-2]` at its next flush: two notifications, two messages, each sent once. Hence a fresh
 * `startsAt` with a `group_wait` far longer than a loaded machine takes to accept one POST, and a
 * resolution whose `endsAt` lies ahead, so both alerts turn resolved at the same instant at every flush.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amConfig, amWebhookConfig, startAlertmanager, type AlertmanagerProcess, type PostableAlert } from '../helpers/alertmanager.js';
import { HOOK_IDS, startBridge, type Bridge } from '../helpers/bridge.js';
import { freeFixedPort } from '../helpers/processes.js';

const WAIT = { timeout: 20_000, interval: 200 };
/** `group_wait`: the first flush comes this long after the push, with both alerts in (see above). */
const GROUP_WAIT = '5s';
/** How far ahead the resolution's `endsAt` lies: both alerts are in long before it passes. */
const RESOLVE_AHEAD_MS = 5000;
/** Long enough for the other peer's copy (peer timeout 0 s: sent within a second of the first) to arrive. */
const SETTLE_MS = 3000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let bridge: Bridge;
const pair: AlertmanagerProcess[] = [];

beforeAll(async () => {
  bridge = await startBridge();
  const config = amConfig({ timing: { group_wait: GROUP_WAIT }, webhookConfigs: [amWebhookConfig({ url: `${bridge.url}/webhook/alertmanager` })] });
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
  // Prometheus sends every alert to each peer, with the same start time: now, at the push (not a past time,
  // which would flush each peer's group on its first alert; see above).
  const firing = (startsAt: string): PostableAlert[] =>
    ['web-1', 'web-2'].map((instance) => ({
      labels: { alertname: 'HaDiskFull', instance, severity: 'warning' },
      annotations: { summary: `HA disk full on ${instance}` },
      startsAt,
    }));

  it('is one cluster', async () => {
    const status = (await (await fetch(`${pair[0]!.url}/api/v2/status`)).json()) as { cluster: { peers: unknown[] } };
    expect(status.cluster.peers).toHaveLength(2);
  });

  it('gives one message for the firing group and one for its resolution', async () => {
    const alerts = firing(new Date().toISOString());
    await Promise.all(pair.map((am) => am.pushAlerts(alerts)));
    await expect.poll(() => messages().some((m) => m.includes('HA disk full on web-2')), WAIT).toBe(true);
    await sleep(SETTLE_MS);
    expect(messages()).toHaveLength(1);
    expect(messages()[0]).toContain('HA disk full on web-1');

    // Resolved a little ahead, not in the past: a group_interval tick between the two inserts would send the
    // group half resolved (another notification) first.
    const endsAt = new Date(Date.now() + RESOLVE_AHEAD_MS).toISOString();
    await Promise.all(pair.map((am) => am.pushAlerts(alerts.map((alert) => ({ ...alert, endsAt })))));
    await expect.poll(() => messages().length, WAIT).toBe(2);
    await sleep(SETTLE_MS);
    expect(messages()).toHaveLength(2);
    expect(messages()[1]).toContain('RESOLVED: HA disk full on web-1');
    expect(messages()[1]).toContain('RESOLVED: HA disk full on web-2');
    // Both peers did post: the duplicates reached alertcord and were accepted without a message.
    expect(await accepted()).toBeGreaterThan(2);
    expect(bridge.fake.stats.status400).toBe(0);
  }, 60_000);
});
