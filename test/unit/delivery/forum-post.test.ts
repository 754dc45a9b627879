import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../src/config/load.js';
import { intoOpenPost, postAfter } from '../../../src/delivery/forum-post.js';
import { planMessages, planSingle, type PlannedMessage } from '../../../src/delivery/plan.js';
import type { Alert } from '../../../src/model/alert.js';
import type { Notification } from '../../../src/model/notification.js';

const { config } = loadConfigOrThrow({
  env: { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/abc' },
  yaml: 'alert_types:\n  general:\n    thread_name: Alerts\n',
});

function notification(id: string, alerts: number): Notification {
  const alert = (i: number): Alert => ({
    source: 'generic', status: 'firing', severity: 'warning', title: `${id} alert ${i}`, message: 'x'.repeat(300),
    labels: { host: `h${i}` }, annotations: {}, links: [], fields: [], fingerprint: `${id}-${i}`,
  });
  return { id, alertType: 'general', source: 'generic', status: 'firing', alerts: Array.from({ length: alerts }, (_, i) => alert(i)), truncatedAlerts: 0, dedupeKey: id, receivedAt: 1_800_000_000_000, attempts: 0 };
}

const item = (n: Notification) => ({ entryId: n.id, notification: n, enqueuedAt: n.receivedAt });

describe('forum posts: which messages continue the previous one', () => {
  it('marks parts 2..n of a notification rendered in full, not its first part', () => {
    const plans = planSingle(config, notification('a', 25));
    expect(plans.length).toBe(3);
    expect(plans.map((p) => p.continuesPrevious ?? false)).toEqual([false, true, true]);
    expect(plans.every((p) => p.message.thread_name === 'Alerts')).toBe(true);
  });

  it('marks a packed message that starts with the spill of a notification from the message before', () => {
    // Under pressure (no free slot) notifications are packed; one of 300 alerts cannot fit one message.
    const plans = planMessages(config, [item(notification('small', 1)), item(notification('huge', 300))], 0);
    expect(plans.length).toBeGreaterThan(1);
    plans.forEach((p, i) => {
      const spills = i > 0 && plans[i - 1]!.notificationIds.includes(p.notificationIds[0]!);
      expect(p.continuesPrevious ?? false).toBe(spills);
    });
    expect(plans.some((p) => p.continuesPrevious)).toBe(true);
  });
});

describe('forum posts: sending a continuing part', () => {
  const first: PlannedMessage = { message: { embeds: [], allowed_mentions: { parse: [] }, thread_name: 'Alerts' }, notificationIds: ['a'] };
  const second: PlannedMessage = { ...first, continuesPrevious: true };

  it('goes into the post the previous part opened, without thread_name', () => {
    const openPost = postAfter(first, '555');
    expect(openPost).toBe('555');
    const sent = intoOpenPost(second, openPost);
    expect(sent.threadId).toBe('555');
    expect(sent.message).not.toHaveProperty('thread_name');
    expect(postAfter(sent, '555')).toBe('555'); // a third part follows into the same post
  });

  it('opens its own post when the previous part was not sent, and never moves a first part', () => {
    expect(intoOpenPost(second, undefined)).toBe(second);
    expect(intoOpenPost(first, '555')).toBe(first);
    const configured: PlannedMessage = { ...second, threadId: '777', message: { embeds: [], allowed_mentions: { parse: [] } } };
    expect(intoOpenPost(configured, '555')).toBe(configured);
  });
});
