import { describe, expect, it } from 'vitest';
import { READ_BLOCK_MS } from '../../../src/delivery/worker.js';
import { workerHarness, workerNotification } from '../../helpers/worker-harness.js';

describe('worker: a queue no configured webhook uses any more', () => {
  it('is worked until empty (its notifications rerouted to general), then forgotten, and its worker ends', async () => {
    const h = workerHarness();
    const gone = '999999999999999999'; // a webhook removed from the config, with work left in its queue
    await h.store.queue.enqueue(gone, workerNotification('left-behind'));
    await h.workerFor(gone).run(new AbortController().signal); // returns by itself
    expect(await h.store.queue.queueKeys()).not.toContain(gone);
    expect(await h.store.queue.depth(h.queueKey)).toBe(1); // rerouted to general, not lost
  });

  it("a configured webhook's queue is never forgotten, empty or not", async () => {
    const h = workerHarness();
    await h.deliverBatch(workerNotification('a'));
    const stop = new AbortController();
    const running = h.worker.run(stop.signal);
    await new Promise((resolve) => setTimeout(resolve, READ_BLOCK_MS + 300)); // at least one empty read
    expect(await h.store.queue.queueKeys()).toContain(h.queueKey);
    stop.abort();
    await running;
  });
});
