import type { ChainableCommander, Redis } from 'ioredis';
import type { History, HistoryEntry, HistoryQuery } from '../types.js';
import { whenReady } from './connection.js';
import type { RedisKeys } from './keys.js';

/** Same page size and cap as the memory store's list. */
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

export interface RedisHistoryOptions {
  keys: RedisKeys;
  maxEntries: number;
  retentionMs: number;
  commandTimeoutMs: number;
  now: () => number;
}

/**
 * History in Redis (issue 7): one hash per notification (`e` = the entry's JSON, plus `type` and `outcome`
 * for a human with redis-cli) that expires when its retention ends, and a sorted set of ids scored by
 * receivedAt. Retention is enforced by Redis itself (TTL) and by trimming the index by time; size by trimming
 * the oldest past `maxEntries`, their hashes with them. All keys share the `{history}` hash tag, so the
 * MULTI that writes them is valid on Redis Cluster.
 */
export class RedisHistory implements History {
  constructor(
    private readonly redis: Redis,
    private readonly options: RedisHistoryOptions,
  ) {}

  async record(entry: HistoryEntry): Promise<void> {
    const now = this.options.now();
    // Relative TTL, so an injected clock and the server's clock need not agree.
    const ttlMs = entry.receivedAt + this.options.retentionMs - now;
    if (ttlMs <= 0) return;
    await this.#ready();
    const { historyIndex: index, historyEntry } = this.options.keys;
    const key = historyEntry(entry.id);
    const results = await exec(
      this.redis
        .multi()
        .hset(key, 'e', JSON.stringify(entry), 'type', entry.alertType, 'outcome', entry.outcome.status)
        .pexpire(key, Math.ceil(ttlMs))
        .zadd(index, entry.receivedAt, entry.id)
        .zremrangebyscore(index, '-inf', `(${now - this.options.retentionMs}`)
        .zcard(index),
    );
    const size = Number(results.at(-1) ?? 0);
    if (size > this.options.maxEntries) await this.#trim(size - this.options.maxEntries);
  }

  /** Newest first (by receivedAt), within retention, filtered by alert type, outcome status and time. */
  async list(query: HistoryQuery): Promise<HistoryEntry[]> {
    const limit = Math.min(query.limit ?? DEFAULT_LIMIT, MAX_LIMIT);
    if (limit <= 0) return [];
    const cutoff = Math.max(query.since ?? 0, this.options.now() - this.options.retentionMs);
    const page = Math.max(limit, DEFAULT_LIMIT);
    const out: HistoryEntry[] = [];
    await this.#ready();
    for (let offset = 0; out.length < limit; offset += page) {
      const ids = await this.redis.zrevrangebyscore(this.options.keys.historyIndex, '+inf', cutoff, 'LIMIT', offset, page);
      for (const entry of await this.#load(ids)) {
        if (entry === undefined) continue;
        if (query.type && entry.alertType !== query.type) continue;
        if (query.outcome && entry.outcome.status !== query.outcome) continue;
        out.push(entry);
        if (out.length >= limit) break;
      }
      if (ids.length < page) break;
    }
    return out;
  }

  async get(id: string): Promise<HistoryEntry | undefined> {
    await this.#ready();
    return parseEntry(await this.redis.hget(this.options.keys.historyEntry(id), 'e'));
  }

  async #load(ids: string[]): Promise<(HistoryEntry | undefined)[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hget(this.options.keys.historyEntry(id), 'e');
    return (await exec(pipeline)).map((raw) => parseEntry(typeof raw === 'string' ? raw : null));
  }

  /** Drops the `count` oldest entries (index and hash). Idempotent, so two replicas trimming at once is harmless. */
  async #trim(count: number): Promise<void> {
    const { historyIndex: index, historyEntry } = this.options.keys;
    const ids = await this.redis.zrange(index, 0, String(count - 1));
    if (ids.length === 0) return;
    await exec(this.redis.multi().zrem(index, ...ids).unlink(...ids.map(historyEntry)));
  }

  #ready(): Promise<void> {
    return whenReady(this.redis, this.options.commandTimeoutMs);
  }
}

/** Runs a MULTI or pipeline; throws its first command error; returns the plain results. */
async function exec(commands: ChainableCommander): Promise<unknown[]> {
  const results = await commands.exec();
  if (!results) throw new Error('redis transaction aborted');
  const failed = results.find(([err]) => err);
  if (failed?.[0]) throw failed[0];
  return results.map(([, value]) => value);
}

function parseEntry(json: string | null): HistoryEntry | undefined {
  if (json === null) return undefined;
  try {
    return JSON.parse(json) as HistoryEntry;
  } catch {
    return undefined;
  }
}
