import { describe, expect, it } from 'vitest';
import { READ_BATCH_BYTES } from '../../../src/delivery/worker.js';
import type { Notification } from '../../../src/model/notification.js';
import type { QueuedItem } from '../../../src/store/types.js';
import { workerHarness, workerNotification } from '../../helpers/worker-harness.js';

/**
 * Alertmanager with `max_alerts: 0` posts groups of thousands of alerts. A batch of 100 such groups was read,
 * parsed and planned at once (100 groups of 1,000 alerts: the event loop held for seconds, hundreds of MB of
 * heap for as long as the ~1,300 messages took to go out; 40 groups of 5,000 ran a 512 MB heap out of
 * memory, with Redis again on every restart). Batches are bounded by size too.
 */
const bytes = (items: readonly QueuedItem[]): number => items.reduce((sum, i) => sum + Buffer.byteLength(JSON.stringify(i.notification)), 0);

/** The harness, its queue's reads recorded (the JSON bytes each handed out). */
function recordingHarness() {
  const h = workerHarness();
  const reads: number[] = [];
  const read = h.store.queue.read.bind(h.store.queue);
  h.store.queue.read = async (...args) => {
    const items = await read(...args);
    if (items.length > 0) reads.push(bytes(items));
    return items;
  };
  return { ...h, reads };
}

/** Which alerts the posts show (the compact fields name them "alert <id> #<i> …"). */
function alertsShown(posts: readonly { embeds?: { fields?: { name: string }[] }[] }[]): Set<string> {
  const seen = new Set<string>();
  for (const p of posts) for (const e of p.embeds ?? []) for (const f of e.fields ?? []) {
    const m = /alert (\S+) \\#(\d+) /.exec(f.name);
    if (m) seen.add(`${m[1]}#${m[2]}`);
  }
  return seen;
}

const allAlerts = (ns: readonly Notification[]): string[] => ns.flatMap((n) => n.alerts.map((_, i) => `${n.id}#${i}`));

describe('worker: reads bounded by size, not only by count', () => {
  it('reads a storm of big groups a slice at a time, within READ_BATCH_BYTES, and delivers every alert', { timeout: 60_000 }, async () => {
    const h = recordingHarness();
    const storm = Array.from({ length: 10 }, (_, g) => workerNotification(`g${g}`, 500));
    expect(bytes(storm.map((n) => ({ entryId: '', notification: n, enqueuedAt: 0 })))).toBeGreaterThan(2 * READ_BATCH_BYTES);
    for (const n of storm) await h.store.queue.enqueue(h.queueKey, n);
    const stop = new AbortController();
    const running = h.worker.run(stop.signal);
    await expect.poll(() => h.store.queue.depth(h.queueKey), { timeout: 50_000, interval: 20 }).toBe(0);
    stop.abort();
    await running;
    expect(h.reads.length).toBeGreaterThan(1);
    for (const b of h.reads) expect(b).toBeLessThanOrEqual(READ_BATCH_BYTES);
    expect([...alertsShown(h.posts)].sort()).toEqual(allAlerts(storm).sort());
  });

  it('gathers, while no slot is free, only what fits the batch beside what it holds', { timeout: 60_000 }, async () => {
    const h = recordingHarness();
    const storm = Array.from({ length: 6 }, (_, g) => workerNotification(`g${g}`, 500));
    for (const n of storm) await h.store.queue.enqueue(h.queueKey, n);
    await h.state.onResponse(h.queueKey, { limit: 5, remaining: 0, resetAfterMs: 2_000 }, h.clock.now()); // no free slot
    const first = await h.store.queue.read(h.queueKey, 1, 0);
    const firstBytes = bytes(first);
    h.reads.length = 0;
    await h.worker.deliver(first, new AbortController().signal);
    // What the batch held once it had gathered: the first read and every read while it waited.
    expect(h.reads.length).toBeGreaterThan(0);
    expect(firstBytes + h.reads.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(READ_BATCH_BYTES);
    expect(await h.store.queue.depth(h.queueKey)).toBeGreaterThan(0); // the rest waits for the next batches
  });

  it('a single group larger than the bound still goes, alone and whole', { timeout: 60_000 }, async () => {
    const h = recordingHarness();
    const huge = workerNotification('huge', 4_000);
    const small = workerNotification('small', 1);
    expect(bytes([{ entryId: '', notification: huge, enqueuedAt: 0 }])).toBeGreaterThan(READ_BATCH_BYTES);
    await h.store.queue.enqueue(h.queueKey, huge);
    await h.store.queue.enqueue(h.queueKey, small);
    const stop = new AbortController();
    const running = h.worker.run(stop.signal);
    await expect.poll(() => h.store.queue.depth(h.queueKey), { timeout: 50_000, interval: 20 }).toBe(0);
    stop.abort();
    await running;
    expect(h.reads).toHaveLength(2); // the huge group alone, then the small one
    expect([...alertsShown(h.posts)].filter((a) => a.startsWith('huge#'))).toHaveLength(4_000);
    expect(h.postsWith('small-host-0-')).toBe(1);
  });
});
