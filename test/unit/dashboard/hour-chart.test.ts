import { describe, expect, it } from 'vitest';
// @ts-expect-error: the dashboard's browser modules are plain JavaScript without types
import { historyBuckets } from '../../../src/dashboard/chart.js';

type Bucket = { delivered: number; failed: number };
const total = (buckets: Bucket[]) => buckets.reduce((a, b) => ({ delivered: a.delivered + b.delivered, failed: a.failed + b.failed }), { delivered: 0, failed: 0 });

describe('dashboard last-hour chart', () => {
  // History places a replayed notification at its replay (`replayedAt`), not at `receivedAt`: the operator who
  // fixed a webhook and pressed "Replay all" watched the chart show nothing delivered in the last hour while
  // the dead letters of two hours ago drained into Discord.
  it('counts a replayed dead letter when it was replayed, as history orders it', () => {
    const now = Date.UTC(2026, 0, 10, 3, 0, 0);
    const twoHoursAgo = now - 2 * 3_600_000;
    const entries = [
      { receivedAt: twoHoursAgo, replayedAt: now - 60_000, outcome: { status: 'sent' } },
      { receivedAt: new Date(twoHoursAgo).toISOString(), replayedAt: new Date(now - 120_000).toISOString(), outcome: { status: 'dead_lettered' } },
      { receivedAt: now - 30_000, outcome: { status: 'sent' } },
      { receivedAt: twoHoursAgo, outcome: { status: 'sent' } }, // not replayed: outside the hour
    ];
    expect(total(historyBuckets(entries, now))).toEqual({ delivered: 2, failed: 1 });
  });
});
