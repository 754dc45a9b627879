import { describe, expect, it } from 'vitest';
import type { Notification } from '../../../src/model/notification.js';
import { RESOLVED_COLOR } from '../../../src/render/colors.js';
import { packNotifications } from '../../../src/render/compact.js';
import { MAX_EMBEDS } from '../../../src/render/limits.js';
import type { RenderOptions } from '../../../src/render/render-options.js';
import { allText, expectSafeMessage, makeAlert, makeNotification, makeOptions } from './helpers.js';

function storm(count: number, perNotification: number): Notification[] {
  return Array.from({ length: count }, (_, n) =>
    makeNotification(
      Array.from({ length: perNotification }, (_, a) => makeAlert({ title: `Alert-${n}-${a}`, labels: { alertname: 'X', instance: `host-${a}:9100` } })),
      { id: `n-${n}` },
    ));
}

describe('packNotifications', () => {
  it('packs 100 notifications × 10 alerts into few messages, every alert name visible, ids in order', () => {
    const ns = storm(100, 10);
    const packed = packNotifications(ns, () => makeOptions());
    expect(packed.length).toBeLessThanOrEqual(12); // ≥ 10: one embed per notification, 10 per message
    for (const p of packed) expectSafeMessage(p.message);
    const text = allText(packed.map((p) => p.message));
    for (const n of ns) for (const a of n.alerts) expect(text).toContain(a.title);
    expect(packed.flatMap((p) => p.notificationIds)).toEqual(ns.map((n) => n.id));
  });

  it('a storm of groups whose alerts share a title: each field shows the label that tells it apart and its summary', () => {
    // kube-prometheus: one summary ("Pod is crash looping.") for all, a dozen labels, the pod only in `pod` and the description.
    const crashLooping = (g: number, i: number) => makeAlert({
      severity: 'warning', title: 'Pod is crash looping.',
      message: `Pod production/api-7d9f8b6c4-${g}x${i} (app) is in waiting state (reason: "CrashLoopBackOff").`,
      labels: {
        alertname: 'KubePodCrashLooping', severity: 'warning', container: 'app', endpoint: 'http', instance: '10.0.0.1:8080', job: 'kube-state-metrics',
        namespace: 'production', pod: `api-7d9f8b6c4-${g}x${i}`, prometheus: 'monitoring/kube-prometheus-stack-prometheus',
        service: 'kube-prometheus-stack-kube-state-metrics', uid: '8a1b2c3d-1111-2222-3333-444455556666',
      },
    });
    const ns = Array.from({ length: 30 }, (_, g) => makeNotification(Array.from({ length: 5 }, (_, i) => crashLooping(g, i)), { id: `n-${g}` }));
    const packed = packNotifications(ns, () => makeOptions());
    expect(packed.length).toBeLessThanOrEqual(3);
    const fields = packed.flatMap((p) => p.message.embeds.flatMap((e) => e.fields ?? []));
    const alerts = ns.flatMap((n) => n.alerts);
    expect(fields).toHaveLength(alerts.length);
    alerts.forEach((a, k) => {
      expect(fields[k]!.value).toContain(`pod=${a.labels['pod']}`);
      expect(fields[k]!.value).toContain(a.message.slice(0, 15)); // the summary shows, at least its start
    });
  });

  // A rule's summary names each instance ("Disk /var on web-1 is 91% full"): the packed group's title fell
  // back to the alert type ("🔥 FIRING ×40: critical"), which the channel already says, not what is broken.
  it("titles a group of one rule by its alertname when the summaries differ, else by the alert type", () => {
    const disk = (i: number, alertname = 'DiskFull') => makeAlert({ title: `Disk /var on web-${i} is 9${i}% full`, labels: { alertname, instance: `web-${i}` } });
    const title = (alerts: ReturnType<typeof makeAlert>[]) => packNotifications([makeNotification(alerts)], () => makeOptions())[0]!.message.embeds[0]!.title;
    expect(title([disk(1), disk(2), disk(3)])).toBe('🔥 FIRING ×3: DiskFull');
    expect(title([disk(1), disk(2, 'InodesFull')])).toBe('🔥 FIRING ×2: critical');
    expect(title([disk(1), makeAlert({ title: 'Backup failed', labels: {} })])).toBe('🔥 FIRING ×2: critical');
    expect(title([disk(1), disk(1)])).toBe('🔥 FIRING ×2: Disk /var on web-1 is 91% full');
  });

  it('never splits a notification that fits one message, and fills in order', () => {
    const ns = storm(25, 3);
    const packed = packNotifications(ns, () => makeOptions());
    expect(packed.map((p) => p.notificationIds.length)).toEqual([10, 10, 5]);
  });

  it('continues a notification with more alerts than 25 fields, "(continued)"', () => {
    const [big] = storm(1, 60);
    const packed = packNotifications([big!], () => makeOptions());
    expect(packed).toHaveLength(1);
    const embeds = packed[0]!.message.embeds;
    expect(embeds.length).toBeGreaterThanOrEqual(3);
    expect(embeds[1]!.title).toMatch(/\(continued\)$/);
    const names = embeds.flatMap((e) => e.fields!.map((f) => f.name));
    expect(names).toEqual(big!.alerts.map((a) => `🔥 ${a.title}`));
  });

  it('straddles messages only when a notification alone cannot fit one', () => {
    const [huge] = storm(1, 400);
    const small = storm(2, 1).map((n, i) => ({ ...n, id: `s-${i}` }));
    const packed = packNotifications([small[0]!, huge!, small[1]!], () => makeOptions());
    expect(packed.length).toBeGreaterThan(2);
    for (const p of packed) {
      expectSafeMessage(p.message);
      expect(p.message.embeds.length).toBeLessThanOrEqual(MAX_EMBEDS);
    }
    expect(packed[0]!.notificationIds).toEqual(['s-0', 'n-0']);
    expect(packed.at(-1)!.notificationIds).toContain('s-1');
    const text = allText(packed.map((p) => p.message));
    for (const a of huge!.alerts) expect(text).toContain(a.title);
  });

  it('merges mentions of firing notifications only, deduplicated', () => {
    const firingA = makeNotification([makeAlert()], { id: 'a' });
    const firingB = makeNotification([makeAlert({ severity: 'error' })], { id: 'b' });
    const resolved = makeNotification([makeAlert({ status: 'resolved' })], { id: 'c' });
    const mentionsOf: Record<string, RenderOptions['mentions']> = {
      a: { here: true, roles: ['111'] }, b: { roles: ['111', '222'] }, c: { everyone: true, users: ['333'] },
    };
    const packed = packNotifications([firingA, firingB, resolved], (n) => makeOptions({ mentions: mentionsOf[n.id] }));
    expect(packed).toHaveLength(1);
    const msg = packed[0]!.message;
    expectSafeMessage(msg, { here: true, roles: ['111', '222'] });
    expect(msg.content).toBe('@here <@&111> <@&222> **2 firing** — critical');
    expect(msg.allowed_mentions).toEqual({ parse: ['everyone'], roles: ['111', '222'] });
    expect(msg.embeds[2]!.color).toBe(RESOLVED_COLOR);
  });

  it('keeps every notification\'s pings when together they exceed the 2000 characters of content: another message', () => {
    // Library sends ping their own users: 10 notifications × 12 users is ~2600 characters of mentions.
    const users = (g: number) => Array.from({ length: 12 }, (_, i) => `1000000000000000${g}${String(i).padStart(2, '0')}`);
    const ns = Array.from({ length: 10 }, (_, g) => makeNotification([makeAlert()], { id: `n-${g}` }));
    const packed = packNotifications(ns, (n) => makeOptions({ mentions: { users: users(Number(n.id.slice(2))) } }));
    expect(packed.length).toBeGreaterThan(1);
    for (const p of packed) {
      expectSafeMessage(p.message, { users: ns.flatMap((_, g) => users(g)) });
      for (const id of p.notificationIds) {
        for (const u of users(Number(id.slice(2)))) {
          expect(p.message.content).toContain(`<@${u}>`);
          expect(p.message.allowed_mentions.users).toContain(u);
        }
      }
    }
  });

  it('resolved-only batches never ping', () => {
    const ns = [makeNotification([makeAlert({ status: 'resolved' })])];
    const [p] = packNotifications(ns, () => makeOptions({ mentions: { everyone: true } }));
    expect(p!.message.content).toBeUndefined();
    expect(p!.message.allowed_mentions).toEqual({ parse: [] });
  });

  it('keeps notifications with a different identity in different messages', () => {
    const ns = storm(2, 1);
    const packed = packNotifications(ns, (n) => makeOptions({ threadName: n.id }));
    expect(packed.map((p) => p.message.thread_name)).toEqual(['n-0', 'n-1']);
  });

  it('shows notes: truncated alerts and reroute', () => {
    const n = makeNotification([makeAlert()], { truncatedAlerts: 4, reroutedFrom: 'ops' });
    const [p] = packNotifications([n], () => makeOptions());
    expect(allText([p!.message])).toContain('+4 alerts not sent by Alertmanager');
    expect(allText([p!.message])).toContain('Rerouted');
  });
});
