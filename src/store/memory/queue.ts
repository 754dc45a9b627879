import { compressSync, uncompressSync } from 'lz4-napi';
import type { Notification } from '../../model/notification.js';
import { fitsBudget } from '../read-budget.js';
import type { DedupeClaim, EnqueueStatus, NotificationDecoder, NotificationQueue, QueuedItem, ReadBudget, TextForm } from '../types.js';

/**
 * A queued notification kept as text: a storm of 100,000 alerts as strings costs a fraction of the memory
 * the same alerts cost as objects (bench: RSS with 100,000 queued), and a consumer gets its own copy to
 * change. The text is the notification's JSON, or, from ingest, the request body it was parsed from
 * ({@link TextForm}) with its decoder to parse it again when read: serializing every notification cost ~15 µs
 * per ingest request, ~12% of alertcord's CPU in the bench "ingest" (A/B of the two builds), and that
 * work moves to delivery, which Discord's rate limits leave idle in a storm. Behind a backlog the text is
 * packed into a {@link Block} with its neighbours.
 */
interface Entry {
  /**
   * Its number in this queue's process: its id is `<enqueuedAt>-<seq>` (shaped like a Redis stream id), made
   * when it is read, not kept: a string per entry was a good part of what every ingest request left for the
   * collector to copy (bench "ingest").
   */
  seq: number;
  /** The notification's text; undefined while packed in `block`. */
  text: string | undefined;
  /** Gives the notification back from `text` (a TextForm's); absent: `text` is its JSON. */
  decoder: NotificationDecoder | undefined;
  /** UTF-8 bytes of the text, what a read's budget counts (as in Redis): known while the text is packed. */
  bytes: number;
  block: Block | undefined;
  enqueuedAt: number;
  inFlight: boolean;
}

/**
 * The texts of consecutive entries end to end, LZ4-compressed into a buffer of its exact size, outside the
 * V8 heap (the collector never scans it); `lengths` cuts them apart again (a request body may hold any
 * character, newlines included). The first entry read unpacks the whole block back into its entries.
 */
interface Block {
  packed: Buffer;
  entries: Entry[];
  lengths: number[];
}

/**
 * Entries queued behind this many are packed. A backlog is what costs memory: in the bench "rss" each
 * queued 10-alert notification was ~8.3 KB of JSON (~90 MB live for 100,000 alerts; LZ4 packs a block of
 * them 20–25×). A short queue, the normal case and the latency path, is never packed.
 */
export const PACK_FROM_DEPTH = 100;
/**
 * Entries per block: one native call per block, and neighbours compress together (a storm's alerts
 * repeat their labels and annotations).
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
  /** Queues whose readers are to be woken at the end of this event-loop turn. */
  readonly #wakePending = new Set<string>();
  #seq = 0;
  #sweepAbove = 0;

  /** `packFromDepth`, `packBlock`: see {@link PACK_FROM_DEPTH}, {@link PACK_BLOCK} (tests lower them). */
  constructor(private readonly options: { maxPerQueue: number; now?: () => number; packFromDepth?: number; packBlock?: number }) {}

  async enqueue(queueKey: string, notification: Notification, dedupe?: DedupeClaim, form?: TextForm): Promise<EnqueueStatus> {
    const now = this.#now();
    if (dedupe && (this.#dedupe.get(dedupe.key) ?? 0) > now) return 'duplicate';
    const list = this.#list(queueKey);
    if (list.length >= this.options.maxPerQueue) return 'full';
    // Serialized before the claim: should it throw, the failed enqueue leaves no claim to swallow the retry.
    const text = form ? form.text : JSON.stringify(notification);
    if (dedupe) {
      this.#remember(dedupe.key, now + dedupe.windowMs, now);
      for (const replaced of dedupe.replaces ?? []) this.#dedupe.delete(replaced);
    }
    const bytes = form ? form.bytes : Buffer.byteLength(text);
    const entry: Entry = { seq: ++this.#seq, text, decoder: form?.decoder, bytes, block: undefined, enqueuedAt: now, inFlight: false };
    list.push(entry);
    if (list.length > (this.options.packFromDepth ?? PACK_FROM_DEPTH)) this.#pack(queueKey, entry);
    this.#wakeSoon(queueKey);
    return 'queued';
  }

  async dropClaims(_queueKey: string, keys: readonly string[]): Promise<void> {
    for (const key of keys) this.#dedupe.delete(key);
  }

  async read(queueKey: string, max: number, blockMs: number, signal?: AbortSignal, budget?: ReadBudget): Promise<QueuedItem[]> {
    let ready = this.#take(queueKey, max, budget);
    if (ready.length > 0 || blockMs <= 0 || signal?.aborted) return ready;
    await this.#wait(queueKey, blockMs, signal);
    ready = this.#take(queueKey, max, budget);
    return ready;
  }

  async ack(queueKey: string, entryIds: string[]): Promise<void> {
    const seqs = entrySeqs(entryIds);
    const list = this.#list(queueKey);
    this.#queues.set(queueKey, list.filter((e) => !seqs.has(e.seq)));
  }

  async release(queueKey: string, entryIds: string[]): Promise<void> {
    const seqs = entrySeqs(entryIds);
    for (const e of this.#list(queueKey)) if (seqs.has(e.seq)) e.inFlight = false;
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

  async forget(queueKey: string): Promise<boolean> {
    if ((this.#queues.get(queueKey)?.length ?? 0) > 0) return false;
    this.#queues.delete(queueKey);
    this.#unpacked.delete(queueKey);
    return true;
  }

  #take(queueKey: string, max: number, budget: ReadBudget | undefined): QueuedItem[] {
    const out: QueuedItem[] = [];
    const taken: Entry[] = [];
    let held = budget?.heldBytes ?? 0;
    for (const e of this.#list(queueKey)) {
      if (out.length >= max) break;
      if (e.inFlight) continue;
      if (!fitsBudget(budget, held, e.bytes)) break; // first in line stays first: no skipping ahead
      held += e.bytes;
      if (e.block) unpack(e.block);
      const notification = e.decoder ? e.decoder.decode(e.text!) : (JSON.parse(e.text!) as Notification);
      out.push({ entryId: `${e.enqueuedAt}-${e.seq}`, notification, enqueuedAt: e.enqueuedAt, bytes: e.bytes });
      taken.push(e);
    }
    // Handed out only once all are read: a read that throws leaves none of them in flight for good.
    for (const e of taken) e.inFlight = true;
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
      // Waiting on an empty queue is idleness, not work: it must not keep the process alive (a library
      // program that ends without close() would never exit). Work in progress holds it: a request in
      // flight, a retry's backoff, a rate-limit wait.
      const timer = setTimeout(done, ms);
      timer.unref?.();
      set.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /**
   * Adds `entry` to its queue's open block; once the block is full, compresses it with LZ4 on the event
   * loop (~3 µs per entry). Deflate (zlib level 1, even on libuv's thread pool) cost ~12 µs per entry and
   * slowed everything else the core ran: ingest took 10–25% more CPU per request (bench "ingest", A/B of
   * the two builds), for ~25% smaller blocks.
   */
  #pack(queueKey: string, entry: Entry): void {
    let open = this.#unpacked.get(queueKey);
    if (!open) this.#unpacked.set(queueKey, (open = []));
    open.push(entry);
    if (open.length < (this.options.packBlock ?? PACK_BLOCK)) return;
    this.#unpacked.delete(queueKey);
    const entries = open.filter((e) => !e.inFlight && e.text !== undefined);
    if (entries.length === 0) return;
    let packed: Buffer;
    try {
      packed = compressSync(entries.map((e) => e.text).join(''));
    } catch {
      return; // out of memory: the entries stay text; they cost memory, nothing is lost
    }
    const block: Block = { packed, entries, lengths: entries.map((e) => e.text!.length) };
    for (const e of entries) {
      e.text = undefined;
      e.block = block;
    }
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

/** Gives every entry of `block` its text back. */
function unpack(block: Block): void {
  const joined = uncompressSync(block.packed).toString('utf8');
  let at = 0;
  block.entries.forEach((e, i) => {
    const end = at + block.lengths[i]!;
    e.text = joined.slice(at, end);
    e.block = undefined;
    at = end;
  });
}

/** The `seq` of each entry id (`<enqueuedAt>-<seq>`); an id this queue never gave matches none (NaN). */
function entrySeqs(entryIds: readonly string[]): Set<number> {
  return new Set(entryIds.map((id) => Number(id.slice(id.lastIndexOf('-') + 1))));
}
