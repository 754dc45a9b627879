import { describe, expect, it } from 'vitest';
import { historyRoutes } from '../../../src/http/routes/admin/history.js';
import { limitParam, parseInstant } from '../../../src/http/routes/admin/query-params.js';
import type { History, HistoryQuery } from '../../../src/store/types.js';
import { daysInWindow, FIELD } from '../../../src/store/stats-counters.js';
import { quantile } from '../../../src/store/stats-summary.js';

const DAY = 86_400_000;

describe('quantile (as Prometheus histogram_quantile)', () => {
  const b = (...counts: number[]) => ['50', '100', '+Inf'].map((le, i) => ({ le, count: counts[i] ?? 0 }));
  it('interpolates within the bucket holding the rank, from 0 for the first', () => {
    expect(quantile(0.5, b(4, 0, 0))).toBe(25);
    expect(quantile(0.5, b(1, 1, 0))).toBe(50);
    expect(quantile(0.75, b(1, 1, 0))).toBe(75);
  });
  it('answers the highest finite bound for a rank in +Inf, null when empty', () => {
    expect(quantile(0.95, b(1, 0, 9))).toBe(100);
    expect(quantile(0.5, b(0, 0, 0))).toBeNull();
  });
});

describe('stats counters', () => {
  it('buckets response times by inclusive upper bound', () => {
    expect([0, 50, 51, 2500, 2501].map(FIELD.msBucket)).toEqual(['ms:50', 'ms:50', 'ms:100', 'ms:2500', 'ms:inf']);
  });
  it('caps the attempts distribution at 10+', () => {
    expect([0, 1, 9, 10, 42].map(FIELD.attempts)).toEqual(['a:0', 'a:1', 'a:9', 'a:10+', 'a:10+']);
  });
  it('lists the UTC days from since (floored at retention) to today', () => {
    const now = Date.UTC(2026, 0, 10, 0, 30);
    expect(daysInWindow(now, 2 * DAY)).toEqual(['2026-01-08', '2026-01-09', '2026-01-10']);
    expect(daysInWindow(now, 2 * DAY, now - 60 * 60_000)).toEqual(['2026-01-09', '2026-01-10']);
    expect(daysInWindow(now, 2 * DAY, 0)).toHaveLength(3);
  });
});

describe('parseInstant', () => {
  it('reads epoch ms and ISO 8601 with a zone, or a bare date as UTC midnight', () => {
    expect(parseInstant('1768046400000')).toBe(1768046400000);
    expect(parseInstant('2026-01-10T12:00:00Z')).toBe(Date.UTC(2026, 0, 10, 12));
    expect(parseInstant('2026-01-10T14:00:00.5+02:00')).toBe(Date.UTC(2026, 0, 10, 12, 0, 0, 500));
    expect(parseInstant('2026-01-10')).toBe(Date.UTC(2026, 0, 10));
  });
  // `curl '…/api/history?since=2026-01-10T14:00:00+02:00'`: a query string decodes an unencoded `+` as a space
  // (Hono, as URLSearchParams), so the offset README documents arrived as " 02:00" and was refused with 400.
  it("reads an offset whose '+' the query string turned into a space, through the route too", async () => {
    expect(parseInstant('2026-01-10T14:00:00 02:00')).toBe(Date.UTC(2026, 0, 10, 12));
    expect(parseInstant('2026-01-10T14:00 02:00')).toBe(Date.UTC(2026, 0, 10, 12));
    let asked: HistoryQuery | undefined;
    const app = historyRoutes({ history: { list: async (q: HistoryQuery) => ((asked = q), []) } as unknown as History });
    expect((await app.request('/history?since=2026-01-10T14:00:00+02:00')).status).toBe(200);
    expect(asked?.since).toBe(Date.UTC(2026, 0, 10, 12));
  });
  it('refuses what is neither, a zone-less time, and days that do not exist', () => {
    for (const bad of ['', 'yesterday', '-5', '1.5', '2026-01-10T12:00:00', '2026-01-10 12:00:00', '2026-01-10T12:00:00 ', '2026-01-10T12:00:00  02:00', '2026-02-30', '2026-13-01', '2026-01-10T25:00Z', '99999999999999999']) {
      expect(parseInstant(bad), bad).toBeUndefined();
    }
  });
});

describe('limitParam', () => {
  it('caps any larger positive integer, however many digits, and refuses 0 and what is not a number', () => {
    const limit = limitParam(1000);
    expect(['1', '007', '1000', '5000', '9999999999', '1'.repeat(400)].map((t) => limit.safeParse(t).data)).toEqual([1, 7, 1000, 1000, 1000, 1000]);
    for (const bad of ['', '0', '000', '-1', '1.5', '1e3', 'abc']) expect(limit.safeParse(bad).success, bad).toBe(false);
  });
});
