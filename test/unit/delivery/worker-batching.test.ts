import { describe, expect, it } from 'vitest';
import { workerHarness, workerNotification } from '../../helpers/worker-harness.js';

describe('worker: batching adds no delay while Discord is not limiting', () => {
  it('a lone notification with a free slot goes out at once, in full: no wait of any kind', async () => {
    const h = workerHarness();
    const stop = new AbortController();
    const running = h.worker.run(stop.signal);
    await h.store.queue.enqueue(h.queueKey, workerNotification('a', 3));
    await expect.poll(() => h.posts.length, { timeout: 2_000, interval: 5 }).toBe(1);
    stop.abort();
    await running;
    // The virtual clock records every sleep (gather polls, gate waits): none happened before the post.
    expect(h.clock.sleeps).toEqual([]);
    expect(h.posts[0]!.embeds).toHaveLength(3); // full embeds, one per alert, not the compact form
  });
});
