import type { Redis } from 'ioredis';
import type { Notification } from '../../model/notification.js';
import { fitsBudget } from '../read-budget.js';
import type { DedupeClaim, EnqueueStatus, NotificationQueue, QueuedItem, ReadBudget } from '../types.js';
import { sleep } from '../../delivery/clock.js';
import { BlockingReader } from './blocking-reader.js';
import { isNoGroupError, whenReady } from './connection.js';
import type { RedisKeys } from './keys.js';
import { CONSUMER_GROUP, IDS_PER_CALL, QueueGroups, type QueueGroupOptions } from './queue-groups.js';
import { heldByAnotherReader } from './queue-turn.js';
import type { ScriptCommands } from './scripts.js';
import { compareIds, enqueuedAt, parseAutoClaim, parseEntries, parseReadGroup, toQueuedItem, type StreamEntry } from './stream-reply.js';

/**
 * Idle time a released entry gets: far beyond any visibility timeout, so the next XAUTOCLAIM of any reader
 * takes it at once (and below "now", which Redis requires of IDLE). XPENDING shows released entries this old.
 */
export const RELEASED_IDLE_MS = 30 * 24 * 3_600_000;
/**
 * How long acknowledged ids are remembered: a consumer that stalled (CPU throttled, cut off from Redis) at
 * most this long learns at its next renewal that the one that took its entries over settled them, instead
 * of sending them again. A longer stall falls back to at least once (a duplicate). Bounded by Discord: a
 * webhook acks at most a few thousand notifications in this time.
 */
export const ACKED_KEPT_MS = 10 * 60_000;
/** How often an enqueueing replica repeats that its queue exists (SADD to the queue set). */
export const ANNOUNCE_EVERY_MS = 60_000;

/** The queue's options; the group preparation's (connection name, idle consumers, warnings) are in {@link QueueGroupOptions}. */
export interface RedisQueueOptions extends QueueGroupOptions {
  /** Most undelivered entries per queue (queued + in flight); past it enqueue answers 'full'. */
  queueSize: number;
  /** An entry held longer than this without `touch` is taken over by the next reader (a dead process's work). */
  visibilityTimeoutMs: number;
  now: () => number;
  /** Told about entries that could not be parsed (they are dropped, not retried forever). */
  onError: (err: Error) => void;
  /** `durability: fsync`: resolves once an answered enqueue is on disk (WAITAOF), rejects when it is not. */
  confirm?: () => Promise<void>;
}

type Connection = Redis & ScriptCommands;

/**
 * The durable queue on Redis Streams (issue 6), one stream and one consumer group per webhook.
 *
 * Lease model: `read` hands entries to this consumer (they enter the group's pending list); `ack` deletes
 * them; an entry pending longer than `visibilityTimeoutMs` is taken over by whichever reader runs XAUTOCLAIM
 * next. A worker waiting on Discord longer than that keeps its entries with `touch`. `release` sets a held
 * entry's idle time very high so the next read (here or in another replica) claims it at once. On the first
 * read of a queue, entries still pending under this consumer name (a previous process with the same name
 * that died) are released, so a restarted replica resumes at once instead of after the visibility timeout;
 * not while another live process uses the same name (its batch would be delivered twice).
 */
export class RedisQueue implements NotificationQueue {
  readonly #groups: QueueGroups;
  readonly #cursors = new Map<string, string>();
  readonly #readers = new Map<string, BlockingReader>();
  /** When this process last added each queue to the queue set. */
  readonly #announced = new Map<string, number>();
  /** Entries held this long without `touch` go to another reader: workers renew well within it. */
  readonly leaseMs: number;

  constructor(
    private readonly redis: Connection,
    private readonly options: RedisQueueOptions,
  ) {
    this.leaseMs = options.visibilityTimeoutMs;
    this.#groups = new QueueGroups(redis, options, (queueKey, ids) => this.#lease(queueKey, ids, RELEASED_IDLE_MS).then(() => undefined));
  }

  async enqueue(queueKey: string, n: Notification, dedupe?: DedupeClaim): Promise<EnqueueStatus> {
    await this.#ready();
    const keys = [this.options.keys.stream(queueKey)];
    const windowMs = Math.ceil(dedupe?.windowMs ?? 0);
    if (dedupe && windowMs > 0) {
      keys.push(this.options.keys.dedupe(queueKey, dedupe.key));
      for (const replaced of dedupe.replaces ?? []) keys.push(this.options.keys.dedupe(queueKey, replaced));
    }
    const now = this.options.now();
    const args = [CONSUMER_GROUP, this.options.queueSize, JSON.stringify(n), now, windowMs];
    // The queue set lives in another slot, so it is a separate command, sent alongside (one round trip).
    // Should only it fail, the caller sees an error (503) although the entry is queued: safe, the retry dedupes.
    const [status] = await Promise.all([this.redis.alertcordEnqueue(keys.length, ...keys, ...args), this.#announce(queueKey, now)]);
    if (status !== 'queued' && status !== 'duplicate' && status !== 'full') throw new Error(`unexpected enqueue reply: ${String(status)}`);
    // A duplicate is confirmed too: after a WAITAOF that timed out, the sender's retry must not get a 2xx
    // for an entry that is still not on disk (WAITAOF covers every earlier write of this connection).
    if (status !== 'full') await this.options.confirm?.();
    return status;
  }

  async dropClaims(queueKey: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.#ready();
    // One slot: every claim of a queue shares its hash tag (keys.ts), so one DEL is valid on Redis Cluster.
    await this.redis.del(...keys.map((key) => this.options.keys.dedupe(queueKey, key)));
  }

  /**
   * Adds the queue to the set other replicas discover queues by: once per {@link ANNOUNCE_EVERY_MS} per queue,
   * not on every enqueue (a second command per request cost ~15% of ingest throughput, bench "ingest, Redis
   * store"). Repeated so that a set lost to a FLUSHALL or a failover is whole again within that time.
   */
  async #announce(queueKey: string, now: number): Promise<void> {
    if ((this.#announced.get(queueKey) ?? -Infinity) + ANNOUNCE_EVERY_MS > now) return;
    this.#announced.set(queueKey, now);
    try {
      await this.redis.sadd(this.options.keys.queues, queueKey);
    } catch (err) {
      this.#announced.delete(queueKey); // try again with the next enqueue
      throw err;
    }
  }

  /**
   * See `NotificationQueue.forget`: XLEN counts queued and pending entries alike (ack deletes), so 0 means
   * nothing is left. Not atomic with other replicas' enqueues (the queue set lives in another slot): an
   * enqueue racing it has its own replica's worker, and that replica names the queue again within
   * {@link ANNOUNCE_EVERY_MS}. Closes this process's blocking connection for the queue.
   */
  async forget(queueKey: string): Promise<boolean> {
    await this.#ready();
    if ((await this.redis.xlen(this.options.keys.stream(queueKey))) > 0) return false;
    await this.redis.srem(this.options.keys.queues, queueKey);
    this.#announced.delete(queueKey); // an enqueue from here names it again at once
    this.#readers.get(queueKey)?.close();
    this.#readers.delete(queueKey);
    this.#groups.forget(queueKey);
    this.#cursors.delete(queueKey);
    return true;
  }

  /**
   * Entries in queue order, unless an older entry is still being delivered by another replica: then these go
   * back (released, for whichever reader comes next: that replica, once its entry is settled) and, for a
   * blocking read, after a wait of `blockMs`, nothing is returned. So replicas keep a webhook's queue first
   * in, first out, as one process does ({@link heldByAnotherReader}).
   */
  async read(queueKey: string, max: number, blockMs: number, signal?: AbortSignal, budget?: ReadBudget): Promise<QueuedItem[]> {
    if (max <= 0) return [];
    const items = await this.#readOrRecreate(queueKey, max, blockMs, signal, budget);
    if (items.length === 0) return items;
    const ids = items.map((i) => i.entryId);
    // These are this reader's already: should the check fail (Redis stalled past the command timeout), they
    // go out (order is best effort) rather than being thrown away held, which kept them from every reader,
    // here too, until the visibility timeout.
    const behind = await heldByAnotherReader(this.redis, this.options.keys.stream(queueKey), this.options.consumerName, this.options.visibilityTimeoutMs, ids).catch(() => false);
    if (!behind) return items;
    await this.release(queueKey, ids);
    if (blockMs > 0) await sleep(blockMs, signal).catch(() => undefined);
    return [];
  }

  async #readOrRecreate(queueKey: string, max: number, blockMs: number, signal?: AbortSignal, budget?: ReadBudget): Promise<QueuedItem[]> {
    try {
      return await this.#read(queueKey, max, blockMs, signal, budget);
    } catch (err) {
      if (!isNoGroupError(err)) throw err;
      // The stream vanished under us (FLUSHALL, manual DEL): create it and its group again, then retry once.
      this.#groups.forget(queueKey);
      this.#cursors.delete(queueKey);
      return this.#read(queueKey, max, blockMs, signal, budget);
    }
  }

  async ack(queueKey: string, entryIds: string[]): Promise<void> {
    await this.#ready();
    const { stream, acked } = this.options.keys;
    for (const ids of chunks(entryIds)) await this.redis.alertcordAck(stream(queueKey), acked(queueKey), CONSUMER_GROUP, this.options.now(), ACKED_KEPT_MS, ...ids);
  }

  async release(queueKey: string, entryIds: string[]): Promise<void> {
    await this.#lease(queueKey, entryIds, RELEASED_IDLE_MS);
  }

  /**
   * Renews this consumer's lease on entries it still holds (their idle time restarts at 0), so a delivery
   * that waits on Discord longer than the visibility timeout is not handed to another replica meanwhile.
   * Returns the ids still held; one missing was taken over (after a stall) or acknowledged elsewhere.
   */
  async touch(queueKey: string, entryIds: string[]): Promise<string[]> {
    return this.#lease(queueKey, entryIds, 0);
  }

  async depth(queueKey: string): Promise<number> {
    await this.#ready();
    return this.redis.xlen(this.options.keys.stream(queueKey));
  }

  async oldestEnqueuedAt(queueKey: string): Promise<number | undefined> {
    await this.#ready();
    const [first] = parseEntries(await this.redis.call('xrange', this.options.keys.stream(queueKey), '-', '+', 'COUNT', 1));
    return first ? enqueuedAt(first) : undefined;
  }

  async queueKeys(): Promise<string[]> {
    await this.#ready();
    return (await this.redis.smembers(this.options.keys.queues)).sort();
  }

  /** Drops the blocking connections (reads in flight reject); the owner closes the main connection. */
  close(): void {
    for (const reader of this.#readers.values()) reader.close();
    this.#readers.clear();
  }

  async #read(queueKey: string, max: number, blockMs: number, signal?: AbortSignal, budget?: ReadBudget): Promise<QueuedItem[]> {
    await this.#groups.prepare(queueKey);
    const ready = await this.#readWithin(queueKey, max, budget);
    if (ready.length > 0 || blockMs <= 0 || signal?.aborted) return ready;
    // Nothing waiting: block for the first arrival alone (a blocking read cannot be bounded by size), then
    // take what fits beside it.
    const [first] = await this.#readNew(queueKey, blockMs, signal);
    // Nothing new during the block: entries may have gone stale or been released meanwhile.
    if (first === undefined) return signal?.aborted ? [] : this.#readWithin(queueKey, max, budget);
    const held = budget?.heldBytes ?? 0;
    if (!fitsBudget(budget, held, first.bytes ?? 0)) {
      await this.release(queueKey, [first.entryId]);
      return [];
    }
    if (max === 1 || signal?.aborted) return [first];
    // The first is this reader's already: should the rest fail to come, it still goes (the next read reports the error).
    const rest = await this.#readWithin(queueKey, max - 1, budget && { ...budget, heldBytes: held + (first.bytes ?? 0) }).catch(() => []);
    // What was released or went stale during the block (a replica shutting down hands back its batch) is
    // older than the arrival that ended it: queue order puts it first, or a resolve went out before its firing.
    return [first, ...rest].sort((a, b) => compareIds(a.entryId, b.entryId));
  }

  /**
   * Without blocking: stale entries (a dead consumer's, or released) from the claim cursor, then new ones,
   * up to `max` and within `budget` (the READ_WITHIN script).
   */
  async #readWithin(queueKey: string, max: number, budget: ReadBudget | undefined): Promise<QueuedItem[]> {
    await this.#ready();
    const start = this.#cursors.get(queueKey) ?? '0-0';
    const { consumerName, visibilityTimeoutMs } = this.options;
    const raw = await this.redis.alertcordReadWithin(this.options.keys.stream(queueKey), CONSUMER_GROUP, consumerName, visibilityTimeoutMs, start, max, budget?.maxBytes ?? -1, budget?.heldBytes ?? 0, RELEASED_IDLE_MS);
    const reply = parseAutoClaim(raw);
    this.#cursors.set(queueKey, reply.cursor);
    return this.#toItems(queueKey, reply.entries);
  }

  /** XREADGROUP `>` BLOCK: the next entry never handed out, on the queue's own connection. */
  async #readNew(queueKey: string, blockMs: number, signal?: AbortSignal): Promise<QueuedItem[]> {
    const args = ['GROUP', CONSUMER_GROUP, this.options.consumerName, 'COUNT', 1, 'STREAMS', this.options.keys.stream(queueKey), '>'];
    return this.#toItems(queueKey, parseReadGroup(await this.#reader(queueKey).read(Math.ceil(blockMs), args, signal)));
  }

  async #lease(queueKey: string, entryIds: string[], idleMs: number): Promise<string[]> {
    await this.#ready();
    const held: string[] = [];
    for (const ids of chunks(entryIds)) {
      const { stream, acked } = this.options.keys;
      const reply = await this.redis.alertcordLease(stream(queueKey), acked(queueKey), CONSUMER_GROUP, this.options.consumerName, idleMs, ...ids);
      // The stream is gone (FLUSHALL, a restart without persistence): no other consumer holds these, and
      // this process has the only copy; they stay this worker's to deliver.
      if (reply === -1) held.push(...ids);
      else if (Array.isArray(reply)) held.push(...reply.map(String));
    }
    return held;
  }

  /** Parses entries; an unreadable one is dropped (acked) and reported, so it cannot block the queue forever. */
  async #toItems(queueKey: string, entries: StreamEntry[]): Promise<QueuedItem[]> {
    const items: QueuedItem[] = [];
    const broken: string[] = [];
    for (const entry of entries) {
      const item = toQueuedItem(entry);
      if (item) items.push(item);
      else broken.push(entry.id);
    }
    if (broken.length > 0) {
      this.options.onError(new Error(`dropped ${broken.length} unreadable queue entries of ${queueKey}: ${broken.join(', ')}`));
      await this.ack(queueKey, broken);
    }
    return items;
  }

  #reader(queueKey: string): BlockingReader {
    let reader = this.#readers.get(queueKey);
    if (!reader) this.#readers.set(queueKey, (reader = new BlockingReader(this.redis, this.options.commandTimeoutMs, (raw) => this.#handBack(queueKey, raw))));
    return reader;
  }

  /**
   * Entries Redis handed to a read this process had given up on (Redis stalled past the read's bound): held
   * under this consumer, yet no batch has them. Released, the next read here or in another replica takes them
   * at once, instead of after the visibility timeout. Should that fail, the timeout still frees them.
   */
  #handBack(queueKey: string, raw: unknown): void {
    let ids: string[];
    try {
      ids = parseReadGroup(raw).map((e) => e.id);
    } catch {
      return;
    }
    if (ids.length > 0) this.release(queueKey, ids).catch(() => undefined);
  }

  #ready(): Promise<void> {
    return whenReady(this.redis, this.options.commandTimeoutMs);
  }
}

function chunks(ids: string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_CALL) out.push(ids.slice(i, i + IDS_PER_CALL));
  return out;
}
