import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS, HISTORY_CONTRACT_OPTIONS, T0, historyEntry, ids, type HistoryHarness, type MakeHistoryStore } from './history-fixtures.js';

const RETENTION = HISTORY_CONTRACT_OPTIONS.historyRetentionMs;
const MIN = 60_000;

/**
 * History as every store keeps it (issue 7 "History and statistics"): each notification's story, newest
 * first, filtered by type, status, outcome and time, capped at 1000 per query, and nothing past retention.
 */
export function runHistoryContract(name: string, makeStore: MakeHistoryStore): void {
  describe(`history contract: ${name}`, () => {
    let now = T0;
    let h: HistoryHarness;
    beforeEach(async () => {
      now = T0;
      h = await makeStore(() => now);
    });
    afterEach(async () => h.cleanup());

    it('keeps every field of an entry: title, type, source, status, names, fingerprints, attempts, retries, outcome, message ids, times', async () => {
      const e = historyEntry('full', {
        alertType: 'critical', source: 'grafana', status: 'resolved', retries: 2, lastFailureReason: 'server_error',
        outcome: { status: 'sent', attempts: 3, responseTimeMs: 321, messageIds: ['m1', 'm2'] },
      });
      await h.store.history.record(e);
      expect(await h.store.history.get('full')).toEqual(e);
      expect(await h.store.history.list({})).toEqual([e]);
      expect(await h.store.history.get('missing')).toBeUndefined();
    });

    it('lists newest first by receivedAt, whatever the order of recording', async () => {
      for (const [id, ago] of [['b', 2], ['d', 0], ['a', 3], ['c', 1]] as const) await h.store.history.record(historyEntry(id, { receivedAt: T0 - ago * MIN }));
      expect(ids(await h.store.history.list({}))).toEqual(['d', 'c', 'b', 'a']);
    });

    it('filters by type, status, outcome (failed = every undelivered one), since and until', async () => {
      const at = (m: number): number => T0 - m * MIN;
      const all = [
        historyEntry('h1', { receivedAt: at(50), alertType: 'general', outcome: { status: 'sent' } }),
        historyEntry('h2', { receivedAt: at(40), alertType: 'error', status: 'resolved', outcome: { status: 'failed', reason: 'server_error' } }),
        historyEntry('h3', { receivedAt: at(30), alertType: 'error', outcome: { status: 'sent' } }),
        historyEntry('h4', { receivedAt: at(20), alertType: 'critical', outcome: { status: 'dead_lettered', reason: 'invalid_body' } }),
        historyEntry('h5', { receivedAt: at(10), alertType: 'general', status: 'resolved', outcome: { status: 'dry_run' } }),
      ];
      for (const e of all) await h.store.history.record(e);
      const list = async (q: Parameters<typeof h.store.history.list>[0]): Promise<string[]> => ids(await h.store.history.list(q));
      expect(await list({ type: 'error' })).toEqual(['h3', 'h2']);
      expect(await list({ status: 'resolved' })).toEqual(['h5', 'h2']);
      expect(await list({ status: 'firing' })).toEqual(['h4', 'h3', 'h1']);
      expect(await list({ outcome: 'sent' })).toEqual(['h3', 'h1']);
      expect(await list({ outcome: 'failed' })).toEqual(['h4', 'h2']);
      expect(await list({ outcome: 'dead_lettered' })).toEqual(['h4']);
      expect(await list({ outcome: 'dry_run' })).toEqual(['h5']);
      expect(await list({ since: at(30) })).toEqual(['h5', 'h4', 'h3']);
      expect(await list({ until: at(30) })).toEqual(['h3', 'h2', 'h1']);
      expect(await list({ since: at(40), until: at(20) })).toEqual(['h4', 'h3', 'h2']);
      expect(await list({ type: 'error', status: 'firing', outcome: 'sent' })).toEqual(['h3']);
      expect(await list({ type: 'nope' })).toEqual([]);
      expect(await list({ limit: 2 })).toEqual(['h5', 'h4']);
      expect(await list({ limit: 1, outcome: 'failed' })).toEqual(['h4']);
      expect(await list({ limit: 0 })).toEqual([]);
    });

    it('answers 100 entries without a limit and at most 1000 with any', async () => {
      for (let i = 0; i < 1_005; i++) await h.store.history.record(historyEntry(`n${String(i).padStart(4, '0')}`, { receivedAt: T0 - (1_005 - i) * 1_000 }));
      const page = await h.store.history.list({});
      expect(page).toHaveLength(100);
      expect(page[0]?.id).toBe('n1004');
      const capped = await h.store.history.list({ limit: 5_000 });
      expect(capped).toHaveLength(1_000);
      expect(capped.at(-1)?.id).toBe('n0005');
    });

    it('sees its own writes at once: new entries, replaced entries (re-recorded ids)', async () => {
      await h.store.history.record(historyEntry('a', { receivedAt: T0 - 2 * MIN }));
      expect(ids(await h.store.history.list({}))).toEqual(['a']);
      await h.store.history.record(historyEntry('b', { receivedAt: T0 - MIN }));
      await h.store.history.record(historyEntry('old', { receivedAt: T0 - 3 * MIN }));
      expect(ids(await h.store.history.list({}))).toEqual(['b', 'a', 'old']);
      const replaced = historyEntry('a', { receivedAt: T0 - 2 * MIN, outcome: { status: 'dead_lettered', reason: 'invalid_body' } });
      await h.store.history.record(replaced);
      expect(await h.store.history.list({ outcome: 'failed' })).toEqual([replaced]);
      expect(ids(await h.store.history.list({}))).toEqual(['b', 'a', 'old']);
      expect(await h.store.history.get('a')).toEqual(replaced);
    });

    it('honours retention: entries leave when it ends, and one already past it is never listed', async () => {
      await h.store.history.record(historyEntry('old', { receivedAt: T0 - RETENTION + 10 * MIN }));
      await h.store.history.record(historyEntry('new', { receivedAt: T0 - MIN }));
      await h.store.history.record(historyEntry('ancient', { receivedAt: T0 - RETENTION - MIN }));
      expect(ids(await h.store.history.list({}))).toEqual(['new', 'old']);
      expect(await h.store.history.get('ancient')).toBeUndefined();
      expect(ids(await h.store.history.list({ since: T0 - 2 * RETENTION }))).toEqual(['new', 'old']);
      now = T0 + 11 * MIN;
      expect(ids(await h.store.history.list({}))).toEqual(['new']);
      expect(await h.store.history.get('old')).toBeUndefined();
      now = T0 + RETENTION;
      expect(await h.store.history.list({})).toEqual([]);
    });

    // A dead letter waits for its replay however long; the replay's outcome keeps the notification's
    // receivedAt (the Discord message shows it) and is placed, kept and trimmed by the replay's time.
    it('places a replayed entry by its replay: kept past its receivedAt\'s retention, newest, within since/until of the replay', async () => {
      await h.store.history.record(historyEntry('new', { receivedAt: T0 - 2 * MIN }));
      const replayed = historyEntry('dl', { receivedAt: T0 - RETENTION - DAY_MS, replayedAt: T0 - MIN, outcome: { at: T0 } });
      await h.store.history.record(replayed);
      expect(await h.store.history.get('dl')).toEqual(replayed);
      expect(ids(await h.store.history.list({}))).toEqual(['dl', 'new']);
      expect(ids(await h.store.history.list({ since: T0 - MIN }))).toEqual(['dl']);
      expect(ids(await h.store.history.list({ until: T0 - 2 * MIN }))).toEqual(['new']);
      now = T0 + RETENTION - 2 * MIN;
      expect(ids(await h.store.history.list({}))).toEqual(['dl']);
      now = T0 + RETENTION - MIN;
      expect(await h.store.history.list({})).toEqual([]);
      expect(await h.store.history.get('dl')).toBeUndefined();
    });

    it('expires each entry in the store itself within retention (Redis: a TTL on every entry)', async () => {
      if (!h.ttlMs) return;
      await h.store.history.record(historyEntry('fresh', { receivedAt: T0 }));
      await h.store.history.record(historyEntry('older', { receivedAt: T0 - DAY_MS }));
      const fresh = await h.ttlMs.historyEntry('fresh');
      expect(fresh).toBeGreaterThan(RETENTION - MIN);
      expect(fresh).toBeLessThanOrEqual(RETENTION);
      const older = await h.ttlMs.historyEntry('older');
      expect(older).toBeGreaterThan(0);
      expect(older).toBeLessThanOrEqual(RETENTION - DAY_MS);
    });

    it('leaves no key behind once retention has passed the last write (Redis: the index and counter expire too)', async () => {
      if (!h.ttlMs) return;
      await h.store.history.record(historyEntry('older', { receivedAt: T0 - DAY_MS }));
      await h.store.history.record(historyEntry('fresh', { receivedAt: T0 }));
      for (const ttl of await h.ttlMs.historyShared()) {
        expect(ttl).toBeGreaterThan(RETENTION - MIN);
        expect(ttl).toBeLessThanOrEqual(RETENTION);
      }
    });
  });
}
