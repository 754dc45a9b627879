import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Delivery } from '../../../src/delivery/delivery.js';
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
    const read = h.store.queue.read.bind(h.store.queue);
    let emptyReads = 0;
    h.store.queue.read = async (...args) => {
      const items = await read(...args);
      if (items.length === 0) emptyReads++;
      return items;
    };
    const stop = new AbortController();
    const running = h.worker.run(stop.signal);
    // Two empty reads (each blocks READ_BLOCK_MS): the worker has asked whether to retire after the first.
    await expect.poll(() => emptyReads, { timeout: 10 * READ_BLOCK_MS }).toBeGreaterThanOrEqual(2);
    expect(await h.store.queue.queueKeys()).toContain(h.queueKey);
    stop.abort();
    await running;
  });

  it('an enqueue that lands while a retiring worker is still listed is not stranded', async () => {
    const h = workerHarness();
    const gone = '999999999999999999'; // no configured webhook uses it
    const delivery = new Delivery({ config: () => h.config, store: h.store, state: h.state, sender: () => ({ post: async () => ({ status: 200, headers: {}, body: { id: 'm' }, elapsedMs: 1 }), get: async () => ({ status: 200, headers: {}, body: {}, elapsedMs: 1 }) }), clock: h.clock, random: () => 0.5, logger: pino({ level: 'silent' }) });
    const forget = h.store.queue.forget.bind(h.store.queue);
    let raced = false;
    h.store.queue.forget = async (key) => {
      const done = await forget(key);
      if (done && !raced) {
        raced = true; // intake with a config snapshot from before the reload, or a reload that brought the webhook back
        await h.store.queue.enqueue(gone, workerNotification('late'));
        delivery.ensureWorker(gone);
      }
      return done;
    };
    delivery.ensureWorker(gone);
    await expect.poll(() => raced).toBe(true);
    await expect.poll(() => h.store.queue.depth(gone)).toBe(0);
    await delivery.stop(0);
  });
});

describe('workers of many webhooks', () => {
  // Each waiting worker listens on the one stop signal they share: twelve webhooks printed a false
  // "possible memory leak" warning on the server's stderr.
  it('wait side by side without a MaxListenersExceededWarning', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => String(100000000000000001n + BigInt(i)));
    const yaml = `alert_types:\n${ids.map((id, i) => `  team${i}: { webhook: "https://discord.com/api/webhooks/${id}/token-${i}" }\n`).join('')}`;
    const h = workerHarness(undefined, undefined, {}, yaml);
    const delivery = new Delivery({ config: () => h.config, store: h.store, state: h.state, sender: () => ({ post: async () => ({ status: 200, headers: {}, body: { id: 'm' }, elapsedMs: 1 }), get: async () => ({ status: 200, headers: {}, body: {}, elapsedMs: 1 }) }), clock: h.clock, random: () => 0.5, logger: pino({ level: 'silent' }) });
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    const read = h.store.queue.read.bind(h.store.queue);
    let waiting = 0;
    h.store.queue.read = async (...args) => {
      waiting++;
      return read(...args);
    };
    try {
      for (const id of ids) delivery.ensureWorker(id);
      await expect.poll(() => waiting, { timeout: 5_000 }).toBeGreaterThanOrEqual(ids.length);
      await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    } finally {
      process.off('warning', onWarning);
      await delivery.stop(0);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });
});
