import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Notification } from '../../src/model/notification.js';
import type { OutcomeStatus } from '../../src/model/outcome.js';
import type { DeadLetter, HistoryEntry, Store } from '../../src/store/types.js';

/**
 * Sizes every store under contract is built with (`makeStore` must use them): small, so "full" and history
 * trimming are reached in a few steps.
 */
export const CONTRACT_STORE_OPTIONS = { queueSize: 5, historyMaxEntries: 20, historyRetentionMs: 3_600_000 } as const;

/** A fresh, empty store per test, and how to dispose of it. */
export type MakeStore = () => Promise<{ store: Store; cleanup(): Promise<void> }>;

const Q = 'webhook-1';
/** Dedupe windows are real time: short, with a margin well above timer jitter. */
const WINDOW_MS = 200;

export function notification(id: string, overrides: Partial<Notification> = {}): Notification {
  return {
    id,
    alertType: 'general',
    source: 'generic',
    status: 'firing',
    alerts: [{
      source: 'generic', status: 'firing', severity: 'warning', title: `alert ${id}`, message: 'disk almost full',
      labels: { host: 'db-1' }, annotations: {}, links: [], fields: [], fingerprint: `fp-${id}`,
    }],
    truncatedAlerts: 0,
    dedupeKey: `generic:general:${id}`,
    receivedAt: 1_700_000_000_000,
    attempts: 0,
    ...overrides,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const ids = (items: { notification: Notification }[]): string[] => items.map((i) => i.notification.id);

/**
 * The behaviour every `Store` promises (architecture.md "store", "Dedupe", "Delivery semantics"), run
 * against the memory store and the Redis store alike.
 */
export function runStoreContract(name: string, makeStore: MakeStore): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
    });
    afterEach(async () => cleanup());

    const fill = async (count: number, queueKey = Q): Promise<void> => {
      for (let i = 1; i <= count; i++) expect(await store.queue.enqueue(queueKey, notification(`n${i}`))).toBe('queued');
    };

    describe('queue', () => {
      it('hands entries out oldest first, once, and forgets them on ack', async () => {
        await fill(3);
        const first = await store.queue.read(Q, 2, 0);
        expect(ids(first)).toEqual(['n1', 'n2']);
        expect(first[0]?.notification).toEqual(notification('n1'));
        expect(ids(await store.queue.read(Q, 10, 0))).toEqual(['n3']);
        expect(await store.queue.read(Q, 10, 0)).toEqual([]);
        await store.queue.ack(Q, first.map((i) => i.entryId));
        expect(await store.queue.depth(Q)).toBe(1);
        await store.queue.ack(Q, ['0-1']); // an id that is not there: harmless
        expect(await store.queue.depth(Q)).toBe(1);
      });

      it('keeps queues apart and lists their keys', async () => {
        await fill(1, 'a');
        await fill(2, 'b');
        expect(ids(await store.queue.read('a', 10, 0))).toEqual(['n1']);
        expect(await store.queue.depth('b')).toBe(2);
        expect([...(await store.queue.queueKeys())].sort()).toEqual(['a', 'b']);
      });

      it('read blocks until an entry arrives', async () => {
        // A block far longer than any stall: returning before it ends can only be the arrival waking it.
        const started = Date.now();
        const reading = store.queue.read(Q, 10, 15_000);
        await sleep(100);
        await fill(1);
        expect(ids(await reading)).toEqual(['n1']);
        expect(Date.now() - started).toBeLessThan(10_000);
      });

      it('read gives up after blockMs, and at once when aborted', async () => {
        let started = Date.now();
        expect(await store.queue.read(Q, 10, 150)).toEqual([]);
        expect(Date.now() - started).toBeGreaterThanOrEqual(100);
        const abort = new AbortController();
        started = Date.now();
        const reading = store.queue.read(Q, 10, 15_000, abort.signal);
        setTimeout(() => abort.abort(), 100);
        expect(await reading).toEqual([]);
        expect(Date.now() - started).toBeLessThan(10_000);
      });

      it('depth counts undelivered entries (queued and in flight); oldestEnqueuedAt is the oldest one', async () => {
        const before = Date.now();
        await fill(3);
        expect(await store.queue.depth(Q)).toBe(3);
        const oldest = await store.queue.oldestEnqueuedAt(Q);
        expect(oldest).toBeGreaterThanOrEqual(before - 1);
        expect(oldest).toBeLessThanOrEqual(Date.now());
        const items = await store.queue.read(Q, 2, 0);
        expect(items[0]?.enqueuedAt).toBe(oldest);
        expect(await store.queue.depth(Q)).toBe(3);
        await store.queue.ack(Q, items.map((i) => i.entryId));
        expect(await store.queue.depth(Q)).toBe(1);
        expect(await store.queue.depth('never-used')).toBe(0);
        expect(await store.queue.oldestEnqueuedAt('never-used')).toBeUndefined();
      });

      it('release hands entries back so they are read again', async () => {
        await fill(3);
        const items = await store.queue.read(Q, 3, 0);
        expect(await store.queue.read(Q, 10, 0)).toEqual([]);
        await store.queue.release(Q, [items[1]!.entryId]);
        const again = await store.queue.read(Q, 10, 0);
        expect(again.map((i) => i.entryId)).toEqual([items[1]!.entryId]);
        await store.queue.release(Q, items.map((i) => i.entryId));
        expect(ids(await store.queue.read(Q, 10, 100))).toEqual(['n1', 'n2', 'n3']);
        expect(await store.queue.depth(Q)).toBe(3);
      });
    });

    describe('queue: reads bounded by size (a storm of huge groups)', () => {
      // What `maxBytes` counts: the UTF-8 bytes of a notification's JSON, as both stores keep it.
      const bytes = (n: Notification): number => Buffer.byteLength(JSON.stringify(n));
      const sized = (id: string, text: string): Notification => notification(id, { alerts: [{ ...notification(id).alerts[0]!, message: text }] });

      it('hands out entries, oldest first, while their JSON stays within maxBytes; a lone bigger one to a reader that holds nothing', async () => {
        // c and d are mostly two-byte characters: counted in UTF-16 units instead of bytes, both would fit below.
        const [a, b, c, d] = [sized('a', 'x'), sized('b', 'y'.repeat(5_000)), sized('c', 'é'.repeat(300)), sized('d', 'é'.repeat(300))];
        for (const n of [a, b, c, d]) expect(await store.queue.enqueue(Q, n)).toBe('queued');
        // b would take the batch past the bound: the read stops there, it does not skip ahead to c.
        expect(ids(await store.queue.read(Q, 10, 0, undefined, { maxBytes: bytes(a) + bytes(c) }))).toEqual(['a']);
        // Larger than any bound asked: it comes alone, to a reader that holds nothing yet, or it would never go.
        expect(ids(await store.queue.read(Q, 10, 0, undefined, { maxBytes: bytes(a) }))).toEqual(['b']);
        expect(ids(await store.queue.read(Q, 10, 0, undefined, { maxBytes: bytes(c) + bytes(d) - 1 }))).toEqual(['c']);
        // A reader that holds some already (gathering into its batch) gets nothing that does not fit beside it.
        expect(await store.queue.read(Q, 10, 0, undefined, { maxBytes: bytes(d), heldBytes: 1 })).toEqual([]);
        const last = await store.queue.read(Q, 10, 0, undefined, { maxBytes: bytes(d) + 1, heldBytes: 1 });
        expect(ids(last)).toEqual(['d']);
        // What a read left behind is neither lost nor held: every entry was handed out once, and acks settle them.
        expect(await store.queue.read(Q, 10, 0)).toEqual([]);
        expect(await store.queue.depth(Q)).toBe(4);
      });

      it('a blocking read hands the first arrival whatever its size, then what fits beside it', async () => {
        const [a, b, c] = [sized('a', 'y'.repeat(5_000)), sized('b', 'x'), sized('c', 'y'.repeat(5_000))];
        const reading = store.queue.read(Q, 10, 15_000, undefined, { maxBytes: bytes(b) });
        await sleep(100);
        for (const n of [a, b, c]) expect(await store.queue.enqueue(Q, n)).toBe('queued');
        expect(ids(await reading)).toEqual(['a']);
        expect(ids(await store.queue.read(Q, 10, 0, undefined, { maxBytes: bytes(b) + bytes(c) - 1 }))).toEqual(['b']);
        expect(ids(await store.queue.read(Q, 10, 0, undefined, { maxBytes: bytes(b) }))).toEqual(['c']);
      });

      it('a blocking read that nothing new ends hands out what was released during its wait', async () => {
        await store.queue.enqueue(Q, notification('a'));
        const held = await store.queue.read(Q, 10, 0);
        await sleep(50); // (the memory store's wake-up for that enqueue is past)
        const reading = store.queue.read(Q, 10, 300);
        await sleep(50);
        await store.queue.release(Q, held.map((i) => i.entryId));
        expect(ids(await reading)).toEqual(['a']);
      });

      it('a blocking read woken by a new arrival hands what was released meanwhile first: queue order', async () => {
        // A replica shutting down hands back its batch (the firing) while this one waits; the resolve arrives
        // next: posted in one message as resolve then firing, the channel would say it still fires.
        await store.queue.enqueue(Q, notification('firing'));
        const held = await store.queue.read(Q, 10, 0);
        await sleep(50); // (the memory store's wake-up for that enqueue is past)
        const reading = store.queue.read(Q, 10, 15_000, undefined, { maxBytes: 1024 * 1024 });
        await sleep(100);
        await Promise.all([store.queue.release(Q, held.map((i) => i.entryId)), store.queue.enqueue(Q, notification('resolved'))]);
        expect(ids(await reading)).toEqual(['firing', 'resolved']);
      });

      it("each item read carries its JSON's UTF-8 bytes: what a gathering reader passes back as heldBytes", async () => {
        // Counted in UTF-16 units, a batch of mostly non-ASCII text would be gathered past its bound.
        const n = sized('a', 'é'.repeat(300));
        await store.queue.enqueue(Q, n);
        expect((await store.queue.read(Q, 10, 0)).map((i) => i.bytes)).toEqual([bytes(n)]);
      });

      it('a blocking read woken by several arrivals at once hands out no more than max, and only what fits beside the first', async () => {
        const reading = store.queue.read(Q, 2, 15_000);
        await sleep(100);
        await Promise.all(['a', 'b', 'c'].map((id) => store.queue.enqueue(Q, notification(id))));
        expect(ids(await reading)).toEqual(['a', 'b']);
        expect(ids(await store.queue.read(Q, 10, 0))).toEqual(['c']);
        const [big, small] = [sized('big', 'y'.repeat(5_000)), sized('small', 'x')];
        const bounded = store.queue.read(Q, 10, 15_000, undefined, { maxBytes: bytes(small) });
        await sleep(100);
        await Promise.all([big, small].map((n) => store.queue.enqueue(Q, n)));
        expect(ids(await bounded)).toEqual(['big']);
        expect(ids(await store.queue.read(Q, 10, 0))).toEqual(['small']);
      });

      it('a blocking read of a reader that holds some already hands back an arrival that does not fit beside it: first in line', async () => {
        const [a, b] = [sized('a', 'y'.repeat(5_000)), sized('b', 'x')];
        const reading = store.queue.read(Q, 10, 15_000, undefined, { maxBytes: bytes(a), heldBytes: 1 });
        await sleep(100);
        await store.queue.enqueue(Q, a);
        expect(await reading).toEqual([]);
        await store.queue.enqueue(Q, b);
        expect(ids(await store.queue.read(Q, 10, 0, undefined, { maxBytes: bytes(a) }))).toEqual(['a']);
      });

      it('a released entry that no longer fits stays first in line', async () => {
        const [a, b] = [sized('a', 'y'.repeat(5_000)), sized('b', 'x')];
        for (const n of [a, b]) expect(await store.queue.enqueue(Q, n)).toBe('queued');
        const first = await store.queue.read(Q, 10, 0);
        await store.queue.release(Q, first.map((i) => i.entryId));
        expect(ids(await store.queue.read(Q, 10, 100, undefined, { maxBytes: bytes(b) }))).toEqual(['a']);
        expect(ids(await store.queue.read(Q, 10, 100, undefined, { maxBytes: bytes(b) }))).toEqual(['b']);
      });
    });

    describe('queue full', () => {
      it("answers 'full', queues nothing and keeps no dedupe key, so the same retry is queued once there is room", async () => {
        for (let i = 1; i <= CONTRACT_STORE_OPTIONS.queueSize; i++) {
          expect(await store.queue.enqueue(Q, notification(`n${i}`), { key: `k${i}`, windowMs: 60_000 })).toBe('queued');
        }
        const extra = notification('extra');
        expect(await store.queue.enqueue(Q, extra, { key: 'k-extra', windowMs: 60_000 })).toBe('full');
        expect(await store.queue.enqueue(Q, notification('plain'))).toBe('full');
        expect(await store.queue.depth(Q)).toBe(CONTRACT_STORE_OPTIONS.queueSize);
        // In-flight entries still count: reading frees nothing, acknowledging does.
        const [first] = await store.queue.read(Q, 1, 0);
        expect(await store.queue.enqueue(Q, extra, { key: 'k-extra', windowMs: 60_000 })).toBe('full');
        await store.queue.ack(Q, [first!.entryId]);
        expect(await store.queue.enqueue(Q, extra, { key: 'k-extra', windowMs: 60_000 })).toBe('queued');
      });
    });

    describe('dedupe', () => {
      it('the same key within the window is a duplicate, and queued again after it', async () => {
        // Within: a window no stall of a slow machine outlasts (with a short one, a pause between the two
        // enqueues longer than the window made the second one 'queued', and the test red).
        const dedupe = { key: 'generic:general:same', windowMs: 60_000 };
        expect(await store.queue.enqueue(Q, notification('a'), dedupe)).toBe('queued');
        expect(await store.queue.enqueue(Q, notification('b'), dedupe)).toBe('duplicate');
        expect(await store.queue.enqueue(Q, notification('c'), { key: 'other', windowMs: 60_000 })).toBe('queued');
        expect(await store.queue.depth(Q)).toBe(2);
        // After: a short window, waited out (a wait that only ever runs longer on a slow machine).
        const short = { key: 'generic:general:short', windowMs: WINDOW_MS };
        expect(await store.queue.enqueue(Q, notification('d'), short)).toBe('queued');
        await sleep(WINDOW_MS + 150);
        expect(await store.queue.enqueue(Q, notification('e'), short)).toBe('queued');
        expect(await store.queue.enqueue(Q, notification('f'), dedupe)).toBe('duplicate'); // the long one still holds
        expect(ids(await store.queue.read(Q, 10, 0))).toEqual(['a', 'c', 'd', 'e']);
      });

      it('a claim that replaces others (the other state of the same thing) drops them', async () => {
        const firing = { key: 'k-firing', windowMs: 60_000 };
        const escalated = { key: 'k-firing-critical', windowMs: 60_000 };
        expect(await store.queue.enqueue(Q, notification('f1'), firing)).toBe('queued');
        expect(await store.queue.enqueue(Q, notification('e1'), escalated)).toBe('queued');
        const resolve = { key: 'k-resolved', windowMs: 60_000, replaces: ['k-firing', 'k-firing-critical', 'k-never-claimed'] };
        expect(await store.queue.enqueue(Q, notification('r1'), resolve)).toBe('queued');
        expect(await store.queue.enqueue(Q, notification('f2'), firing)).toBe('queued');
        expect(await store.queue.enqueue(Q, notification('f3'), firing)).toBe('duplicate');
        expect(await store.queue.enqueue(Q, notification('e2'), escalated)).toBe('queued');
      });

      it('dropClaims drops the given claims of one queue only (another webhook\'s resolve), absent ones too', async () => {
        const firing = { key: 'k-dropped', windowMs: 60_000 };
        expect(await store.queue.enqueue(Q, notification('f1'), firing)).toBe('queued');
        expect(await store.queue.enqueue('other-webhook', notification('o1'), { key: 'k-kept', windowMs: 60_000 })).toBe('queued');
        await store.queue.dropClaims(Q, ['k-dropped', 'k-never-claimed']);
        await store.queue.dropClaims(Q, []);
        expect(await store.queue.enqueue(Q, notification('f2'), firing)).toBe('queued');
        expect(await store.queue.enqueue(Q, notification('f3'), firing)).toBe('duplicate');
        expect(await store.queue.enqueue('other-webhook', notification('o2'), { key: 'k-kept', windowMs: 60_000 })).toBe('duplicate');
      });

      it('a delivered notification still dedupes within its window', async () => {
        const dedupe = { key: 'k', windowMs: 60_000 };
        await store.queue.enqueue(Q, notification('a'), dedupe);
        const items = await store.queue.read(Q, 10, 0);
        await store.queue.ack(Q, items.map((i) => i.entryId));
        expect(await store.queue.enqueue(Q, notification('a'), dedupe)).toBe('duplicate');
      });
    });

    describe('forgetting a queue', () => {
      it('drops an empty queue from queueKeys, refuses one with entries, and an enqueue brings it back', async () => {
        await store.queue.enqueue(Q, notification('a'));
        expect(await store.queue.forget(Q)).toBe(false);
        expect(await store.queue.queueKeys()).toContain(Q);
        await store.queue.ack(Q, (await store.queue.read(Q, 10, 0)).map((i) => i.entryId));
        expect(await store.queue.forget(Q)).toBe(true);
        expect(await store.queue.queueKeys()).not.toContain(Q);
        await store.queue.enqueue(Q, notification('b'));
        expect(await store.queue.queueKeys()).toContain(Q);
        expect(ids(await store.queue.read(Q, 10, 0))).toEqual(['b']);
      });
    });

    describe('heartbeats (the watchdog, shared by replicas)', () => {
      it('keeps the latest time per name, whichever order they arrive in', async () => {
        expect(await store.heartbeats.lastSeen('Watchdog')).toBeUndefined();
        await store.heartbeats.record('Watchdog', 2_000);
        await store.heartbeats.record('Watchdog', 1_000); // a slower replica's older beat
        await store.heartbeats.record('Other', 5_000);
        expect(await store.heartbeats.lastSeen('Watchdog')).toBe(2_000);
        expect(await store.heartbeats.lastSeen('Other')).toBe(5_000);
      });

      it('replaces a kept time stamped far ahead (by a clock set right since) with the next, older one', async () => {
        const day = 86_400_000;
        await store.heartbeats.record('Watchdog', 10 * day + 5_000); // a clock a day ahead
        await store.heartbeats.record('Watchdog', 9 * day); // set right: the next heartbeat
        expect(await store.heartbeats.lastSeen('Watchdog')).toBe(9 * day);
        await store.heartbeats.record('Watchdog', 9 * day - 2_000); // a slower replica's older beat still loses
        expect(await store.heartbeats.lastSeen('Watchdog')).toBe(9 * day);
      });

      it('a beat written late (heard while the store was down) does not replace the newer time another replica wrote', async () => {
        const minute = 60_000;
        await store.heartbeats.record('Watchdog', 1_000 * minute); // heard and written at once by one replica
        await store.heartbeats.record('Watchdog', 980 * minute, 1_000 * minute + 5_000); // heard 20 min earlier elsewhere, written only now
        expect(await store.heartbeats.lastSeen('Watchdog')).toBe(1_000 * minute);
        await store.heartbeats.record('Watchdog', 990 * minute, 990 * minute); // written then: the kept time is a wrong clock's
        expect(await store.heartbeats.lastSeen('Watchdog')).toBe(990 * minute);
      });

      it('keeps the told outage per name until it is cleared', async () => {
        expect(await store.heartbeats.toldOutage('Watchdog')).toBeUndefined();
        await store.heartbeats.setToldOutage('Watchdog', { since: 3_000, neverHeard: false });
        await store.heartbeats.setToldOutage('Other', { since: 4_000, neverHeard: true });
        expect(await store.heartbeats.toldOutage('Watchdog')).toEqual({ since: 3_000, neverHeard: false });
        expect(await store.heartbeats.toldOutage('Other')).toEqual({ since: 4_000, neverHeard: true });
        await store.heartbeats.setToldOutage('Watchdog', undefined);
        expect(await store.heartbeats.toldOutage('Watchdog')).toBeUndefined();
        expect(await store.heartbeats.toldOutage('Other')).toEqual({ since: 4_000, neverHeard: true });
      });
    });

    describe('dead letters', () => {
      const letter = (id: string, at: number): DeadLetter => ({
        id, notification: notification(`n-${id}`), reason: 'invalid_body', error: '50035 Invalid Form Body', webhookId: '123', at,
      });

      it('adds, lists newest first, counts, and takes by id or all (oldest first)', async () => {
        for (const [i, id] of ['d1', 'd2', 'd3', 'd4'].entries()) await store.deadLetters.add(letter(id, 1000 + i));
        expect(await store.deadLetters.count()).toBe(4);
        expect((await store.deadLetters.list(2)).map((d) => d.id)).toEqual(['d4', 'd3']);
        expect(await store.deadLetters.take(['d2', 'nope'])).toEqual([letter('d2', 1001)]);
        expect(await store.deadLetters.take([])).toEqual([]);
        expect(await store.deadLetters.count()).toBe(3);
        expect((await store.deadLetters.take()).map((d) => d.id)).toEqual(['d1', 'd3', 'd4']);
        expect(await store.deadLetters.count()).toBe(0);
        expect(await store.deadLetters.list(10)).toEqual([]);
      });

      it('holds what a replay took until it settles: queued ones are gone, kept ones return, nobody else takes them', async () => {
        for (const [i, id] of ['d1', 'd2', 'd3'].entries()) await store.deadLetters.add(letter(id, 1000 + i));
        expect((await store.deadLetters.take()).map((d) => d.id)).toEqual(['d1', 'd2', 'd3']);
        expect(await store.deadLetters.take()).toEqual([]); // a second replay, meanwhile
        await store.deadLetters.settle({ queued: ['d1'], kept: ['d3'] });
        expect((await store.deadLetters.list(10)).map((d) => d.id)).toEqual(['d3']);
        await store.deadLetters.settle({ kept: ['d2'] });
        expect((await store.deadLetters.list(10)).map((d) => d.id).sort()).toEqual(['d2', 'd3']);
        await store.deadLetters.settle({ queued: ['d1'], kept: ['d1'] }); // already settled: nothing comes back
        expect(await store.deadLetters.count()).toBe(2);
      });

      it('leaves in the list a copy of an id that is held, for a later replay', async () => {
        await store.deadLetters.add(letter('d1', 1000));
        expect((await store.deadLetters.take()).map((d) => d.id)).toEqual(['d1']);
        await store.deadLetters.add(letter('d1', 2000)); // dead-lettered again while the first is being replayed
        expect(await store.deadLetters.take()).toEqual([]);
        expect(await store.deadLetters.count()).toBe(1);
        await store.deadLetters.settle({ queued: ['d1'] });
        expect(await store.deadLetters.take()).toEqual([letter('d1', 2000)]);
      });

      // The recorder adds a dead letter, then acks its queue entry; a lost ack brings the notification back
      // and it is dead-lettered again. Replayed, a copy left in the list would be delivered a second time.
      it('takes an id dead-lettered twice (its ack was lost) once, its latest copy, and keeps no other', async () => {
        for (const [id, at] of [['d1', 1000], ['d2', 1001], ['d1', 1002]] as const) await store.deadLetters.add(letter(id, at));
        expect((await store.deadLetters.take()).map((d) => d.id)).toEqual(['d2', 'd1']);
        await store.deadLetters.settle({ queued: ['d1', 'd2'] });
        expect(await store.deadLetters.count()).toBe(0);
        await store.deadLetters.add(letter('d3', 1003));
        await store.deadLetters.add(letter('d3', 1004));
        expect(await store.deadLetters.take(['d3'])).toEqual([letter('d3', 1004)]);
        await store.deadLetters.settle({ kept: ['d3'] }); // not queued: one copy back in the list
        expect((await store.deadLetters.list(10)).map((d) => d.id)).toEqual(['d3']);
      });

      // Until a replay takes it, such a notification is one dead letter to the operator, not two rows.
      it('lists an id dead-lettered twice once, its latest copy (the latest reason)', async () => {
        for (const [id, at] of [['d1', 1000], ['d2', 1001], ['d1', 1002]] as const) await store.deadLetters.add(letter(id, at));
        expect(await store.deadLetters.list(10)).toEqual([letter('d1', 1002), letter('d2', 1001)]);
      });

      // /metrics, /api/status and the dashboard's count read `count()`, the rows read `list`: the same
      // notification dead-lettered twice counted twice said "3 dead letters" over two rows ("Showing the
      // newest 2 of 3") and a "Replay all" that replayed 2.
      it('counts an id dead-lettered twice once, as it is listed and replayed', async () => {
        for (const [id, at] of [['d1', 1000], ['d2', 1001], ['d1', 1002]] as const) await store.deadLetters.add(letter(id, at));
        expect(await store.deadLetters.count()).toBe(2);
        expect((await store.deadLetters.list(2)).map((d) => d.id)).toEqual(['d1', 'd2']); // the limit counts ids, not copies
        expect((await store.deadLetters.take()).map((d) => d.id)).toEqual(['d2', 'd1']);
      });

      it('keeps the copy dead-lettered while another was held, not the held one a replay gives back', async () => {
        await store.deadLetters.add(letter('d1', 1000));
        expect((await store.deadLetters.take()).map((d) => d.id)).toEqual(['d1']);
        await store.deadLetters.add(letter('d1', 2000)); // dead-lettered again while the first is being replayed
        await store.deadLetters.settle({ kept: ['d1'] }); // that replay could not queue it
        expect(await store.deadLetters.count()).toBe(1);
        expect(await store.deadLetters.list(10)).toEqual([letter('d1', 2000)]);
        expect(await store.deadLetters.take()).toEqual([letter('d1', 2000)]);
      });
    });

    describe('history', () => {
      const entry = (id: string, agoMs: number, type = 'general', status: OutcomeStatus = 'sent'): HistoryEntry => {
        const receivedAt = Date.now() - agoMs;
        return {
          id, title: `title ${id}`, alertType: type, source: 'alertmanager', status: 'firing', alertNames: ['DiskFull'],
          fingerprints: [`fp-${id}`], receivedAt, retries: 0,
          outcome: { notificationId: id, status, attempts: 1, responseTimeMs: 120, messageIds: ['m1'], at: receivedAt + 50 },
        };
      };

      it('records, lists newest first with filters, and gets by id', async () => {
        const h1 = entry('h1', 40_000, 'general', 'sent');
        const h2 = entry('h2', 30_000, 'error', 'failed');
        const h3 = entry('h3', 20_000, 'error', 'sent');
        const h4 = entry('h4', 10_000, 'critical', 'dead_lettered');
        for (const e of [h1, h2, h3, h4]) await store.history.record(e);
        expect((await store.history.list({})).map((e) => e.id)).toEqual(['h4', 'h3', 'h2', 'h1']);
        expect((await store.history.list({ type: 'error' })).map((e) => e.id)).toEqual(['h3', 'h2']);
        expect((await store.history.list({ outcome: 'sent' })).map((e) => e.id)).toEqual(['h3', 'h1']);
        expect((await store.history.list({ since: h2.receivedAt })).map((e) => e.id)).toEqual(['h4', 'h3', 'h2']);
        expect((await store.history.list({ limit: 1, type: 'error' })).map((e) => e.id)).toEqual(['h3']);
        expect(await store.history.get('h2')).toEqual(h2);
        expect(await store.history.get('missing')).toBeUndefined();
      });

      it('re-recording an id replaces it', async () => {
        const first = entry('h1', 1_000, 'general', 'failed');
        await store.history.record(first);
        const updated = { ...first, outcome: { ...first.outcome, status: 'sent' as const, attempts: 2 } };
        await store.history.record(updated);
        expect(await store.history.list({})).toEqual([updated]);
        expect(await store.history.get('h1')).toEqual(updated);
      });

      it('keeps at most historyMaxEntries and nothing past retention', async () => {
        const max = CONTRACT_STORE_OPTIONS.historyMaxEntries;
        for (let i = 0; i < max + 3; i++) await store.history.record(entry(`h${i}`, (max + 3 - i) * 1_000));
        const listed = await store.history.list({ limit: 1_000 });
        expect(listed).toHaveLength(max);
        expect(listed.at(-1)?.id).toBe('h3');
        await store.history.record(entry('ancient', CONTRACT_STORE_OPTIONS.historyRetentionMs + 60_000));
        expect((await store.history.list({ limit: 1_000 })).map((e) => e.id)).not.toContain('ancient');
      });
    });

    describe('ping marks (partial resolves that ping nobody again)', () => {
      it('tells which keys hold no live mark, per queue, until their life ends', async () => {
        expect(await store.pingMarks.unmarked(Q, ['a', 'b'])).toEqual(['a', 'b']);
        await store.pingMarks.mark(Q, ['a'], WINDOW_MS);
        expect(await store.pingMarks.unmarked(Q, ['a', 'b'])).toEqual(['b']);
        expect(await store.pingMarks.unmarked('webhook-2', ['a'])).toEqual(['a']);
        await sleep(WINDOW_MS + 100);
        expect(await store.pingMarks.unmarked(Q, ['a', 'b'])).toEqual(['a', 'b']);
      });

      it('marking again renews a mark', async () => {
        await store.pingMarks.mark(Q, ['a'], WINDOW_MS);
        await sleep(WINDOW_MS / 2);
        await store.pingMarks.mark(Q, ['a'], 10 * WINDOW_MS);
        await sleep(WINDOW_MS);
        expect(await store.pingMarks.unmarked(Q, ['a'])).toEqual([]);
      });

      it('nothing asked, nothing to tell', async () => {
        await store.pingMarks.mark(Q, [], WINDOW_MS);
        expect(await store.pingMarks.unmarked(Q, [])).toEqual([]);
      });
    });

    it('pings', async () => {
      expect(await store.ping()).toEqual({ ok: true });
    });
  });
}
