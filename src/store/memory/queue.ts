import type { Notification } from '../../model/notification.js';
import type { EnqueueStatus, NotificationQueue, QueuedItem } from '../types.js';

/**
 * A queued notification kept as its JSON text: a storm of 100,000 alerts as strings costs a fraction of
 * the memory the same alerts cost as objects (bench: RSS with 100,000 queued), and a consumer gets its own
 * copy to change.
 */
interface Entry {
  entryId: string;
  json: string;
  enqueuedAt: number;
  inFlight: boolean;
}

/**
 * The embedded queue: bounded per webhook, in process memory (lost on exit: README says so; use Redis
 * to keep it). Dedupe keys live here too so that claim and enqueue are one step.
 */
export class MemoryQueue implements NotificationQueue {
  readonly #queues = new Map<string, Entry[]>();
  readonly #dedupe = new Map<string, number>();
  readonly #waiters = new Map<string, Set<() => void>>();
  #seq = 0;

  constructor(private readonly options: { maxPerQueue: number; now?: () => number }) {}

  async enqueue(queueKey: string, notification: Notification, dedupe?: { key: string; windowMs: number }): Promise<EnqueueStatus> {
    const now = this.#now();
    if (dedupe && (this.#dedupe.get(dedupe.key) ?? 0) > now) return 'duplicate';
    const list = this.#list(queueKey);
    if (list.length >= this.options.maxPerQueue) return 'full';
    if (dedupe) this.#remember(dedupe.key, now + dedupe.windowMs, now);
    list.push({ entryId: `${now}-${++this.#seq}`, json: JSON.stringify(notification), enqueuedAt: now, inFlight: false });
    for (const wake of this.#waiters.get(queueKey) ?? []) wake();
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
      out.push({ entryId: e.entryId, notification: JSON.parse(e.json) as Notification, enqueuedAt: e.enqueuedAt });
    }
    return out;
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

  #remember(key: string, expiresAt: number, now: number): void {
    this.#dedupe.set(key, expiresAt);
    // Keys are bounded by sweeping expired ones once the map grows, so a long storm cannot leak memory.
    if (this.#dedupe.size > 2 * this.options.maxPerQueue + 1024) {
      for (const [k, exp] of this.#dedupe) if (exp <= now) this.#dedupe.delete(k);
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
