import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../src/config/load.js';
import type { Config } from '../../../src/config/types.js';
import { planMessages, planSingle } from '../../../src/delivery/plan.js';
import { Rerouter } from '../../../src/delivery/reroute.js';
import { WebhookWorker } from '../../../src/delivery/worker.js';
import { workerHarness, workerNotification } from '../../helpers/worker-harness.js';

describe('worker: batching adds no delay while Discord is not limiting', () => {
  it('a lone notification with a free slot goes out at once, in full: no wait of any kind', async () => {
    const h = workerHarness();
    const stop = new AbortController();
    const running = h.worker.run(stop.signal);
    await h.store.queue.enqueue(h.queueKey, workerNotification('a', 3));
    await expect.poll(() => h.posts.length, { interval: 5 }).toBe(1);
    stop.abort();
    await running;
    // The virtual clock records every sleep (gather polls, gate waits): none happened before the post.
    expect(h.clock.sleeps).toEqual([]);
    expect(h.posts[0]!.embeds).toHaveLength(3); // full embeds, one per alert, not the compact form
  });
});

describe('worker: batching while Discord is limiting', () => {
  it('gathers what is queued while no slot is free into the batch it is waiting to send', async () => {
    const h = workerHarness();
    for (const id of ['a', 'b', 'c']) await h.store.queue.enqueue(h.queueKey, workerNotification(id));
    // Discord said the bucket is spent for 2 s: no free slot until then.
    await h.state.onResponse(h.queueKey, { limit: 5, remaining: 0, resetAfterMs: 2_000 }, h.clock.now());
    const start = h.clock.now();
    // The batch starts with a alone; b and c are read while it waits for the slot.
    await h.worker.deliver(await h.store.queue.read(h.queueKey, 1, 0), new AbortController().signal);
    expect(h.clock.now() - start).toBeGreaterThanOrEqual(2_000);
    // That one batch delivered all three (not a alone, leaving b and c for the next), each exactly once.
    for (const id of ['a', 'b', 'c']) expect(h.postsWith(`${id}-host-0-`)).toBe(1);
    expect((await h.store.history.list({ outcome: 'sent' })).map((e) => e.id).sort()).toEqual(['a', 'b', 'c']);
    expect(await h.store.queue.depth(h.queueKey)).toBe(0);
  });
});

describe('worker: a reload while a batch waits for a slot', () => {
  it('judges the batch again under the new config: a webhook the reload removed has its batch moved at once', async () => {
    const h = workerHarness();
    // The reload replaces general's webhook (id 1) by another (id 3): queue 1 belongs to no webhook any more.
    const reloaded = loadConfigOrThrow({ env: { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/3/other-token' } }).config;
    let current: Config = h.config;
    const status = h.state.status.bind(h.state);
    h.state.status = async (...args) => {
      const s = await status(...args);
      current = reloaded; // lands while the worker waits for a free slot
      return s;
    };
    const logger = pino({ level: 'silent' });
    const rerouter = new Rerouter({ store: h.store, state: h.state, recorder: h.recorder, logger, now: h.clock.now });
    const sender = { post: async () => { throw new Error('nothing may be posted for a removed webhook'); }, get: async () => { throw new Error('unused'); } };
    const worker = new WebhookWorker(h.queueKey, { config: () => current, store: h.store, state: h.state, sender: () => sender, recorder: h.recorder, rerouter, clock: h.clock, random: () => 0.5, logger });
    await h.store.queue.enqueue(h.queueKey, workerNotification('a'));
    await h.state.onResponse(h.queueKey, { limit: 5, remaining: 0, resetAfterMs: 2_000 }, h.clock.now()); // no free slot
    await worker.deliver(await h.store.queue.read(h.queueKey, 100, 0), new AbortController().signal);
    // Moved to the new general webhook's queue by this batch, not handed back to the old queue for a later one.
    expect(await h.store.queue.depth(h.queueKey)).toBe(0);
    expect((await h.store.queue.read('3', 10, 0)).map((i) => i.notification.id)).toEqual(['a']);
    expect(await h.deadLetterIds()).toEqual([]);
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
