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

describe('forum channels: a broken forum webhook reroutes to general as plain messages', () => {
  it('posts the rerouted alert into general without the forum type’s thread_name (general is a text channel)', async () => {
    bridge = await startBridge({ yaml: 'alert_types:\n  monitoring:\n    thread_name: Disk alerts\n' });
    bridge.fake.addWebhook({ id: HOOK_IDS.monitoring!, token: 'tok-monitoring-secret', channelId: 'chan-monitoring', forum: true });
    bridge.fake.setBroken(HOOK_IDS.monitoring!);
    await bridge.post('/webhook/alertmanager', bigGroup(1));
    // The notice and the rerouted alert, both in general's (non-forum) channel.
    const messages = await bridge.fake.waitForMessages(2);
    expect(bridge.fake.stats.status400).toBe(0);
    expect(messages.every((m) => m.webhookId === HOOK_IDS.general && m.threadName === undefined)).toBe(true);
    expect(JSON.stringify(messages.map((m) => m.body))).toContain('web-0 is 91%');
    expect((await bridge.runtime.store.deadLetters.list(10)).length).toBe(0);
  });

  it('does not post a rerouted alert into the thread_id of its broken webhook’s channel', async () => {
    bridge = await startBridge({ yaml: 'alert_types:\n  monitoring:\n    thread_id: "123456789012345678"\n' });
    bridge.fake.setBroken(HOOK_IDS.monitoring!);
    await bridge.post('/webhook/alertmanager', bigGroup(1));
    const messages = await bridge.fake.waitForMessages(2);
    expect(messages.map((m) => [m.webhookId, m.threadId])).toEqual([[HOOK_IDS.general, undefined], [HOOK_IDS.general, undefined]]);
  });
});

describe("forum channels: general's forum post is where alerts coming through general's webhook go", () => {
  const generalForum = (bridge: Bridge): void =>
    bridge.fake.addWebhook({ id: HOOK_IDS.general!, token: 'tok-general-secret', channelId: 'chan-general', forum: true });

  it("a rerouted alert opens a post named after general's thread_name (general is a forum: a plain message is refused)", async () => {
    bridge = await startBridge({ yaml: 'alert_types:\n  general:\n    thread_name: General alerts\n' });
    generalForum(bridge);
    bridge.fake.setBroken(HOOK_IDS.monitoring!);
    await bridge.post('/webhook/alertmanager', bigGroup(1));
    const messages = await bridge.fake.waitForMessages(2, 5_000);
    expect(bridge.fake.stats.status400).toBe(0);
    expect(messages.map((m) => [m.webhookId, m.threadName])).toEqual([[HOOK_IDS.general, 'General alerts'], [HOOK_IDS.general, 'General alerts']]);
    expect(JSON.stringify(messages.map((m) => m.body))).toContain('web-0 is 91%');
  });

  it("a type without its own webhook posts into general's forum with general's thread_name", async () => {
    bridge = await startBridge({ types: ['general'], yaml: 'alert_types:\n  general:\n    thread_name: General alerts\n' });
    generalForum(bridge);
    await bridge.post('/webhook/alertmanager', bigGroup(1));
    const [message] = await bridge.fake.waitForMessages(1, 5_000);
    expect(bridge.fake.stats.status400).toBe(0);
    expect(message).toMatchObject({ webhookId: HOOK_IDS.general, threadName: 'General alerts' });
  });
});
