import { afterEach, describe, expect, it } from 'vitest';
import { startBridge, HOOK_IDS, type Bridge } from '../helpers/bridge.js';

let bridge: Bridge | undefined;
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
});

function amGroup(group: number, size: number, severity = 'warning') {
  return {
    version: '4',
    groupKey: `{}:{alertname="HighLatency", group="g${group}"}`,
    status: 'firing',
    receiver: 'alertcord',
    truncatedAlerts: 0,
    groupLabels: { alertname: 'HighLatency', group: `g${group}` },
    commonLabels: { alertname: 'HighLatency' },
    commonAnnotations: {},
    externalURL: 'http://am.example',
    alerts: Array.from({ length: size }, (_, i) => ({
      status: 'firing',
      labels: { alertname: 'HighLatency', group: `g${group}`, instance: `host-${group}-${i}`, severity },
      annotations: { summary: `p99 latency high on host-${group}-${i}` },
      startsAt: '2026-11-28T10:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prom.example/graph',
      fingerprint: `${group.toString(16).padStart(8, '0')}${i.toString(16).padStart(8, '0')}`,
    })),
  };
}

const stored = (b: Bridge, id: string) => b.fake.messagesFor(id).map((m) => JSON.stringify(m.body)).join('\n');

describe('batching under pressure', () => {
  it('a lone alert goes out at once, in full detail', async () => {
    bridge = await startBridge({ types: ['general'] });
    await bridge.post('/webhook/alertmanager', amGroup(1, 1));
    const [msg] = await bridge.fake.waitForMessages(1);
    const embed = (msg?.body as { embeds: { title: string }[] }).embeds;
    expect(embed).toHaveLength(1);
    expect(embed[0]?.title).toContain('p99 latency high on host-1-0');
  });

  it('packs what piles up while the webhook waits: 40 groups × 5 alerts in few messages, every alert visible', async () => {
    bridge = await startBridge({ types: ['general'] });
    // Discord holds the first request: everything posted meanwhile piles up, as in a storm.
    bridge.fake.setPaused(true);
    expect((await bridge.post('/webhook/alertmanager', amGroup(0, 5))).status).toBe(202);
    await expect.poll(() => bridge!.fake.requests.length).toBe(1);
    for (let g = 1; g < 40; g++) expect((await bridge.post('/webhook/alertmanager', amGroup(g, 5))).status).toBe(202);
    bridge.fake.setPaused(false);
    await expect
      .poll(() => {
        const text = stored(bridge!, HOOK_IDS.general!);
        return Array.from({ length: 40 * 5 }, (_, k) => `host-${Math.floor(k / 5)}-${k % 5}`).filter((h) => !text.includes(`${h}\\`) && !text.includes(`${h}"`) && !text.includes(`${h} `) && !text.includes(`${h}*`)).length;
      }, { timeout: 20_000, interval: 250 })
      .toBe(0);
    expect(bridge.fake.stats.status400).toBe(0);
    expect(bridge.fake.stats.status429).toBeLessThanOrEqual(2);
    // 1 full message for the first group, then 39 groups × 5 alerts packed: 10 embeds per message at most.
    expect(bridge.fake.messagesFor(HOOK_IDS.general!).length).toBeLessThanOrEqual(6);
  });

  it('keeps each notification’s mentions in a packed message and never pings for a resolved one', async () => {
    bridge = await startBridge({ types: ['general'], yaml: 'alert_types: { general: { mentions: { roles: ["123456789012345678"] } } }' });
    await bridge.post('/webhook/alertmanager', amGroup(0, 1));
    await bridge.fake.waitForMessages(1);
    const resolved = amGroup(9, 2);
    resolved.status = 'resolved';
    for (const a of resolved.alerts) Object.assign(a, { status: 'resolved', endsAt: '2026-11-28T11:00:00Z' });
    for (let g = 1; g < 8; g++) await bridge.post('/webhook/alertmanager', amGroup(g, 2));
    await bridge.post('/webhook/alertmanager', resolved);
    await expect.poll(() => stored(bridge!, HOOK_IDS.general!).includes('host-9-1'), { timeout: 15_000 }).toBe(true);
    for (const m of bridge.fake.messagesFor(HOOK_IDS.general!)) {
      const body = m.body as { content?: string; allowed_mentions: { roles?: string[]; parse: string[] } };
      expect(m.allowedMentionsPresent).toBe(true);
      const pings = (body.content ?? '').match(/<@&\d+>/g) ?? [];
      expect(new Set(pings).size).toBe(pings.length);
      if (pings.length > 0) expect(body.allowed_mentions.roles).toEqual(['123456789012345678']);
      else expect(body.allowed_mentions.roles ?? []).toEqual([]);
    }
    const onlyResolved = bridge.fake.messagesFor(HOOK_IDS.general!).filter((m) => {
      const t = JSON.stringify(m.body);
      return t.includes('host-9-') && !/host-[1-8]-/.test(t);
    });
    for (const m of onlyResolved) expect((m.body as { content?: string }).content ?? '').not.toMatch(/<@&/);
  });

  it('a 400 on a packed message does not dead-letter innocent notifications: they are resent one by one', async () => {
    bridge = await startBridge({ types: ['general'], yaml: 'alert_types: { general: { rate_limit: { per_minute: 120, burst: 1 } } }' });
    await bridge.post('/webhook/generic', { title: 'opener' });
    await bridge.fake.waitForMessages(1);
    bridge.fake.inject(HOOK_IDS.general!, { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: {} } });
    for (let i = 0; i < 4; i++) await bridge.post('/webhook/generic', { title: `innocent ${i}` });
    await expect.poll(() => [0, 1, 2, 3].every((i) => stored(bridge!, HOOK_IDS.general!).includes(`innocent ${i}`)), { timeout: 15_000 }).toBe(true);
    const packed = bridge.fake.requests.find((r) => r.status === 400);
    expect(packed?.rawBody).toContain('innocent 0');
    expect(packed?.rawBody).toContain('innocent 3');
    expect(await bridge.runtime.store.deadLetters.count()).toBe(0);
  });
});
