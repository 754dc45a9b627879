import { deflateRaw, inflateRawSync } from 'node:zlib';
import type { Notification } from '../../model/notification.js';
import type { EnqueueStatus, NotificationQueue, QueuedItem } from '../types.js';

/**
 * A queued notification kept as its JSON text: a storm of 100,000 alerts as strings costs a fraction of
 * the memory the same alerts cost as objects (bench: RSS with 100,000 queued), and a consumer gets its own
 * copy to change. Behind a backlog the text is packed into a {@link Block} with its neighbours.
 */
interface Entry {
  entryId: string;
  /** The notification's JSON; undefined while packed in `block`. */
  json: string | undefined;
  block: Block | undefined;
  enqueuedAt: number;
  inFlight: boolean;
}

/**
 * The JSON of consecutive entries joined by newlines (JSON.stringify never writes a raw one), raw-deflated,
 * kept as a latin1 string (exact size, on the V8 heap; zlib's own result is a view into its 16 KiB output
 * chunk). The first entry read unpacks the whole block back into its entries.
 */
interface Block {
  packed: string;
  entries: Entry[];
}

/**
 * Entries queued behind this many are packed. A backlog is what costs memory: in the bench "rss" each
 * queued 10-alert notification was ~8.3 KB of JSON (~90 MB live for 100,000 alerts; deflate level 1 packs
 * it ~11× alone, more with its neighbours). A short queue, the normal case and the latency path, is never
 * packed.
 */
export const PACK_FROM_DEPTH = 100;
/**
 * Entries per block: one zlib call per block, since each call costs ~25–50 µs before any byte (stream
 * object, deflate state), as much as the rest of an ingest request (bench "ingest" profile).
 */
export const PACK_BLOCK = 32;

/**
 * The embedded queue: bounded per webhook, in process memory (lost on exit: README says so; use Redis
 * to keep it). Dedupe keys live here too so that claim and enqueue are one step.
 */
export class MemoryQueue implements NotificationQueue {
  readonly #queues = new Map<string, Entry[]>();
  readonly #dedupe = new Map<string, number>();
  readonly #waiters = new Map<string, Set<() => void>>();
  /** Per queue: entries behind the backlog not packed yet (fewer than a block). */
  readonly #unpacked = new Map<string, Entry[]>();
  /** Blocks being deflated on the thread pool. */
  readonly #packing = new Set<Promise<void>>();
  /** Queues whose readers are to be woken at the end of this event-loop turn. */
  readonly #wakePending = new Set<string>();
  #seq = 0;
  #sweepAbove = 0;

  /** `packFromDepth`, `packBlock`: see {@link PACK_FROM_DEPTH}, {@link PACK_BLOCK} (tests lower them). */
  constructor(private readonly options: { maxPerQueue: number; now?: () => number; packFromDepth?: number; packBlock?: number }) {}

  async enqueue(queueKey: string, notification: Notification, dedupe?: { key: string; windowMs: number }): Promise<EnqueueStatus> {
    const now = this.#now();
    if (dedupe && (this.#dedupe.get(dedupe.key) ?? 0) > now) return 'duplicate';
    const list = this.#list(queueKey);
    if (list.length >= this.options.maxPerQueue) return 'full';
    if (dedupe) this.#remember(dedupe.key, now + dedupe.windowMs, now);
    const entry: Entry = { entryId: `${now}-${++this.#seq}`, json: JSON.stringify(notification), block: undefined, enqueuedAt: now, inFlight: false };
    list.push(entry);
    if (list.length > (this.options.packFromDepth ?? PACK_FROM_DEPTH)) this.#pack(queueKey, entry);
    this.#wakeSoon(queueKey);
    return 'queued';
  }

  async read(queueKey: string, max: number, blockMs: number, signal?: AbortSignal): Promise<QueuedItem[]> {
    let ready = this.#take(queueKey, max);
    if (ready.length > 0 || blockMs <= 0 || signal?.aborted) return ready;
    await this.#wait(queueKey, blockMs, signal);
    ready = this.#take(queueKey, max);
    return ready;
  }

  async ack(queueKey: string, entryIds: string[]): Promise<void> {
    const ids = new Set(entryIds);
    const list = this.#list(queueKey);
    this.#queues.set(queueKey, list.filter((e) => !ids.has(e.entryId)));
  }

  async release(queueKey: string, entryIds: string[]): Promise<void> {
    const ids = new Set(entryIds);
    for (const e of this.#list(queueKey)) if (ids.has(e.entryId)) e.inFlight = false;
    for (const wake of this.#waiters.get(queueKey) ?? []) wake();
  }

  async depth(queueKey: string): Promise<number> {
    return this.#queues.get(queueKey)?.length ?? 0;
  }

  async oldestEnqueuedAt(queueKey: string): Promise<number | undefined> {
    return this.#queues.get(queueKey)?.[0]?.enqueuedAt;
  }

  async queueKeys(): Promise<string[]> {
    return [...this.#queues.keys()];
  }

  #take(queueKey: string, max: number): QueuedItem[] {
    const out: QueuedItem[] = [];
    for (const e of this.#list(queueKey)) {
      if (out.length >= max) break;
      if (e.inFlight) continue;
      e.inFlight = true;
      if (e.block) unpack(e.block);
      out.push({ entryId: e.entryId, notification: JSON.parse(e.json!) as Notification, enqueuedAt: e.enqueuedAt });
    }
    return out;
  }

  /**
   * Wakes the queue's readers once the current event-loop turn is over: the request that enqueued
   * finishes and its 202 is written first, then the worker renders and sends. Woken at once, the worker's
   * microtasks ran before the response's (bench "latency": POST → 202 p50 3.0 ms against the bare
   * server's 1.5 ms). One wake per turn, however many entries arrived.
   */
  #wakeSoon(queueKey: string): void {
    if (this.#wakePending.has(queueKey)) return;
    this.#wakePending.add(queueKey);
    setImmediate(() => {
      this.#wakePending.delete(queueKey);
      for (const wake of this.#waiters.get(queueKey) ?? []) wake();
    });
  }

  #wait(queueKey: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const set = this.#waiters.get(queueKey) ?? new Set<() => void>();
      this.#waiters.set(queueKey, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /**
   * Adds `entry` to its queue's open block; once the block is full, deflates it on libuv's thread pool
   * (zlib's async API), so the request that filled it does not pay for the compression (~6 µs per
   * entry on the event loop, bench "ingest"). Entries stay readable as text until the block is done;
   * entries read meanwhile keep their text.
   */
  #pack(queueKey: string, entry: Entry): void {
    let open = this.#unpacked.get(queueKey);
    if (!open) this.#unpacked.set(queueKey, (open = []));
    open.push(entry);
    if (open.length < (this.options.packBlock ?? PACK_BLOCK)) return;
    this.#unpacked.delete(queueKey);
    const entries = open.filter((e) => !e.inFlight && e.json !== undefined);
    if (entries.length === 0) return;
    const done = new Promise<void>((resolve) => {
      deflateRaw(entries.map((e) => e.json).join('\n'), { level: 1 }, (err, packed) => {
        this.#packing.delete(done);
        resolve();
        // A failed deflate (out of memory) leaves the entries as text: they cost memory, nothing is lost.
        if (err) return;
        const block: Block = { packed: packed.toString('latin1'), entries };
        for (const e of entries) {
          if (e.inFlight || e.json === undefined) continue;
          e.json = undefined;
          e.block = block;
        }
      });
    });
    this.#packing.add(done);
  }

  /** Resolves once the blocks being deflated now are packed (tests wait for it). */
  async packed(): Promise<void> {
    await Promise.all([...this.#packing]);
  }

  #remember(key: string, expiresAt: number, now: number): void {
    this.#dedupe.set(key, expiresAt);
    // Keys are bounded by sweeping expired ones once the map grows, so a long storm cannot leak memory.
    // The next sweep waits until the map has doubled past what survived: with more live keys than the
    // threshold (several busy webhooks within one window), sweeping on every enqueue would be quadratic.
    if (this.#dedupe.size > Math.max(2 * this.options.maxPerQueue + 1024, this.#sweepAbove)) {
      for (const [k, exp] of this.#dedupe) if (exp <= now) this.#dedupe.delete(k);
      this.#sweepAbove = 2 * this.#dedupe.size;
    }
  }

  #list(queueKey: string): Entry[] {
    let list = this.#queues.get(queueKey);
    if (!list) this.#queues.set(queueKey, (list = []));
    return list;
  }

  #now(): number {
    return (this.options.now ?? Date.now)();
  }
}

/** Gives every entry still in `block` its JSON back (entries read while it was deflated kept theirs). */
function unpack(block: Block): void {
  const texts = inflateRawSync(Buffer.from(block.packed, 'latin1')).toString('utf8').split('\n');
  block.entries.forEach((e, i) => {
    if (e.block !== block) return;
    e.json = texts[i];
    e.block = undefined;
  });
}
