import { describe, expect, it } from 'vitest';
import { RecentHistoryCache } from '../../../src/store/redis/history-cache.js';
import type { HistoryEntry } from '../../../src/store/types.js';

const DAY = 86_400_000;
const NOW = 10 * DAY;
const entry = (id: string, receivedAt: number): HistoryEntry => ({
  id, title: id, alertType: 'general', source: 'generic', status: 'firing', alertNames: [], fingerprints: [], receivedAt, retries: 0,
  outcome: { notificationId: id, status: 'sent', attempts: 1, messageIds: [], at: receivedAt },
});
const ids = (entries: HistoryEntry[] | undefined) => entries?.map((e) => e.id);

describe('RecentHistoryCache', () => {
  it('answers nothing until filled', () => {
    expect(new RecentHistoryCache(3).answer({}, NOW, DAY)).toBeUndefined();
  });

  it('answers from a complete window whatever the query, from a partial one only what it surely holds', () => {
    const complete = new RecentHistoryCache(3);
    complete.fill(1, [entry('a', NOW - 1), entry('b', NOW - 2)], { id: 'b', receivedAt: NOW - 2 }, true);
    expect(ids(complete.answer({ limit: 10 }, NOW, DAY))).toEqual(['a', 'b']);

    const partial = new RecentHistoryCache(2);
    partial.fill(1, [entry('a', NOW - 10), entry('b', NOW - 20)], { id: 'b', receivedAt: NOW - 20 }, false);
    expect(ids(partial.answer({ limit: 2 }, NOW, DAY))).toEqual(['a', 'b']);
    expect(partial.answer({ limit: 3 }, NOW, DAY)).toBeUndefined(); // older entries may exist
    expect(ids(partial.answer({ since: NOW - 15 }, NOW, DAY))).toEqual(['a']); // everything since is newer than the floor
    expect(partial.answer({ type: 'other' }, NOW, DAY)).toBeUndefined();
  });

  it('applies its own next write in place, and drops everything on a gap (another replica wrote)', () => {
    const cache = new RecentHistoryCache(2);
    cache.fill(5, [entry('a', NOW - 10), entry('b', NOW - 20)], { id: 'b', receivedAt: NOW - 20 }, false);
    cache.apply(6, { upsert: entry('c', NOW - 5) });
    expect(cache.seq).toBe(6);
    expect(ids(cache.answer({ limit: 2 }, NOW, DAY))).toEqual(['c', 'a']);
    cache.apply(7, { upsert: entry('old', NOW - 50) }); // below the window: nothing to hold
    expect(cache.seq).toBe(7);
    expect(cache.answer({ limit: 3 }, NOW, DAY)).toBeUndefined();
    cache.apply(9, { upsert: entry('d', NOW - 1) });
    expect(cache.seq).toBeUndefined();
  });

  it('ignores a fill older than what it holds (a slow read racing its own write)', () => {
    const cache = new RecentHistoryCache(5);
    cache.fill(3, [entry('new', NOW - 1)], { id: 'new', receivedAt: NOW - 1 }, true);
    cache.fill(2, [], undefined, true);
    expect(ids(cache.answer({}, NOW, DAY))).toEqual(['new']);
  });

  it('leaves entries past retention out of answers', () => {
    const cache = new RecentHistoryCache(5);
    cache.fill(1, [entry('fresh', NOW - 1), entry('stale', NOW - 2 * DAY)], { id: 'stale', receivedAt: NOW - 2 * DAY }, true);
    expect(ids(cache.answer({}, NOW, DAY))).toEqual(['fresh']);
  });
});
