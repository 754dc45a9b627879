import { afterEach, describe, expect, it } from 'vitest';
import { startBridge, HOOK_IDS, type Bridge } from '../helpers/bridge.js';
import { fixtureBody } from '../helpers/fixtures.js';

let bridge: Bridge | undefined;
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
});

const embedsOf = (b: Bridge, type: string) => b.fake.messagesFor(HOOK_IDS[type]!).flatMap((m) => (m.body as { embeds: { title: string; color: number; fields?: { name: string; value: string }[] }[] }).embeds);

describe('delivery end to end through a real socket', () => {
  it('delivers an Alertmanager group to the monitoring channel, pinned to v10, with allowed_mentions', async () => {
    bridge = await startBridge();
    const res = await bridge.post('/webhook/alertmanager', fixtureBody('alertmanager/firing-two-alerts.json'));
    expect(res.status).toBe(202);
    const [msg] = await bridge.fake.waitForMessages(1);
    expect(msg?.webhookId).toBe(HOOK_IDS.monitoring);
    expect(msg?.apiVersion).toBe(10);
    expect(msg?.wait).toBe(true);
    expect(msg?.allowedMentionsPresent).toBe(true);
    const embeds = embedsOf(bridge, 'monitoring');
    expect(embeds).toHaveLength(2);
    expect(embeds[0]?.title).toContain('Disk /var on web-1 is 91% full');
    expect(embeds[0]?.color).toBe(0x9b59b6);
  });

  it("a script's template data renders through the seed's template: a tracklist with numbered tracks", async () => {
    bridge = await startBridge();
    const tracks = [{ artist: 'Bicep', title: 'Glue', time: '00:00' }, { artist: 'Fred again..', title: 'Delilah', time: '04:12' }];
    expect((await bridge.post('/webhook/generic/tracklist', { title: 'Friday set', message: 'live from the basement', template: { tracks } })).status).toBe(202);
    await bridge.fake.waitForMessages(1);
    const [embed] = embedsOf(bridge, 'tracklist') as { title: string; description?: string }[];
    expect(embed?.title).toContain('Friday set');
    expect(embed?.description).toMatch(/1\. .*Bicep.*Glue/);
    expect(embed?.description).toMatch(/2\. .*Fred again.*Delilah/);
  });

  it('delivers a critical alert to the critical channel with @here, and its resolution green without a ping', async () => {
    bridge = await startBridge();
    await bridge.post('/webhook/alertmanager', fixtureBody('alertmanager/firing-critical.json'));
    const [firing] = await bridge.fake.waitForMessages(1);
    const body = firing?.body as { content?: string; allowed_mentions: { parse: string[] }; embeds: { color: number }[] };
    expect(firing?.webhookId).toBe(HOOK_IDS.critical);
    expect(body.content).toContain('@here');
    expect(body.allowed_mentions.parse).toEqual(['everyone']);
    const resolved = fixtureBody<{ status: string; alerts: { status: string; endsAt: string; labels: Record<string, string> }[] }>('alertmanager/firing-critical.json');
    resolved.status = 'resolved';
    for (const a of resolved.alerts) {
      a.status = 'resolved';
      a.endsAt = '2026-11-28T19:00:00Z';
    }
    await bridge.post('/webhook/alertmanager', resolved);
    const msgs = await bridge.fake.waitForMessages(2);
    const second = msgs[1]?.body as { content?: string; allowed_mentions: { parse: string[] }; embeds: { color: number }[] };
    expect(second.content ?? '').not.toContain('@here');
    expect(second.allowed_mentions.parse).toEqual([]);
    expect(second.embeds[0]?.color).toBe(0x2ecc71);
  });

  it('delivers the resolved fixture, Grafana and generic alerts to their channels', async () => {
    bridge = await startBridge();
    await bridge.post('/webhook/alertmanager', fixtureBody('alertmanager/resolved-two-alerts.json'));
    await bridge.post('/webhook/grafana', fixtureBody('grafana/test-notification.json'));
    await bridge.post('/webhook/generic', { alert_type: 'error', title: 'Backup failed', message: 'exit code 2' });
    await bridge.post('/webhook/generic', { type: 'tracklist', title: 'Now playing' });
    await bridge.post('/webhook/generic', { title: 'SSH brute force', labels: { category: 'security' } });
    await bridge.fake.waitForMessages(5);
    expect(embedsOf(bridge, 'monitoring').some((e) => /TEST/i.test(e.title))).toBe(true);
    expect(embedsOf(bridge, 'error')[0]?.title).toContain('Backup failed');
    expect(embedsOf(bridge, 'error')[0]?.color).toBe(0xe67e22);
    expect(embedsOf(bridge, 'tracklist')[0]?.title).toContain('Now playing');
    expect(embedsOf(bridge, 'security')[0]?.color).toBe(0xf1c40f);
  });

  /** An Alertmanager group of `n` alerts (web-0 … web-n-1) with long descriptions. */
  const bigGroup = (n: number) => {
    const body = fixtureBody<{ alerts: unknown[]; groupKey: string }>('alertmanager/firing-two-alerts.json');
    const template = body.alerts[0] as { labels: Record<string, string>; annotations: Record<string, string>; fingerprint: string };
    body.alerts = Array.from({ length: n }, (_, i) => ({
      ...template,
      labels: { ...template.labels, instance: `web-${i}` },
      annotations: { summary: `Disk /var on web-${i} is full`, description: 'x'.repeat(300) },
      fingerprint: i.toString(16).padStart(16, '0'),
    }));
    return body;
  };

  it('splits a 20-alert group across messages in full (up to three), in order, every alert present', async () => {
    bridge = await startBridge();
    await bridge.post('/webhook/alertmanager', bigGroup(20));
    await expect.poll(() => embedsOf(bridge!, 'monitoring').length, { timeout: 15_000 }).toBe(20);
    const order = embedsOf(bridge, 'monitoring').map((e) => Number(/web-(\d+)/.exec(e.title)?.[1]));
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(bridge.fake.messagesFor(HOOK_IDS.monitoring!).length).toBeGreaterThanOrEqual(2);
    expect(bridge.fake.stats.status400).toBe(0);
  });

  // Full, 60 alerts are 6 messages (a 1,000-alert group with `max_alerts: 0`, 100): packed, every alert is a
  // field of a compact embed, in order, in a fraction of the channel's 30 messages a minute.
  it('packs a 60-alert group compactly: few messages, in order, every alert present', async () => {
    bridge = await startBridge();
    await bridge.post('/webhook/alertmanager', bigGroup(60));
    const shown = () => embedsOf(bridge!, 'monitoring').flatMap((e) => (e.fields ?? []).map((f) => Number(/web-(\d+)/.exec(`${f.name} ${f.value}`)?.[1])));
    await expect.poll(() => shown().length, { timeout: 15_000 }).toBe(60);
    expect(shown()).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(bridge.fake.messagesFor(HOOK_IDS.monitoring!).length).toBeLessThanOrEqual(3);
    expect(bridge.fake.stats.status400).toBe(0);
  });

  it('falls back to the general webhook for a type without its own', async () => {
    bridge = await startBridge({ types: ['general'] });
    await bridge.post('/webhook/generic', { alert_type: 'security', title: 'Intrusion' });
    const [msg] = await bridge.fake.waitForMessages(1);
    expect(msg?.webhookId).toBe(HOOK_IDS.general);
    expect((msg?.body as { embeds: { color: number }[] }).embeds[0]?.color).toBe(0xf1c40f);
  });

  it('records sent notifications in history with the Discord message id', async () => {
    bridge = await startBridge();
    const res = await bridge.post('/webhook/generic', { title: 'hello history' });
    const { notifications } = (await res.json()) as { notifications: string[] };
    const [msg] = await bridge.fake.waitForMessages(1);
    await expect.poll(async () => (await bridge!.runtime.store.history.get(notifications[0]!))?.outcome.status).toBe('sent');
    const entry = await bridge.runtime.store.history.get(notifications[0]!);
    expect(entry?.outcome.messageIds).toEqual([msg?.id]);
    expect(entry?.outcome.attempts).toBe(1);
  });
});
