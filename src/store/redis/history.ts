import { lastQueuedAt } from '../../model/notification.js';
import type { Redis } from 'ioredis';
import { historyCutoff, historyLimit, matchesHistoryQuery, HISTORY_DEFAULT_LIMIT } from '../history-query.js';
import type { History, HistoryEntry, HistoryQuery } from '../types.js';
import { whenReady } from './connection.js';
import { RecentHistoryCache } from './history-cache.js';
import type { RedisKeys } from './keys.js';
import { execAll } from './multi-exec.js';

export interface RedisHistoryOptions {
  keys: RedisKeys;
  maxEntries: number;
  retentionMs: number;
  commandTimeoutMs: number;
  now: () => number;
  /** Entries of the in-process cache of recent history (default 200; 0 turns it off). */
  cacheSize?: number;
}

/**
 * History in Redis (issue 7): one hash per notification (`e` = the entry's JSON, plus `type` and `outcome`
 * for a human with redis-cli) that expires when its retention ends, and a sorted set of ids scored by
 * `lastQueuedAt` (receivedAt, or replayedAt once replayed). Retention is enforced by Redis itself (TTL on every key) and by trimming the index by time; size by trimming
 * the oldest past `maxEntries`, their hashes with them. Every write bumps a counter (`seq`) that tells each
 * replica when its in-process cache of the newest entries is stale. All keys share the `{history}` hash tag,
 * so the MULTI that writes them is valid on Redis Cluster.
 */
export class RedisHistory implements History {
  readonly #cache: RecentHistoryCache | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisHistoryOptions,
  ) {
    this.#cache = options.cacheSize === 0 ? undefined : new RecentHistoryCache(options.cacheSize);
  }

  async record(entry: HistoryEntry): Promise<void> {
    const now = this.options.now();
    // Relative TTL, so an injected clock and the server's clock need not agree.
    const ttlMs = lastQueuedAt(entry) + this.options.retentionMs - now;
    if (ttlMs <= 0) return;
    await this.#ready();
    const { historyIndex: index, historyEntry, historySeq } = this.options.keys;
    const key = historyEntry(entry.id);
    // At least as long as this entry's own TTL (an entry stamped ahead of this replica's clock lives longer).
    const sharedTtlMs = Math.max(Math.ceil(ttlMs), this.options.retentionMs);
    const [, , , , , seq, size] = await execAll(
      this.redis
        .multi()
        .hset(key, 'e', JSON.stringify(entry), 'type', entry.alertType, 'outcome', entry.outcome.status)
        .pexpire(key, Math.ceil(ttlMs))
        .zadd(index, lastQueuedAt(entry), entry.id)
        .zremrangebyscore(index, '-inf', `(${now - this.options.retentionMs}`)
        .set(historySeq, seqStart(), 'NX')
        .incr(historySeq)
        .zcard(index)
        // The index is trimmed by time only when something is recorded: once nothing is (a deployment
        // retired, a key prefix changed), it and the counter go when the last entry's retention ends.
        .pexpire(index, sharedTtlMs)
        .pexpire(historySeq, sharedTtlMs),
    );
    this.#cache?.apply(Number(seq), { upsert: entry });
    if (Number(size ?? 0) > this.options.maxEntries) await this.#trim();
  }

  /** Newest first (by lastQueuedAt), within retention, filtered by type, status, outcome and time. */
  async list(query: HistoryQuery): Promise<HistoryEntry[]> {
    const limit = historyLimit(query);
    if (limit === 0) return [];
    await this.#ready();
    const now = this.options.now();
    const cached = await this.#fromCache(query, now);
    return cached ?? this.#scan(query, now, limit);
  }

  /** One entry by id; undefined when unknown or past retention (by this store's clock, as `list` judges). */
  async get(id: string): Promise<HistoryEntry | undefined> {
    await this.#ready();
    const entry = parseEntry(await this.redis.hget(this.options.keys.historyEntry(id), 'e'));
    return entry && lastQueuedAt(entry) + this.options.retentionMs > this.options.now() ? entry : undefined;
  }

  /** The cache's answer once it is as fresh as Redis (one GET), refilled first when another write happened. */
  async #fromCache(query: HistoryQuery, now: number): Promise<HistoryEntry[] | undefined> {
    const cache = this.#cache;
    if (!cache) return undefined;
    const seq = Number((await this.redis.get(this.options.keys.historySeq)) ?? 0);
    // A counter below the cache's went back: Redis lost writes (a failover to a lagging replica, seen while
    // the counter is still behind) or all its data (FLUSHALL, a restart without persistence: the counter
    // starts anew at a random point, see `seqStart`, so it differs either way). The cache describes what is
    // gone and `fill` would keep it (it refuses older refills, which guards against a slow read racing this
    // replica's own write): drop it.
    if (cache.seq !== undefined && seq < cache.seq) cache.clear();
    if (cache.seq !== seq) await this.#refill(cache);
    return cache.answer(query, now, this.options.retentionMs);
  }

  /** Reads the index's newest members and their write counter in one MULTI, then their entries. */
  async #refill(cache: RecentHistoryCache): Promise<void> {
    const { historyIndex, historySeq } = this.options.keys;
    const [seq, flat] = await execAll(this.redis.multi().get(historySeq).zrevrange(historyIndex, 0, cache.size - 1, 'WITHSCORES'));
    const pairs = Array.isArray(flat) ? (flat as string[]) : [];
    const ids = pairs.filter((_, i) => i % 2 === 0);
    const last = ids.length > 0 ? { id: ids.at(-1)!, receivedAt: Number(pairs.at(-1)) } : undefined;
    const entries = (await this.#load(ids)).filter((e): e is HistoryEntry => e !== undefined);
    cache.fill(Number(seq ?? 0), entries, last, ids.length < cache.size);
  }

  /**
   * Pages through the index from `until` down to the cutoff, newest first, until `limit` entries match.
   * Each page starts at the score where the last one ended (skipping the members already read at that
   * score), not at an offset from the top: entries recorded meanwhile (deliveries finishing on any replica)
   * land above the cursor and would shift an offset, listing the entries at a page's end twice.
   */
  async #scan(query: HistoryQuery, now: number, limit: number): Promise<HistoryEntry[]> {
    const cutoff = historyCutoff(query, now, this.options.retentionMs);
    const page = Math.max(limit, HISTORY_DEFAULT_LIMIT);
    const seen = new Set<string>();
    const out: HistoryEntry[] = [];
    let top = query.until === undefined ? '+inf' : String(query.until);
    let ties = 0; // members already read at score `top`
    while (out.length < limit) {
      const flat = await this.redis.zrevrangebyscore(this.options.keys.historyIndex, top, cutoff, 'WITHSCORES', 'LIMIT', ties, page);
      const ids = flat.filter((_, i) => i % 2 === 0);
      const fresh = ids.filter((id) => !seen.has(id));
      for (const id of fresh) seen.add(id);
      for (const entry of await this.#load(fresh)) {
        if (entry === undefined || !matchesHistoryQuery(entry, query)) continue;
        out.push(entry);
        if (out.length >= limit) break;
      }
      if (ids.length < page) break;
      const last = flat.at(-1)!;
      ties = last === top ? ties + ids.length : countFromEnd(flat, last);
      top = last;
    }
    return out;
  }

  async #load(ids: string[]): Promise<(HistoryEntry | undefined)[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hget(this.options.keys.historyEntry(id), 'e');
    return (await execAll(pipeline)).map((raw) => parseEntry(typeof raw === 'string' ? raw : null));
  }

  /**
   * Drops the entries (index and hash) ranked below the newest `maxEntries`, as the index is now: not a count
   * taken at record time, which another replica's trim in between would have made room for already (each
   * dropping its count: fewer than `maxEntries` left). Two replicas trimming at once drop the same ids.
   */
  async #trim(): Promise<void> {
    const { historyIndex: index, historyEntry, historySeq } = this.options.keys;
    const ids = await this.redis.zrange(index, 0, String(-(this.options.maxEntries + 1)));
    if (ids.length === 0) return;
    const [, , , seq] = await execAll(this.redis.multi().zrem(index, ...ids).unlink(...ids.map(historyEntry)).set(historySeq, seqStart(), 'NX').incr(historySeq));
    this.#cache?.apply(Number(seq), { removed: ids });
  }

  #ready(): Promise<void> {
    return whenReady(this.redis, this.options.commandTimeoutMs);
  }
}

/** How many members at the end of a WITHSCORES reply (member, score, …) have the score `score`. */
function countFromEnd(flat: string[], score: string): number {
  let n = 0;
  for (let i = flat.length - 1; i > 0 && flat[i] === score; i -= 2) n++;
  return n;
}

/** An entry as stored; entries written before `retries` existed read as "no retries". */
function parseEntry(json: string | null): HistoryEntry | undefined {
  if (json === null) return undefined;
  try {
    const entry = JSON.parse(json) as Omit<HistoryEntry, 'retries'> & { retries?: number };
    return { ...entry, retries: entry.retries ?? 0 };
  } catch {
    return undefined;
  }
}

/**
 * Where a new write counter starts: a random point, not 0. After Redis lost its data (FLUSHALL, a restart
 * without persistence) the counter starts again somewhere else, so a replica's cache, labelled with the old
 * counter, cannot match the new one by chance (other replicas writing exactly as many entries as it had seen).
 */
function seqStart(): number {
  return Math.floor(2 ** 40 + Math.random() * 2 ** 50);
}
