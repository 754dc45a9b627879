import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../src/config/load.js';
import { OutcomeRecorder } from '../../../src/delivery/recorder.js';
import { replayDeadLetters } from '../../../src/delivery/replay.js';
import { createMemoryStore } from '../../../src/store/memory/index.js';
import type { DeadLetter } from '../../../src/store/types.js';
import { workerNotification } from '../../helpers/worker-harness.js';

const config = loadConfigOrThrow({
  env: {
    DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/general-token',
    DISCORD_WEBHOOK_ERRORS: 'https://discord.com/api/webhooks/2/error-token',
  },
}).config;

describe('replaying dead letters (memory store)', () => {
  it("queues each on its type's current webhook, without the reroute note of its earlier detour, and wakes that queue's worker", async () => {
    const store = createMemoryStore({ queueSize: 100, historyMaxEntries: 100, historyRetentionMs: 3_600_000 });
    // An error alert that went to general while error's webhook was broken, and died there.
    const detoured = { ...workerNotification('e1'), alertType: 'error', reroutedFrom: 'error', attempts: 1, retries: 0, lastFailureReason: 'broken_webhook' as const };
    await store.deadLetters.add({ id: 'e1', notification: detoured, reason: 'broken_webhook', error: 'no usable webhook for error', webhookId: '1', at: 1 });
    const woken: string[] = [];
    expect(await replayDeadLetters(store, config, undefined, (key) => woken.push(key))).toEqual({ replayed: ['e1'], failed: [] });
    const [item] = await store.queue.read('2', 10, 0); // error's own webhook, fixed now
    expect(item?.notification.id).toBe('e1');
    expect(item?.notification.reroutedFrom).toBeUndefined();
    expect(item?.notification.attempts).toBe(0); // its history counts from here again, as the README says
    expect(item?.notification.lastFailureReason).toBeUndefined();
    expect(await store.queue.depth('1')).toBe(0);
    expect(woken).toEqual(['2']);
    expect(await store.deadLetters.list(10)).toEqual([]);
  });

  // A dead letter is added before its queue entry is acked; should the ack fail (a store timeout), the batch
  // goes back to the queue and the notification is dead-lettered again: two entries, one notification.
  it('queues a notification dead-lettered twice (its ack lost the first time) once, and settles both entries', async () => {
    const store = createMemoryStore({ queueSize: 100, historyMaxEntries: 100, historyRetentionMs: 3_600_000 });
    for (const at of [1, 2]) await store.deadLetters.add({ id: 'g1', notification: workerNotification('g1'), reason: 'broken_webhook', error: 'no usable webhook for general', webhookId: '1', at });
    expect(await replayDeadLetters(store, config, undefined, () => undefined)).toEqual({ replayed: ['g1'], failed: [] });
    expect((await store.queue.read('1', 10, 0)).map((i) => i.notification.id)).toEqual(['g1']);
    expect(await store.deadLetters.count()).toBe(0);
  });

  // Queue entries are checked on read (isNotification) and dropped with a report; a dead letter written by
  // hand, or by a version with another shape, used to throw in the middle of "Replay all" and stop it there.
  it('keeps a dead letter without a readable notification, reports it in failed with why, and replays the rest', async () => {
    const store = createMemoryStore({ queueSize: 100, historyMaxEntries: 100, historyRetentionMs: 3_600_000 });
    const foreign = { id: 'x1', reason: 'invalid_body', error: 'written by another version', at: 1 } as unknown as DeadLetter;
    const oddShape = { id: 'x2', notification: { id: 'x2', title: 'old shape' }, reason: 'invalid_body', error: '', at: 2 } as unknown as DeadLetter;
    await store.deadLetters.add(foreign);
    await store.deadLetters.add(oddShape);
    await store.deadLetters.add({ id: 'g1', notification: workerNotification('g1'), reason: 'broken_webhook', error: 'no usable webhook for general', webhookId: '1', at: 3 });
    const result = await replayDeadLetters(store, config, undefined, () => undefined);
    expect(result).toEqual({ replayed: ['g1'], failed: ['x1', 'x2'], reasons: { x1: expect.stringMatching(/not a notification/), x2: expect.stringMatching(/not a notification/) } });
    expect((await store.queue.read('1', 10, 0)).map((i) => i.notification.id)).toEqual(['g1']);
    expect((await store.deadLetters.list(10)).map((d) => d.id).sort()).toEqual(['x1', 'x2']);
  });
});

// A dead letter stays until replayed, however old; history keeps `retention` and `max_entries` by time. The
// replay's delivery was dropped on record (received before the retention window) or trimmed at once (the
// oldest of a full history): the operator replayed it and history never showed that it went out.
describe('a replayed dead letter in history', () => {
  const HOUR = 3_600_000;
  const ok = { messageIds: ['m1'], attempts: 1, retries: 0 };

  async function replayAndDeliver(store: ReturnType<typeof createMemoryStore>, now: () => number): Promise<void> {
    expect((await replayDeadLetters(store, config, undefined, () => undefined, now)).replayed).toEqual(['old']);
    const [item] = await store.queue.read('1', 10, 0);
    expect(item?.notification.receivedAt).toBe(1_800_000_000_000); // the Discord message keeps its time
    await store.queue.ack('1', [item!.entryId]);
    await new OutcomeRecorder({ store, now }).recordDelivered(item!, 'sent', ok);
  }

  it('shows its delivery when it was received longer ago than the retention', async () => {
    const now = (): number => 1_800_000_000_000 + 2 * HOUR;
    const store = createMemoryStore({ queueSize: 100, historyMaxEntries: 100, historyRetentionMs: HOUR, now });
    await store.deadLetters.add({ id: 'old', notification: workerNotification('old'), reason: 'server_error', error: '503', at: 1_800_000_000_000 });
    await replayAndDeliver(store, now);
    expect((await store.history.get('old'))?.outcome.status).toBe('sent');
    expect((await store.history.list({})).map((e) => e.id)).toEqual(['old']);
  });

  it('shows its delivery, newest, when history is full of entries received after it', async () => {
    let t = 1_800_000_000_000;
    const now = (): number => t;
    const store = createMemoryStore({ queueSize: 100, historyMaxEntries: 2, historyRetentionMs: HOUR, now });
    await store.deadLetters.add({ id: 'old', notification: workerNotification('old'), reason: 'server_error', error: '503', at: t });
    for (const id of ['n1', 'n2']) {
      t += 60_000;
      await new OutcomeRecorder({ store, now }).recordDelivered({ entryId: id, enqueuedAt: t, notification: { ...workerNotification(id), receivedAt: t } }, 'sent', ok);
    }
    t += 60_000;
    await replayAndDeliver(store, now);
    expect((await store.history.list({})).map((e) => e.id)).toEqual(['old', 'n2']);
  });
});
