import { describe, expect, it } from 'vitest';
import type { Notification } from '../../../src/model/notification.js';
import { MemoryQueue } from '../../../src/store/memory/queue.js';

const n = (id: string): Notification => ({
  id, alertType: 'general', source: 'generic', status: 'firing', truncatedAlerts: 0, dedupeKey: id, receivedAt: 0, attempts: 0,
  alerts: [{ source: 'generic', status: 'firing', severity: 'warning', title: id, message: '', labels: {}, annotations: {}, links: [], fields: [], fingerprint: id }],
});

describe('memory queue: the dedupe keys kept in memory', () => {
  it('sweeping the expired keys (so a long storm cannot grow the map for ever) keeps the live ones', async () => {
    let now = 1_000_000;
    const queue = new MemoryQueue({ maxPerQueue: 1, now: () => now });
    expect(await queue.enqueue('live-q', n('live'), { key: 'live', windowMs: 3_600_000 })).toBe('queued');
    // Enough short-lived keys (one per queue: each holds one) to pass the sweep threshold, 2 × 1 + 1024.
    for (let i = 0; i < 1_100; i++) expect(await queue.enqueue(`q${i}`, n(`s${i}`), { key: `short-${i}`, windowMs: 10 })).toBe('queued');
    now += 1_000; // the short ones have expired, the live one has not
    for (let i = 0; i < 1_100; i++) await queue.enqueue(`r${i}`, n(`t${i}`), { key: `later-${i}`, windowMs: 10 });
    expect(await queue.enqueue('live-q2', n('live-again'), { key: 'live', windowMs: 3_600_000 })).toBe('duplicate');
    expect(await queue.enqueue('q0-again', n('s0-again'), { key: 'short-0', windowMs: 10 })).toBe('queued');
  });
});

describe('a failed enqueue leaves no dedupe claim (NotificationQueue contract)', () => {
  it('a notification that cannot be serialized is refused without claiming its key or dropping the ones it replaces', async () => {
    const queue = new MemoryQueue({ maxPerQueue: 10 });
    expect(await queue.enqueue('q', n('old'), { key: 'old', windowMs: 60_000 })).toBe('queued');
    const unserializable = { ...n('new'), extra: 1n } as unknown as Notification;
    await expect(queue.enqueue('q', unserializable, { key: 'new', windowMs: 60_000, replaces: ['old'] })).rejects.toThrow();
    expect(await queue.enqueue('q', n('new'), { key: 'new', windowMs: 60_000 })).toBe('queued');
    expect(await queue.enqueue('q', n('old-again'), { key: 'old', windowMs: 60_000 })).toBe('duplicate');
  });
});
