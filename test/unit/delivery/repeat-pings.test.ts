import { describe, expect, it } from 'vitest';
import { asPlanned, marksToSet, pingMarksOf, silencedPartialResolves } from '../../../src/delivery/repeat-pings.js';
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
    expect(await silencedPartialResolves(items, failing, 'q', (err) => errors.push(err))).toEqual(new Set());
    expect(errors).toHaveLength(1);
  });

  it('silences a partial resolve only when every firing alert in it was pinged about', async () => {
    const marks = new MemoryPingMarks();
    await marks.mark('q', pingMarksOf(notification(alert('b', 'firing')))!, 60_000);
    const known = item({ ...notification(alert('a', 'resolved'), alert('b', 'firing')), id: 'known' });
    const news = item({ ...notification(alert('a', 'resolved'), alert('b', 'firing'), alert('c', 'firing')), id: 'news' });
    const firing = item({ ...notification(alert('b', 'firing')), id: 'firing' }); // a reminder: nothing resolved
    const silenced = await silencedPartialResolves([known, news, firing], marks, 'q', () => undefined);
    expect(silenced).toEqual(new Set(['known']));
    const planned = asPlanned([known, news, firing], silenced);
    expect(planned.map((i) => i.notification.mentions)).toEqual([{}, undefined, undefined]);
    expect(known.notification.mentions).toBeUndefined(); // the queued notification keeps its pings
  });

  it('marks nothing for a group whose firing alerts do not all carry their start (a new firing could not be told from an old one)', () => {
    const noStart = { ...alert('b', 'firing'), startsAt: undefined };
    expect(pingMarksOf(notification(alert('a', 'firing'), noStart))).toBeUndefined();
  });

  it('a mark is per alert type: the same group pinged about under one type does not silence it under another', () => {
    const n = notification(alert('a', 'firing'));
    expect(pingMarksOf({ ...n, alertType: 'security' })).not.toEqual(pingMarksOf(n));
  });

  it('a message that pings users only pings too', () => {
    const n = notification(alert('a', 'firing'));
    expect(marksToSet({ ...pinging, allowed_mentions: { parse: [], users: ['123456789012345678'] } }, [n])).toHaveLength(1);
  });

  it('a group the sender cut pings even when one alert only was left out (max_alerts): it may be the new one', async () => {
    const marks = new MemoryPingMarks();
    await marks.mark('q', pingMarksOf(notification(alert('b', 'firing')))!, 60_000);
    const cut = item({ ...notification(alert('a', 'resolved'), alert('b', 'firing')), truncatedAlerts: 1 });
    expect(await silencedPartialResolves([cut], marks, 'q', () => undefined)).toEqual(new Set());
  });
});
