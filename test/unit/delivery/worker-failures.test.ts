import { HISTORY_LIST_MAX } from '../../../src/delivery/recorder.js';
import { describe, expect, it } from 'vitest';
import { MAX_FULL_MESSAGES_PER_BATCH, planMessages } from '../../../src/delivery/plan.js';
import type { Notification } from '../../../src/model/notification.js';
import { invalidBodyAnswer, okAnswer, workerHarness, workerNotification, type Answer } from '../../helpers/worker-harness.js';

/** a (1 alert), b (120 alerts: too many for one packed message), c (1 alert). */
const batch = () => [workerNotification('a'), workerNotification('b', 120), workerNotification('c')];

/** Queues `ns`, runs the worker (lease renewals included) until `done`, then a little longer, and stops it. */
async function runUntil(h: ReturnType<typeof workerHarness>, ns: Notification[], done: () => Promise<boolean>): Promise<void> {
  for (const n of ns) await h.store.queue.enqueue(h.queueKey, n);
  const stop = new AbortController();
  const running = h.worker.run(stop.signal);
  await expect.poll(done, { timeout: 15_000 }).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 200));
  stop.abort();
  await running;
}

/**
 * Makes the lease renewal say that another consumer took `lost(ids)` of the batch — but only once the
 * first post is on its way (before it, every renewal keeps the whole batch), as when this process stalls
 * mid-request. Returns a promise that settles once such a renewal has been applied: a post that awaits it
 * is still in flight when the lease is lost, however slow the machine (a fixed delay raced the renewal
 * interval: planning the batch slower than one interval lost the lease before the first post).
 */
function loseLeaseDuringFirstPost(h: ReturnType<typeof workerHarness>, lost: (ids: string[]) => string[]): Promise<void> {
  let applied!: () => void;
  const renewed = new Promise<void>((resolve) => (applied = resolve));
  Object.assign(h.store.queue, {
    leaseMs: 300,
    touch: async (_key: string, ids: string[]) => {
      if (h.posts.length === 0) return ids;
      const held = new Set(lost(ids));
      setImmediate(applied); // after the renewal's answer has been read (its promise callbacks run first)
      return ids.filter((id) => !held.has(id));
    },
  });
  return renewed;
}

describe('worker: a failed packed message and the messages planned after it', () => {
  it('precondition: packed, b spills from the first message into the second, which also carries c', async () => {
    const h = workerHarness();
    for (const n of batch()) await h.store.queue.enqueue(h.queueKey, n);
    const plans = planMessages(h.config, await h.store.queue.read(h.queueKey, 100, 0), 0);
    expect(plans.map((p) => p.notificationIds)).toEqual([['a', 'b'], ['b', 'c']]);
  });

  it("dead-letters only the culprit: the spilled part of b does not take c down with it", async () => {
    // Discord refuses any message that carries b's content.
    const h = workerHarness((m, n) => (JSON.stringify(m).includes('b-host-') ? invalidBodyAnswer : okAnswer(n)));
    await h.deliverBatch(...batch());
    expect(await h.deadLetterIds()).toEqual(['b']);
    const sent = (await h.store.history.list({ outcome: 'sent' })).map((e) => e.id).sort();
    expect(sent).toEqual(['a', 'c']);
    expect(h.postsWith('c-host-0-')).toBeGreaterThanOrEqual(1);
    expect(await h.store.queue.depth(h.queueKey)).toBe(0);
  });

  it('does not post again the content of a notification already settled one by one', async () => {
    // The first packed message (a + the head of b) is refused once: a and b are then sent one by one, b whole.
    const h = workerHarness((_m, n) => (n === 1 ? invalidBodyAnswer : okAnswer(n)));
    await h.deliverBatch(...batch());
    const delivered = h.posts.slice(1).filter((m) => JSON.stringify(m).includes('b-host-119-'));
    expect(delivered).toHaveLength(1);
    expect((await h.store.history.list({ outcome: 'sent' })).map((e) => e.id).sort()).toEqual(['a', 'b', 'c']);
    expect(h.postsWith('c-host-0-')).toBe(1);
  });

  it('the rest of a split notification resent after a 400 does not ping again (its first message already did)', async () => {
    // [a, b-head] goes out and pings for b; [b-tail, c] is refused once: b's tail is resent alone, c pings then.
    const h = workerHarness((_m, n) => (n === 2 ? invalidBodyAnswer : okAnswer(n)));
    const b = { ...workerNotification('b', 120), mentions: { roles: ['111111111111111111'] } };
    const c = { ...workerNotification('c'), mentions: { roles: ['222222222222222222'] } };
    await h.deliverBatch(workerNotification('a'), b, c);
    const accepted = h.posts.filter((_m, i) => i !== 1);
    expect(accepted.filter((m) => m.content?.includes('<@&111111111111111111>'))).toHaveLength(1);
    expect(accepted.filter((m) => m.allowed_mentions.roles?.includes('111111111111111111'))).toHaveLength(1);
    expect(accepted.filter((m) => m.content?.includes('<@&222222222222222222>'))).toHaveLength(1);
  });

  it('a 400 on the message that finishes a split notification resends only its alerts not shown yet', async () => {
    // [a, b-head] goes out; [b-tail, c] is refused once: b and c are then sent one by one, b without its head.
    const h = workerHarness((_m, n) => (n === 2 ? invalidBodyAnswer : okAnswer(n)));
    await h.deliverBatch(...batch());
    expect(h.postsWith('b-host-0-')).toBe(1); // b's head was in the first message only
    expect(h.postsWith('b-host-119-')).toBe(2); // refused once, then posted alone
    expect(h.postsWith('c-host-0-')).toBe(2);
    expect((await h.store.history.list({ outcome: 'sent' })).map((e) => e.id).sort()).toEqual(['a', 'b', 'c']);
    // History keeps the whole notification: its title counts all 120 alerts, its first ones are listed (up to the cap).
    const b = (await h.store.history.list({ outcome: 'sent' })).find((e) => e.id === 'b');
    expect(b?.title).toMatch(/\(\+119\)$/);
    expect(b?.fingerprints).toEqual(Array.from({ length: HISTORY_LIST_MAX }, (_, i) => `b-${i}`));
  });

  it('in a forum, the rest of a split notification resent after a 400 goes on in the post its first alerts opened', async () => {
    // Discord answers a thread_name post with the new thread as its channel; the second message is refused once.
    const answer: Answer = (m, n) => (n === 2 ? invalidBodyAnswer : { ...okAnswer(n), body: { id: `m${n}`, channel_id: m.thread_name !== undefined ? `post-${n}` : 'c' } });
    const h = workerHarness(answer, undefined, {}, 'alert_types:\n  general:\n    thread_name: Alerts\n');
    await h.deliverBatch(...batch());
    const restOfB = h.posts.findIndex((m, i) => i > 1 && JSON.stringify(m).includes('b-host-119-'));
    expect(restOfB).toBeGreaterThan(1);
    expect(h.threads[restOfB]).toBe('post-1');
    expect(h.posts[restOfB]!.thread_name).toBeUndefined();
    expect((await h.store.history.list({ outcome: 'sent' })).map((e) => e.id).sort()).toEqual(['a', 'b', 'c']);
  });

  it('a big group resent after a 400 is packed as planning packs it, not sent as a dozen full messages', async () => {
    // The first packed message (a + the head of b) is refused once: b, 120 alerts, is then sent alone.
    const h = workerHarness((_m, n) => (n === 1 ? invalidBodyAnswer : okAnswer(n)));
    const b = workerNotification('b', 120);
    await h.deliverBatch(workerNotification('a'), b, workerNotification('c'));
    const alone = planMessages(h.config, [{ entryId: 'x', notification: b, enqueuedAt: 0 }], MAX_FULL_MESSAGES_PER_BATCH);
    expect(alone.length).toBeLessThanOrEqual(MAX_FULL_MESSAGES_PER_BATCH);
    const resent = h.posts.slice(1).filter((m) => JSON.stringify(m).includes('b-host-'));
    expect(resent).toHaveLength(alone.length);
    for (let i = 0; i < 120; i++) expect(resent.some((m) => JSON.stringify(m).includes(`b-host-${i}-`))).toBe(true);
    expect((await h.store.history.list({ outcome: 'sent' })).map((e) => e.id).sort()).toEqual(['a', 'b', 'c']);
  });

  it("a 500 Discord gives every time to a packed message (while it answers the webhook) dead-letters only the culprit: the rest is resent one by one", async () => {
    // Discord fails (500) any message carrying a's content, and answers the webhook's GET: a's body, not an outage.
    const h = workerHarness((m, n) => (JSON.stringify(m).includes('a-host-0-') ? { status: 500, headers: {}, body: 'oops', elapsedMs: 1 } : okAnswer(n)));
    await h.deliverBatch(...batch());
    expect(await h.deadLetterIds()).toEqual(['a']);
    expect((await h.store.history.list({ outcome: 'sent' })).map((e) => e.id).sort()).toEqual(['b', 'c']);
    expect(h.postsWith('b-host-119-')).toBe(1);
    // What follows the culprit is planned anew: c's message carries no part of b again.
    expect(h.posts.filter((m) => JSON.stringify(m).includes('c-host-0-')).some((m) => JSON.stringify(m).includes('b-host-'))).toBe(false);
    expect(await h.store.queue.depth(h.queueKey)).toBe(0);
  });
});

describe('worker: an error in the middle of a batch', () => {
  it('puts the unsettled notifications back on the queue and delivers them on the next turn', async () => {
    const h = workerHarness();
    let failures = 1;
    const status = h.state.status.bind(h.state);
    h.state.status = async (...args) => {
      if (failures-- > 0) throw new Error('store hiccup');
      return status(...args);
    };
    for (const n of batch()) await h.store.queue.enqueue(h.queueKey, n);
    const stop = new AbortController();
    const running = h.worker.run(stop.signal);
    await expect.poll(async () => (await h.store.history.list({ outcome: 'sent' })).length, { timeout: 15_000 }).toBe(3);
    stop.abort();
    await running;
    expect(await h.store.queue.depth(h.queueKey)).toBe(0);
    expect(failures).toBeLessThan(0); // the failure did happen
  });

  it("an ack Redis carried out but whose answer was lost (a slow Redis) still records the delivery: history says sent, a waiting send() learns it, nothing is posted twice", async () => {
    const h = workerHarness();
    const ack = loseNextAckAnswer(h);
    await runUntilRecorded(h, 'sent');
    expect(ack.lost).toBe(true);
    expect(h.posts).toHaveLength(1);
  });

  it('the same for a dead letter: its ack done but its answer lost, history says dead_lettered and a waiting send() learns it', async () => {
    const h = workerHarness(() => invalidBodyAnswer);
    const ack = loseNextAckAnswer(h);
    await runUntilRecorded(h, 'dead_lettered');
    expect(ack.lost).toBe(true);
    expect(await h.deadLetterIds()).toEqual(['a']);
  });

  // An ack that failed may not have been done: then the entry is still held by this worker, and only the
  // error going up releases it (with Redis, rather than a visibility timeout later; in memory, at all).
  it('an ack that failed and was not done does not leave its entry held: the error releases it and the queue drains', async () => {
    const h = workerHarness();
    const ack = h.store.queue.ack.bind(h.store.queue);
    let failing = 1;
    h.store.queue.ack = async (key, ids) => {
      if (failing-- > 0) throw new Error('Connection is closed.');
      await ack(key, ids);
    };
    await h.store.queue.enqueue(h.queueKey, workerNotification('a'));
    const stop = new AbortController();
    const running = h.worker.run(stop.signal);
    await expect.poll(() => h.store.queue.depth(h.queueKey), { timeout: 5_000 }).toBe(0);
    stop.abort();
    await running;
    expect(failing).toBeLessThan(0); // the failed ack did happen
    expect((await h.store.history.list({ outcome: 'sent' })).map((e) => e.id)).toEqual(['a']);
  });

  it("an outcome observer that throws does not fail the delivery it is told about", async () => {
    const h = workerHarness(undefined, () => {
      throw new Error('observer bug');
    });
    const outcome = h.recorder.waitFor('a');
    await h.deliverBatch(workerNotification('a'), workerNotification('c'));
    await expect(outcome).resolves.toMatchObject({ status: 'sent' });
    expect((await h.store.history.list({ outcome: 'sent' })).map((e) => e.id).sort()).toEqual(['a', 'c']);
    expect(await h.store.queue.depth(h.queueKey)).toBe(0);
  });
});

describe('worker: a lease lost to another consumer mid-batch (Redis: this process stalled past the visibility timeout)', () => {
  it('does not send, ack or release what the other consumer now holds', async () => {
    // The first post takes longer than the lease; the renewal then says none of the batch is ours any more.
    let renewed: Promise<void> | undefined;
    const h = workerHarness(async (_m, n) => {
      if (n === 1) await renewed;
      return okAnswer(n);
    });
    const released: string[][] = [];
    renewed = loseLeaseDuringFirstPost(h, (ids) => ids); // none of the batch is ours any more
    Object.assign(h.store.queue, { release: async (_key: string, ids: string[]) => void released.push(ids) });
    for (const n of [workerNotification('a'), workerNotification('b'), workerNotification('c')]) await h.store.queue.enqueue(h.queueKey, n);
    const stop = new AbortController();
    const running = h.worker.run(stop.signal);
    await expect.poll(async () => (await h.store.history.list({})).length, { timeout: 15_000 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    stop.abort();
    await running;
    expect(h.posts).toHaveLength(1); // a was already on its way; b and c are the other consumer's
    expect((await h.store.history.list({})).map((e) => e.id)).toEqual(['a']);
    expect(released.flat()).toEqual([]);
  });

  it('does not reroute or dead-letter them either when the webhook turns out broken', async () => {
    let renewed: Promise<void> | undefined;
    const h = workerHarness(async () => {
      await renewed;
      return { status: 401, headers: {}, body: { code: 50027, message: 'Invalid Webhook Token' }, elapsedMs: 1 };
    });
    // The renewal keeps a (the first entry, in flight) but says b and c are another consumer's now.
    renewed = loseLeaseDuringFirstPost(h, (ids) => ids.slice(1));
    for (const n of [workerNotification('a'), workerNotification('b'), workerNotification('c')]) await h.store.queue.enqueue(h.queueKey, n);
    const stop = new AbortController();
    const running = h.worker.run(stop.signal);
    await expect.poll(() => h.deadLetterIds(), { timeout: 15_000 }).toEqual(['a']); // general itself is broken: a has nowhere to go
    await new Promise((resolve) => setTimeout(resolve, 200));
    stop.abort();
    await running;
    expect(await h.deadLetterIds()).toEqual(['a']); // b and c are the other consumer's
  });

  it('does not reroute what another consumer took while it checked the webhook', async () => {
    const h = workerHarness();
    let first = true;
    h.state.isBroken = async () => {
      if (first) await new Promise((resolve) => setTimeout(resolve, 350)); // a slow store
      first = false;
      return true; // broken, general too: what is rerouted ends as a dead letter
    };
    Object.assign(h.store.queue, { leaseMs: 300, touch: async (_key: string, ids: string[]) => ids.slice(0, 2) });
    await runUntil(h, batch(), async () => (await h.deadLetterIds()).length === 2);
    expect(await h.deadLetterIds()).toEqual(['a', 'b']);
  });

  it('finishes a notification already sent in part rather than starting it over when a neighbour is lost', async () => {
    // [a, b-head], [b-tail, c]: c is taken over while the first message is on its way.
    let renewed: Promise<void> | undefined;
    const h = workerHarness(async (_m, n) => {
      if (n === 1) await renewed;
      return okAnswer(n);
    });
    renewed = loseLeaseDuringFirstPost(h, (ids) => ids.slice(2));
    await runUntil(h, batch(), async () => (await h.store.history.list({ outcome: 'sent' })).length === 2);
    expect(h.postsWith('b-host-0-')).toBe(1); // b's first part went out once
    expect(h.posts).toHaveLength(2);
    expect((await h.store.history.list({ outcome: 'sent' })).map((e) => e.id).sort()).toEqual(['a', 'b']);
  });

  it('a 400 on a packed message still resends the innocent one alone when the culprit was taken over', async () => {
    // Discord refuses a's content; while [a, b-head] is on its way, the renewal says a is another consumer's.
    let renewed: Promise<void> | undefined;
    const h = workerHarness(async (m, n) => {
      if (n === 1) await renewed;
      return JSON.stringify(m).includes('a-host-') ? invalidBodyAnswer : okAnswer(n);
    });
    renewed = loseLeaseDuringFirstPost(h, (ids) => ids.slice(0, 1));
    await runUntil(h, batch(), async () => (await h.store.history.list({ outcome: 'sent' })).length === 2);
    expect(await h.deadLetterIds()).toEqual([]);
    expect((await h.store.history.list({ outcome: 'sent' })).map((e) => e.id).sort()).toEqual(['b', 'c']);
  });
});

type Harness = ReturnType<typeof workerHarness>;

/** The store carries out the next ack, but its answer does not come in time (a slow Redis). */
function loseNextAckAnswer(h: Harness): { lost: boolean } {
  const ack = h.store.queue.ack.bind(h.store.queue);
  const seen = { lost: false };
  h.store.queue.ack = async (key, ids) => {
    await ack(key, ids); // done in the store …
    if (seen.lost) return;
    seen.lost = true;
    throw new Error('Command timed out'); // … but the answer did not come in time
  };
  return seen;
}

/** Queues notification 'a', runs the worker until history has it with `outcome` and a waiting send() learned it. */
async function runUntilRecorded(h: Harness, outcome: 'sent' | 'dead_lettered'): Promise<void> {
  await h.store.queue.enqueue(h.queueKey, workerNotification('a'));
  const told = h.recorder.waitFor('a');
  const stop = new AbortController();
  const running = h.worker.run(stop.signal);
  await expect.poll(async () => (await h.store.history.list({ outcome })).map((e) => e.id), { timeout: 5_000 }).toEqual(['a']);
  await expect(told).resolves.toMatchObject({ status: outcome });
  stop.abort();
  await running;
}
