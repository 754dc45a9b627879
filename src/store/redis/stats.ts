import type { Redis } from 'ioredis';
import { dayExpiresAt, dayKey, daysInWindow, statsIncrements } from '../stats-counters.js';
import { summarize, type StatsQuery, type StatsSummary } from '../stats-summary.js';
import type { HistoryEntry, Stats } from '../types.js';
import { whenReady } from './connection.js';
import type { RedisKeys } from './keys.js';
import { execAll } from './multi-exec.js';

export interface RedisStatsOptions {
  keys: RedisKeys;
  retentionMs: number;
  commandTimeoutMs: number;
  now: () => number;
}

/**
 * Statistics in Redis (issue 7): one hash of counters per UTC day (`{prefix}:{stats}:day:YYYY-MM-DD`, the
 * field names of `FIELD`), shared by every replica. One record is one MULTI of HINCRBYs plus a PEXPIRE that
 * keeps the day until retention has passed its end, so Redis itself forgets old days. A summary reads the
 * days of the window in one pipeline (all in the `{stats}` slot).
 */
export class RedisStats implements Stats {
  constructor(
    private readonly redis: Redis,
    private readonly options: RedisStatsOptions,
  ) {}

  async record(entry: HistoryEntry): Promise<void> {
    // Relative TTL, as for history: an injected clock and the server's clock need not agree.
    const ttlMs = dayExpiresAt(entry.outcome.at, this.options.retentionMs) - this.options.now();
    if (ttlMs <= 0) return;
    await this.#ready();
    const key = this.options.keys.statsDay(dayKey(entry.outcome.at));
    const multi = this.redis.multi();
    for (const [field, by] of statsIncrements(entry)) multi.hincrby(key, field, by);
    await execAll(multi.pexpire(key, Math.ceil(ttlMs)));
  }

  async summary(query: StatsQuery = {}): Promise<StatsSummary> {
    const now = this.options.now();
    const dates = daysInWindow(now, this.options.retentionMs, query.since);
    await this.#ready();
    const pipeline = this.redis.pipeline();
    for (const date of dates) pipeline.hgetall(this.options.keys.statsDay(date));
    const replies = await execAll(pipeline);
    const days = dates.map((date, i) => ({ date, counters: toCounters(replies[i]) }));
    return summarize(days, now);
  }

  #ready(): Promise<void> {
    return whenReady(this.redis, this.options.commandTimeoutMs);
  }
}

/** An HGETALL reply (field → decimal text) as numbers; anything unreadable counts as nothing. */
function toCounters(reply: unknown): Map<string, number> {
  const counters = new Map<string, number>();
  if (!reply || typeof reply !== 'object') return counters;
  for (const [field, raw] of Object.entries(reply as Record<string, unknown>)) {
    const n = Number(raw);
    if (Number.isFinite(n)) counters.set(field, n);
  }
  return counters;
}
