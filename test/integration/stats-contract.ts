import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS, HISTORY_CONTRACT_OPTIONS, T0, historyEntry, type HistoryHarness, type MakeHistoryStore } from './history-fixtures.js';

const RETENTION = HISTORY_CONTRACT_OPTIONS.historyRetentionMs;
const HOUR = 3_600_000;

/** Six outcomes whose statistics are worked out by hand below. */
const MIX = [
  historyEntry('e1', { alertType: 'general', source: 'alertmanager', outcome: { status: 'sent', attempts: 1, responseTimeMs: 40 } }),
  historyEntry('e2', { alertType: 'error', source: 'grafana', retries: 2, lastFailureReason: 'server_error', outcome: { status: 'sent', attempts: 3, responseTimeMs: 120 } }),
  historyEntry('e3', { alertType: 'error', source: 'generic', lastFailureReason: 'invalid_body', outcome: { status: 'dead_lettered', attempts: 1, reason: 'invalid_body', responseTimeMs: undefined, messageIds: [] } }),
  historyEntry('e4', { alertType: 'critical', source: 'alertmanager', retries: 3, lastFailureReason: 'server_error', outcome: { status: 'dead_lettered', attempts: 4, reason: 'server_error', responseTimeMs: undefined, messageIds: [] } }),
  historyEntry('e5', { alertType: 'general', source: 'generic', outcome: { status: 'dry_run', attempts: 1, responseTimeMs: 0, messageIds: [] } }),
  historyEntry('e6', { alertType: 'general', source: 'otlp', retries: 1, lastFailureReason: 'throttled', outcome: { status: 'sent', attempts: 2, responseTimeMs: 3_000 } }),
];

/**
 * Statistics as every store keeps them (issue 7): success rate, failures by reason, the retry analysis,
 * the response-time histogram, counts per alert type, source and UTC day, for the history's retention.
 */
export function runStatsContract(name: string, makeStore: MakeHistoryStore): void {
  describe(`stats contract: ${name}`, () => {
    let now = T0;
    let h: HistoryHarness;
    beforeEach(async () => {
      now = T0;
      h = await makeStore(() => now);
    });
    afterEach(async () => h.cleanup());

    it('is empty at first, with every day of the window listed', async () => {
      const s = await h.store.stats.summary();
      expect(s).toMatchObject({ total: 0, delivered: 0, successRate: null, byOutcome: {}, failuresByReason: {}, byType: {}, bySource: {} });
      expect(s.responseTime).toMatchObject({ count: 0, avgMs: null, p50Ms: null, p95Ms: null });
      expect(s.retries).toMatchObject({ notificationsRetried: 0, totalRetries: 0, retriedRate: null });
      expect(s.byDay.map((d) => d.date)).toEqual(['2026-01-07', '2026-01-08', '2026-01-09', '2026-01-10']);
      expect(s.since).toBe(Date.UTC(2026, 0, 7));
      expect(s.until).toBe(T0);
    });

    it('adds up success rate, outcomes, failure reasons, types and sources', async () => {
      for (const e of MIX) await h.store.stats.record(e);
      const s = await h.store.stats.summary();
      expect(s.total).toBe(6);
      expect(s.delivered).toBe(4);
      expect(s.successRate).toBeCloseTo(4 / 6, 10);
      expect(s.byOutcome).toEqual({ sent: 3, dead_lettered: 2, dry_run: 1 });
      expect(s.failuresByReason).toEqual({ invalid_body: 1, server_error: 1 });
      expect(s.byType).toEqual({ general: 3, error: 2, critical: 1 });
      expect(s.bySource).toEqual({ alertmanager: 2, grafana: 1, generic: 2, otlp: 1 });
      expect(s.byDay.at(-1)).toEqual({ date: '2026-01-10', total: 6, delivered: 4, failed: 2 });
    });

    it('analyses retries: who needed them, how many, attempts distribution, last failure reasons', async () => {
      for (const e of MIX) await h.store.stats.record(e);
      await h.store.stats.record(historyEntry('many', { retries: 11, lastFailureReason: 'timeout', outcome: { attempts: 12, responseTimeMs: 70 } }));
      const { retries } = await h.store.stats.summary();
      expect(retries.notificationsRetried).toBe(4);
      expect(retries.retriedRate).toBeCloseTo(4 / 7, 10);
      expect(retries.totalRetries).toBe(17);
      expect(retries.byAttempts).toEqual({ '1': 3, '2': 1, '3': 1, '4': 1, '10+': 1 });
      expect(Object.keys(retries.byAttempts)).toEqual(['1', '2', '3', '4', '10+']);
      expect(retries.lastFailureReasons).toEqual({ server_error: 2, invalid_body: 1, throttled: 1, timeout: 1 });
    });

    it('puts delivered response times into buckets and estimates p50 / p95 from them', async () => {
      for (const e of MIX) await h.store.stats.record(e);
      const { responseTime } = await h.store.stats.summary();
      expect(responseTime.count).toBe(4);
      expect(responseTime.avgMs).toBe(790);
      expect(responseTime.buckets).toEqual([
        { le: '50', count: 2 }, { le: '100', count: 0 }, { le: '250', count: 1 }, { le: '500', count: 0 },
        { le: '1000', count: 0 }, { le: '2500', count: 0 }, { le: '+Inf', count: 1 },
      ]);
      expect(responseTime.p50Ms).toBe(50);
      expect(responseTime.p95Ms).toBe(2_500);
    });

    it('counts per UTC day of the outcome; since picks the days', async () => {
      const on = (id: string, daysAgo: number, status: 'sent' | 'dead_lettered') =>
        historyEntry(id, { receivedAt: T0 - daysAgo * DAY_MS - HOUR, outcome: { status, at: T0 - daysAgo * DAY_MS, ...(status === 'sent' ? {} : { reason: 'server_error' as const }) } });
      for (const e of [on('a', 0, 'sent'), on('b', 1, 'sent'), on('c', 1, 'dead_lettered'), on('d', 2, 'sent'), on('e', 3, 'dead_lettered')]) await h.store.stats.record(e);
      const s = await h.store.stats.summary();
      expect(s.byDay).toEqual([
        { date: '2026-01-07', total: 1, delivered: 0, failed: 1 },
        { date: '2026-01-08', total: 1, delivered: 1, failed: 0 },
        { date: '2026-01-09', total: 2, delivered: 1, failed: 1 },
        { date: '2026-01-10', total: 1, delivered: 1, failed: 0 },
      ]);
      expect(s.total).toBe(5);
      const recent = await h.store.stats.summary({ since: T0 - DAY_MS });
      expect(recent.byDay.map((d) => d.date)).toEqual(['2026-01-09', '2026-01-10']);
      expect(recent.total).toBe(3);
      expect((await h.store.stats.summary({ since: 0 })).byDay).toHaveLength(4);
    });

    it('honours retention: a day leaves once retention has passed its end; an outcome already past it is not counted', async () => {
      await h.store.stats.record(historyEntry('old', { outcome: { at: T0 - 2 * DAY_MS } }));
      await h.store.stats.record(historyEntry('now', { outcome: { at: T0 } }));
      await h.store.stats.record(historyEntry('ancient', { outcome: { at: T0 - RETENTION - DAY_MS } }));
      expect((await h.store.stats.summary({ since: 0 })).total).toBe(2);
      now = T0 + DAY_MS + 12 * HOUR; // 2026-01-12T00:00Z: 2026-01-08 ended 3 days ago
      const later = await h.store.stats.summary({ since: 0 });
      expect(later.byDay.map((d) => d.date)).toEqual(['2026-01-09', '2026-01-10', '2026-01-11', '2026-01-12']);
      expect(later.total).toBe(1);
    });

    it('expires each day in the store itself (Redis: TTL of at most retention + 1 day on the day hash)', async () => {
      if (!h.ttlMs) return;
      await h.store.stats.record(historyEntry('today', { outcome: { at: T0 } }));
      await h.store.stats.record(historyEntry('before', { outcome: { at: T0 - 2 * DAY_MS } }));
      const today = await h.ttlMs.statsDay('2026-01-10');
      expect(today).toBeGreaterThan(RETENTION);
      expect(today).toBeLessThanOrEqual(RETENTION + DAY_MS);
      const before = await h.ttlMs.statsDay('2026-01-08');
      expect(before).toBeGreaterThan(0);
      expect(before).toBeLessThanOrEqual(RETENTION - DAY_MS);
    });
  });
}
