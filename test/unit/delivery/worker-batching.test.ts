import { describe, expect, it } from 'vitest';
import { planMessages, planSingle } from '../../../src/delivery/plan.js';
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

describe('plan: one big group under pressure', () => {
  // Alertmanager with `max_alerts: 0` posts a 1,000-alert group as one notification. A lone notification was
  // always rendered in full, one embed per alert: 100 messages against 30 a minute per channel.
  it('is packed compactly when its full form needs more messages than the webhook has slots', async () => {
    const h = workerHarness();
    await h.store.queue.enqueue(h.queueKey, workerNotification('big', 300));
    const items = await h.store.queue.read(h.queueKey, 100, 0);
    const full = planSingle(h.config, items[0]!.notification);
    expect(full.length).toBeGreaterThanOrEqual(30); // one embed per alert, 10 per message
    for (const slots of [0, 2, 100]) {
      const packed = planMessages(h.config, items, slots);
      expect(packed.length).toBeLessThan(full.length / 2);
      const text = JSON.stringify(packed.map((p) => p.message));
      const shown = new Set([...text.matchAll(/big-host-(\d+)/g)].map((m) => Number(m[1])));
      expect(shown.size).toBe(300); // every alert still shown
    }
  });

  it('a lone notification of one message stays in full even with no free slot', async () => {
    const h = workerHarness();
    await h.store.queue.enqueue(h.queueKey, workerNotification('a', 3));
    const [plan, ...rest] = planMessages(h.config, await h.store.queue.read(h.queueKey, 100, 0), 0);
    expect(rest).toEqual([]);
    expect(plan!.message.embeds).toHaveLength(3);
  });
});
