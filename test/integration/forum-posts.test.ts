import { afterEach, describe, expect, it } from 'vitest';
import { startBridge, HOOK_IDS, type Bridge } from '../helpers/bridge.js';
import { fixtureBody } from '../helpers/fixtures.js';

let bridge: Bridge | undefined;
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
});

type AlertmanagerBody = { groupKey: string; alerts: { labels: Record<string, string>; annotations: Record<string, string>; fingerprint: string }[] };

/** One Alertmanager group of `count` alerts: too many embeds for one message (10 per message). */
function bigGroup(count: number): AlertmanagerBody {
  const body = fixtureBody<AlertmanagerBody>('alertmanager/firing-two-alerts.json');
  const [template] = body.alerts;
  body.alerts = Array.from({ length: count }, (_, i) => ({
    ...template!,
    labels: { ...template!.labels, instance: `web-${i}` },
    annotations: { summary: `Disk /var on web-${i} is 91% full` },
    fingerprint: i.toString(16).padStart(16, '0'),
  }));
  return body;
}

describe('forum channels: a group split across messages stays in one post', () => {
  it('opens the post with the first part and sends the others into it (thread_id, no thread_name)', async () => {
    bridge = await startBridge({ yaml: 'alert_types:\n  monitoring:\n    thread_name: Disk alerts\n' });
    const id = HOOK_IDS.monitoring!;
    bridge.fake.addWebhook({ id, token: 'tok-monitoring-secret', channelId: 'chan-monitoring', forum: true });
    const res = await bridge.post('/webhook/alertmanager', bigGroup(25));
    expect(res.status).toBe(202);
    const messages = await bridge.fake.waitForMessages(3);
    expect(bridge.fake.stats.status400).toBe(0);
    expect(messages.map((m) => m.threadName)).toEqual(['Disk alerts', undefined, undefined]);
    const [first, ...rest] = messages;
    expect(first!.threadId).toMatch(/^\d+$/);
    for (const m of rest) expect(m.threadId).toBe(first!.threadId);
    const shown = messages.flatMap((m) => (m.body as { embeds: { title: string }[] }).embeds.map((e) => e.title)).join('\n');
    for (let i = 0; i < 25; i++) expect(shown).toContain(`web-${i} is 91%`);
  });

  it('gives each notification its own post', async () => {
    bridge = await startBridge({ yaml: 'alert_types:\n  monitoring:\n    thread_name: Disk alerts\n' });
    bridge.fake.addWebhook({ id: HOOK_IDS.monitoring!, token: 'tok-monitoring-secret', channelId: 'chan-monitoring', forum: true });
    const a = bigGroup(2);
    const b = { ...bigGroup(2), groupKey: 'another group' };
    b.alerts = b.alerts.map((x, i) => ({ ...x, fingerprint: `b${i}`.padEnd(16, '0') }));
    await bridge.post('/webhook/alertmanager', a);
    await bridge.fake.waitForMessages(1);
    await bridge.post('/webhook/alertmanager', b);
    const [one, two] = await bridge.fake.waitForMessages(2);
    expect([one!.threadName, two!.threadName]).toEqual(['Disk alerts', 'Disk alerts']);
    expect(one!.threadId).not.toBe(two!.threadId);
  });
});
