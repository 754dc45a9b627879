import { describe, expect, it } from 'vitest';
import { marksToSet, pingMarksOf, quietPartialResolves } from '../../../src/delivery/repeat-pings.js';
import type { Alert } from '../../../src/model/alert.js';
import type { Notification } from '../../../src/model/notification.js';
import type { DiscordMessage } from '../../../src/render/discord-message.js';
import { MemoryPingMarks } from '../../../src/store/memory/ping-marks.js';
import type { PingMarks, QueuedItem } from '../../../src/store/types.js';

const alert = (fingerprint: string, status: Alert['status']): Alert => ({
  source: 'alertmanager', status, severity: 'critical', title: fingerprint, message: '', labels: {}, annotations: {}, links: [], fields: [], fingerprint, startsAt: '2026-11-28T17:00:00Z',
});
const notification = (...alerts: Alert[]): Notification => ({
  id: 'n', alertType: 'critical', source: 'alertmanager', status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
  alerts, truncatedAlerts: 0, groupKey: 'g', dedupeKey: 'd', receivedAt: 0, attempts: 0,
});
const item = (n: Notification): QueuedItem => ({ entryId: '1-0', notification: n, enqueuedAt: 0 });
const pinging: DiscordMessage = { content: '@here', embeds: [], allowed_mentions: { parse: ['everyone'] } };

describe('repeat pings of a partial resolve', () => {
  it('marks only the firing alerts of a message that pings, and nothing for one that pings nobody', () => {
    const n = notification(alert('a', 'firing'), alert('b', 'resolved'));
    expect(marksToSet(pinging, [n])).toEqual(pingMarksOf(notification(alert('a', 'firing'))));
    expect(marksToSet({ ...pinging, content: '', allowed_mentions: { parse: [] } }, [n])).toEqual([]);
    expect(marksToSet({ ...pinging, allowed_mentions: { parse: [], roles: ['123456789012345678'] } }, [n])).toHaveLength(1);
    expect(pingMarksOf({ ...n, groupKey: undefined })).toBeUndefined();
  });

  it('keeps the pings when the marks cannot be read (a store outage must not silence a page)', async () => {
    const failing: PingMarks = { unmarked: () => Promise.reject(new Error('redis down')), mark: async () => undefined };
    const items = [item(notification(alert('a', 'resolved'), alert('b', 'firing')))];
    const errors: unknown[] = [];
    await quietPartialResolves(items, failing, 'q', (err) => errors.push(err));
    expect(items[0]!.notification.mentions).toBeUndefined();
    expect(errors).toHaveLength(1);
  });

  it('silences a partial resolve only when every firing alert in it was pinged about', async () => {
    const marks = new MemoryPingMarks();
    await marks.mark('q', pingMarksOf(notification(alert('b', 'firing')))!, 60_000);
    const known = item(notification(alert('a', 'resolved'), alert('b', 'firing')));
    const news = item(notification(alert('a', 'resolved'), alert('b', 'firing'), alert('c', 'firing')));
    const firing = item(notification(alert('b', 'firing')));
    await quietPartialResolves([known, news, firing], marks, 'q', () => undefined);
    expect(known.notification.mentions).toEqual({});
    expect(news.notification.mentions).toBeUndefined();
    expect(firing.notification.mentions).toBeUndefined(); // a reminder: nothing resolved
  });
});
