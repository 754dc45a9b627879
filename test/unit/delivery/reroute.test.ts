import { describe, expect, it } from 'vitest';
import type { RawResponse } from '../../../src/delivery/discord-sender.js';
import { NOTICE_CLAIM_MS } from '../../../src/delivery/reroute.js';
import type { Notification } from '../../../src/model/notification.js';
import { okAnswer, workerHarness, workerNotification } from '../../helpers/worker-harness.js';

/** general is webhook 1 (the harness's), error webhook 2. */
const GENERAL = '1';
const ERROR = '2';
const withError = { DISCORD_WEBHOOK_ERRORS: 'https://discord.com/api/webhooks/2/error-token' };
const unknownWebhook: RawResponse = { status: 404, headers: {}, body: { code: 10015, message: 'Unknown Webhook' }, elapsedMs: 1 };
/** Discord: error's webhook was deleted, general's works. */
const errorDeleted = (_m: unknown, n: number, webhookId: string) => (webhookId === ERROR ? unknownWebhook : okAnswer(n));

const errorAlert = (id: string): Notification => ({ ...workerNotification(id), alertType: 'error' });

type Harness = ReturnType<typeof workerHarness>;

/** What waits in general's queue (without handing it out): notification ids, the broken notices as `notice`. */
async function generalQueue(h: Harness): Promise<string[]> {
  const items = await h.store.queue.read(GENERAL, 100, 0);
  await h.store.queue.release(GENERAL, items.map((i) => i.entryId));
  return items.map((i) => (i.notification.source === 'alertcord' ? 'notice' : i.notification.id));
}

/** Runs error's worker (errors mid-batch and all) until its queue is empty. */
async function drainErrorQueue(h: Harness): Promise<void> {
  const stop = new AbortController();
  const running = h.workerFor(ERROR).run(stop.signal);
  await expect.poll(() => h.store.queue.depth(ERROR), { timeout: 15_000 }).toBe(0);
  stop.abort();
  await running;
}

/** Delivers one batch of what waits in `queueKey`. */
async function deliverQueue(h: Harness, queueKey: string): Promise<void> {
  await h.workerFor(queueKey).deliver(await h.store.queue.read(queueKey, 100, 0), new AbortController().signal);
}

describe('reroute of a broken webhook: each notification reaches general once', () => {
  it('a reroute whose ack of the original failed (batch released, rerouted again) is not queued twice in general', async () => {
    const h = workerHarness(undefined, undefined, withError);
    await h.state.markBroken(ERROR, 'unknown webhook', h.clock.now());
    let failures = 1;
    const ack = h.store.queue.ack.bind(h.store.queue);
    h.store.queue.ack = async (key, ids) => {
      if (key === ERROR && failures-- > 0) throw new Error('store hiccup');
      return ack(key, ids);
    };
    await h.store.queue.enqueue(ERROR, errorAlert('a'));
    await drainErrorQueue(h);
    expect(failures).toBeLessThan(0); // the failure did happen
    expect(await generalQueue(h)).toEqual(['notice', 'a']);
    expect(await h.deadLetterIds()).toEqual([]);
  });

  it('a store timeout after general took the notification neither dead-letters it nor queues it twice', async () => {
    const h = workerHarness(undefined, undefined, withError);
    await h.state.markBroken(ERROR, 'unknown webhook', h.clock.now());
    let timedOut = false;
    const enqueue = h.store.queue.enqueue.bind(h.store.queue);
    h.store.queue.enqueue = async (key, n, dedupe) => {
      const status = await enqueue(key, n, dedupe);
      if (key === GENERAL && n.id === 'a' && !timedOut) {
        timedOut = true;
        throw new Error('Command timed out'); // Redis: written, its answer lost
      }
      return status;
    };
    await h.store.queue.enqueue(ERROR, errorAlert('a'));
    await drainErrorQueue(h);
    expect(timedOut).toBe(true);
    expect(await h.deadLetterIds()).toEqual([]);
    expect(await generalQueue(h)).toEqual(['notice', 'a']);
  });

  it('the same notification replayed while its webhook is still broken goes to general again (a new queue entry)', async () => {
    const h = workerHarness(undefined, undefined, withError);
    await h.state.markBroken(ERROR, 'unknown webhook', h.clock.now());
    await h.store.queue.enqueue(ERROR, errorAlert('a'));
    await deliverQueue(h, ERROR);
    await deliverQueue(h, GENERAL);
    await h.store.queue.enqueue(ERROR, errorAlert('a')); // as a replay queues it
    await deliverQueue(h, ERROR);
    expect(await generalQueue(h)).toEqual(['a']);
  });
});

describe('reroute of a broken webhook: the notice', () => {
  it('is posted once per break, also when another replica (or the next run, Redis keeping the mark) reroutes', async () => {
    const h = workerHarness(undefined, undefined, withError);
    await h.state.markBroken(ERROR, 'unknown webhook', h.clock.now());
    for (const id of ['a', 'b']) {
      await h.store.queue.enqueue(ERROR, errorAlert(id));
      await h.rerouterFor().reroute(ERROR, await h.store.queue.read(ERROR, 100, 0), h.config);
    }
    expect(await generalQueue(h)).toEqual(['notice', 'a', 'b']);
  });

  it('is posted again as a reminder once a week should the webhook stay broken, not before', async () => {
    const h = workerHarness(undefined, undefined, withError);
    await h.state.markBroken(ERROR, 'unknown webhook', h.clock.now());
    for (const [id, wait] of [['a', 0], ['b', NOTICE_CLAIM_MS - 1], ['c', 2]] as const) {
      h.clock.advance(wait);
      await h.store.queue.enqueue(ERROR, errorAlert(id));
      await h.rerouterFor().reroute(ERROR, await h.store.queue.read(ERROR, 100, 0), h.config);
    }
    expect(await generalQueue(h)).toEqual(['notice', 'a', 'b', 'notice', 'c']);
  });

  it('is posted again when the webhook breaks again after it was fixed', async () => {
    const h = workerHarness(undefined, undefined, withError);
    for (const id of ['a', 'b']) {
      await h.state.markBroken(ERROR, 'unknown webhook', h.clock.now());
      await h.store.queue.enqueue(ERROR, errorAlert(id));
      await deliverQueue(h, ERROR);
      await h.state.clearBroken(ERROR); // validated (or its URL replaced by a reload)
      h.clock.advance(60_000);
    }
    expect(await generalQueue(h)).toEqual(['notice', 'a', 'notice', 'b']);
  });
});

describe('reroute of a broken webhook: history counts the request that found it broken', () => {
  it('dead-lettered for want of a usable general: 1 attempt, last failure broken_webhook', async () => {
    const h = workerHarness(errorDeleted, undefined, withError);
    await h.state.markBroken(GENERAL, 'invalid token', h.clock.now());
    await h.store.queue.enqueue(ERROR, errorAlert('a'));
    await deliverQueue(h, ERROR);
    expect(await h.deadLetterIds()).toEqual(['a']);
    const entry = await h.store.history.get('a');
    expect(entry?.outcome).toMatchObject({ status: 'dead_lettered', attempts: 1, reason: 'broken_webhook' });
    expect(entry).toMatchObject({ retries: 0, lastFailureReason: 'broken_webhook' });
  });

  it('rerouted and delivered by general: both requests, last failure broken_webhook', async () => {
    const h = workerHarness(errorDeleted, undefined, withError);
    await h.store.queue.enqueue(ERROR, errorAlert('a'));
    await deliverQueue(h, ERROR);
    await deliverQueue(h, GENERAL);
    expect(h.postedTo.filter((id) => id === ERROR)).toHaveLength(1); // the 404; then general's posts
    const entry = await h.store.history.get('a');
    expect(entry?.outcome).toMatchObject({ status: 'sent', attempts: 2 });
    expect(entry).toMatchObject({ retries: 0, lastFailureReason: 'broken_webhook' });
  });
});

describe('reroute into a full queue', () => {
  // Dead-lettered as before (replayable), but said as it is: "no usable webhook" sent the operator looking at a
  // general webhook that works.
  it("a broken webhook's notification that general's full queue cannot take is dead-lettered saying so", async () => {
    const h = workerHarness(undefined, undefined, withError);
    await h.state.markBroken(ERROR, 'unknown webhook', h.clock.now());
    const enqueue = h.store.queue.enqueue.bind(h.store.queue);
    h.store.queue.enqueue = async (key, n, dedupe) => (key === GENERAL && n.source !== 'alertcord' ? 'full' : enqueue(key, n, dedupe));
    await h.store.queue.enqueue(ERROR, errorAlert('a'));
    await deliverQueue(h, ERROR);
    const letters = await h.store.deadLetters.list(10);
    expect(letters).toEqual([expect.objectContaining({ id: 'a', reason: 'broken_webhook', error: expect.stringContaining("the general webhook's queue is full (DISCORD_QUEUE_SIZE)") })]);
  });

  it("a removed webhook's notification that its type's new webhook cannot take (queue full) is dead-lettered naming that queue", async () => {
    const h = workerHarness(); // no error webhook: webhook 9 held error's queue before a reload removed it
    const removed = '9';
    await h.store.queue.enqueue(removed, errorAlert('a'));
    const enqueue = h.store.queue.enqueue.bind(h.store.queue);
    h.store.queue.enqueue = async (key, n, dedupe) => (key === GENERAL ? 'full' : enqueue(key, n, dedupe));
    await deliverQueue(h, removed);
    const letters = await h.store.deadLetters.list(10);
    expect(letters).toEqual([expect.objectContaining({ id: 'a', reason: 'no_webhook', error: expect.stringContaining(`webhook ${GENERAL}'s queue is full`) })]);
  });
});
