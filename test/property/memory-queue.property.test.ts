import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Notification } from '../../src/model/notification.js';
import { MemoryQueue } from '../../src/store/memory/queue.js';
import type { EnqueueStatus, QueuedItem, ReadBudget } from '../../src/store/types.js';

/** 200 runs in the normal run; `npm run test:property` runs 10,000. */
const RUNS = Number(process.env.FC_RUNS ?? 200);
const timeout = Math.max(60_000, RUNS * 100);

/*
 * The memory queue against a reference model: random interleavings of enqueue, read (max counts, byte
 * budgets, blocking reads woken by an enqueue or a release), ack, release, dropClaims, forget and the clock
 * moving on, with packing lowered (`packFromDepth`, `packBlock`) so that blocks are packed, partly read,
 * released into and acked out of within a few steps. The model is the contract of `NotificationQueue`, not
 * the queue's internals: nothing acked comes back, nothing unacked is lost, entries are handed out first in
 * first out, one reader at a time, a budget stops a read before the entry that does not fit, and a dedupe
 * key is a duplicate within its window unless dropped or replaced.
 */

const QUEUES = ['a', 'b'] as const;
type QueueIndex = 0 | 1;

interface DedupeDraw { key: number; windowMs: number; replaces: number[] }
type Op =
  | { t: 'enqueue'; q: QueueIndex; size: number; unicode: boolean; dedupe: DedupeDraw | undefined }
  | { t: 'read'; q: QueueIndex; max: number; budget: ReadBudget | undefined }
  | { t: 'ack' | 'release'; q: QueueIndex; picks: number[]; bogus: boolean }
  | { t: 'dropClaims'; q: QueueIndex; keys: number[] }
  | { t: 'forget'; q: QueueIndex }
  | { t: 'tick'; ms: number }
  | { t: 'blockingReads'; q: QueueIndex; maxes: number[]; wake: 'enqueue' | 'release' | 'abort'; size: number };

const q = fc.constantFrom<QueueIndex>(0, 1);
const budget: fc.Arbitrary<ReadBudget | undefined> = fc.option(
  fc.record({ maxBytes: fc.integer({ min: 1, max: 2_000 }), heldBytes: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1_500 })) }),
  { nil: undefined },
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant('enqueue' as const), q, size: fc.integer({ min: 0, max: 400 }), unicode: fc.boolean(), dedupe: fc.option(fc.record({ key: fc.nat(4), windowMs: fc.integer({ min: 1, max: 100 }), replaces: fc.array(fc.nat(4), { maxLength: 3 }) }), { nil: undefined }) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('read' as const), q, max: fc.integer({ min: 0, max: 6 }), budget }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constantFrom('ack' as const, 'release' as const), q, picks: fc.array(fc.nat(), { maxLength: 4 }), bogus: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('dropClaims' as const), q, keys: fc.array(fc.nat(4), { maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('forget' as const), q }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 60 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('blockingReads' as const), q, maxes: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }), wake: fc.constantFrom('enqueue' as const, 'release' as const, 'abort' as const), size: fc.integer({ min: 0, max: 400 }) }) },
);
const setup = fc.record({ maxPerQueue: fc.integer({ min: 1, max: 12 }), packFromDepth: fc.integer({ min: 0, max: 4 }), packBlock: fc.integer({ min: 1, max: 4 }) });

type State = 'queued' | 'held' | 'acked';
interface ModelEntry { n: Notification; json: string; bytes: number; enqueuedAt: number; state: State; entryId?: string }

/** The reference: per queue, every entry ever queued in order, with its state; dedupe claims by key. */
class Model {
  readonly entries: ModelEntry[][] = [[], []];
  readonly claims = new Map<string, number>();
  /** Queues forgotten with nothing queued since: absent from `queueKeys`. */
  readonly forgotten = new Set<QueueIndex>();
  now = 1_000;
  #seq = 0;

  live(qi: QueueIndex): ModelEntry[] {
    return this.entries[qi]!.filter((e) => e.state !== 'acked');
  }

  enqueue(qi: QueueIndex, size: number, unicode: boolean, dedupe: { key: string; windowMs: number; replaces: string[] } | undefined): { status: EnqueueStatus; n: Notification } {
    const n = notification(`n${++this.#seq}`, size, unicode);
    if (dedupe && (this.claims.get(dedupe.key) ?? -Infinity) > this.now) return { status: 'duplicate', n };
    if (this.live(qi).length >= this.maxPerQueue) return { status: 'full', n };
    if (dedupe) {
      this.claims.set(dedupe.key, this.now + dedupe.windowMs);
      for (const key of dedupe.replaces) this.claims.delete(key);
    }
    const json = JSON.stringify(n);
    this.entries[qi]!.push({ n, json, bytes: Buffer.byteLength(json), enqueuedAt: this.now, state: 'queued' });
    this.forgotten.delete(qi);
    return { status: 'queued', n };
  }

  /** What a read of `max` under `budget` hands out: the queued entries oldest first, stopping at the first that does not fit. */
  take(qi: QueueIndex, max: number, readBudget: ReadBudget | undefined): ModelEntry[] {
    const out: ModelEntry[] = [];
    let held = readBudget?.heldBytes ?? 0;
    for (const e of this.entries[qi]!) {
      if (out.length >= max) break;
      if (e.state !== 'queued') continue;
      if (readBudget && held > 0 && held + e.bytes > readBudget.maxBytes) break;
      held += e.bytes;
      out.push(e);
    }
    return out;
  }

  constructor(readonly maxPerQueue: number) {}
}

function notification(id: string, size: number, unicode: boolean): Notification {
  const title = unicode ? `${'é✓🚨'.repeat(Math.ceil(size / 3))}"\\\n\u2028`.slice(0, size + 4) : 'x'.repeat(size);
  return {
    id, alertType: 'general', source: 'generic', status: 'firing', truncatedAlerts: 0, dedupeKey: id, receivedAt: 0, attempts: 0,
    alerts: [{ source: 'generic', status: 'firing', severity: 'warning', title, message: '', labels: { id }, annotations: {}, links: [], fields: [], fingerprint: id }],
  };
}

const claimKey = (qi: QueueIndex, key: number) => `${QUEUES[qi]}:k${key}`;

/** Checks a read's items against the model's expected entries and marks them held. */
function handOut(got: QueuedItem[], expected: ModelEntry[], seenIds: Map<string, ModelEntry>): void {
  expect(got.map((i) => i.notification.id)).toEqual(expected.map((e) => e.n.id));
  got.forEach((item, i) => {
    const e = expected[i]!;
    expect(e.state).toBe('queued'); // never acked, never held by another read
    expect(item.notification).toEqual(JSON.parse(e.json));
    expect(item.bytes).toBe(e.bytes);
    expect(item.enqueuedAt).toBe(e.enqueuedAt);
    if (e.entryId === undefined) {
      expect(seenIds.has(item.entryId)).toBe(false); // a new entry, a new id
      e.entryId = item.entryId;
      seenIds.set(item.entryId, e);
    } else expect(item.entryId).toBe(e.entryId);
    e.state = 'held';
  });
}

async function run(cfg: { maxPerQueue: number; packFromDepth: number; packBlock: number }, ops: Op[]): Promise<void> {
  const model = new Model(cfg.maxPerQueue);
  const queue = new MemoryQueue({ ...cfg, now: () => model.now });
  const seenIds = new Map<string, ModelEntry>();
  /** Ids handed out on each queue, in order: what ack and release pick from (held, released or acked). */
  const known: string[][] = [[], []];

  const enqueue = async (qi: QueueIndex, size: number, unicode: boolean, draw: DedupeDraw | undefined): Promise<EnqueueStatus> => {
    const dedupe = draw && { key: claimKey(qi, draw.key), windowMs: draw.windowMs, replaces: [...new Set(draw.replaces.filter((k) => k !== draw.key).map((k) => claimKey(qi, k)))] };
    const expected = model.enqueue(qi, size, unicode, dedupe);
    expect(await queue.enqueue(QUEUES[qi], expected.n, dedupe)).toBe(expected.status);
    return expected.status;
  };
  const noteIds = (qi: QueueIndex, items: QueuedItem[]) => {
    for (const i of items) if (!known[qi]!.includes(i.entryId)) known[qi]!.push(i.entryId);
  };

  for (const o of ops) {
    switch (o.t) {
      case 'enqueue':
        await enqueue(o.q, o.size, o.unicode, o.dedupe);
        break;
      case 'read': {
        const expected = model.take(o.q, o.max, o.budget);
        const got = await queue.read(QUEUES[o.q], o.max, 0, undefined, o.budget);
        handOut(got, expected, seenIds);
        noteIds(o.q, got);
        break;
      }
      case 'ack':
      case 'release': {
        const ids = known[o.q]!.length === 0 ? [] : o.picks.map((p) => known[o.q]![p % known[o.q]!.length]!);
        if (o.bogus) ids.push('0-0');
        for (const id of ids) {
          const e = seenIds.get(id);
          if (!e) continue;
          if (o.t === 'ack') e.state = 'acked';
          else if (e.state === 'held') e.state = 'queued';
        }
        await queue[o.t](QUEUES[o.q], ids);
        break;
      }
      case 'dropClaims':
        for (const k of o.keys) model.claims.delete(claimKey(o.q, k));
        await queue.dropClaims(QUEUES[o.q], o.keys.map((k) => claimKey(o.q, k)));
        break;
      case 'forget': {
        const empty = model.live(o.q).length === 0;
        expect(await queue.forget(QUEUES[o.q])).toBe(empty);
        if (empty) {
          model.forgotten.add(o.q);
          expect(await queue.queueKeys()).not.toContain(QUEUES[o.q]);
        }
        break;
      }
      case 'tick':
        model.now += o.ms;
        break;
      case 'blockingReads': {
        // Readers waiting on a queue with nothing to hand out (a worker first takes what there is), woken by
        // what makes something available.
        const first = await queue.read(QUEUES[o.q], 1_000, 0);
        handOut(first, model.take(o.q, 1_000, undefined), seenIds);
        noteIds(o.q, first);
        await new Promise((resolve) => setImmediate(resolve)); // earlier enqueues' wake-ups are past: only this step's wakes them
        const abort = new AbortController();
        const reads = o.maxes.map((max) => queue.read(QUEUES[o.q], max, 600_000, abort.signal));
        const held = model.entries[o.q]!.filter((e) => e.state === 'held');
        let woken = false;
        if (o.wake === 'release' && held.length > 0) {
          held[0]!.state = 'queued';
          await queue.release(QUEUES[o.q], [held[0]!.entryId!]);
          woken = true;
        } else if (o.wake !== 'abort') woken = (await enqueue(o.q, o.size, false, undefined)) === 'queued';
        if (!woken) abort.abort();
        const got = await Promise.all(reads);
        // Each reader's entries are distinct, oldest first; together they are the oldest queued ones.
        const all = got.flat();
        const expected = model.take(o.q, all.length, undefined);
        const byId = new Map(all.map((i) => [i.notification.id, i]));
        expect(byId.size).toBe(all.length);
        expect([...byId.keys()].sort()).toEqual(expected.map((e) => e.n.id).sort());
        for (const items of got) {
          const positions = items.map((i) => expected.findIndex((e) => e.n.id === i.notification.id));
          expect(positions).toEqual([...positions].sort((x, y) => x - y));
        }
        if (woken) expect(all.length).toBeGreaterThan(0);
        else expect(all).toEqual([]);
        handOut(expected.map((e) => byId.get(e.n.id)!), expected, seenIds);
        noteIds(o.q, all);
        break;
      }
    }
    for (const qi of [0, 1] as const) {
      const live = model.live(qi);
      expect(await queue.depth(QUEUES[qi])).toBe(live.length);
      expect(await queue.oldestEnqueuedAt(QUEUES[qi])).toBe(live.length === 0 ? undefined : Math.min(...live.map((e) => e.enqueuedAt)));
      if (live.length > 0) expect(await queue.queueKeys()).toContain(QUEUES[qi]);
    }
  }

  // At the end, everything not acked is still there: released, it all comes back, in order, exactly as sent.
  for (const qi of [0, 1] as const) {
    const held = model.entries[qi]!.filter((e) => e.state === 'held');
    for (const e of held) e.state = 'queued';
    await queue.release(QUEUES[qi], held.map((e) => e.entryId!));
    handOut(await queue.read(QUEUES[qi], 1_000, 0), model.take(qi, 1_000, undefined), seenIds);
    expect(await queue.read(QUEUES[qi], 1_000, 0)).toEqual([]);
  }
}

describe('memory queue against a reference model (fast-check)', () => {
  it('hands out every unacked entry once at a time, in order, within budgets; depth, age and dedupe as the model says', { timeout }, async () => {
    await fc.assert(fc.asyncProperty(setup, fc.array(op, { maxLength: 60 }), run), { numRuns: RUNS });
  });

  it('packed blocks: released into, acked out of, read up to a budget in the middle', { timeout }, async () => {
    // A fixed walk through the cases the random runs reach only now and then: blocks of three behind one entry.
    const cfg = { maxPerQueue: 50, packFromDepth: 1, packBlock: 3 };
    const ops: Op[] = [
      ...Array.from({ length: 3 }, (): Op => ({ t: 'enqueue', q: 0, size: 100, unicode: true, dedupe: undefined })),
      { t: 'read', q: 0, max: 2, budget: undefined }, // the head, and the first of the open block
      { t: 'release', q: 0, picks: [1], bogus: false }, // back into the open block, which the next enqueue fills and packs
      ...Array.from({ length: 7 }, (): Op => ({ t: 'enqueue', q: 0, size: 100, unicode: false, dedupe: undefined })),
      { t: 'ack', q: 0, picks: [1], bogus: false }, // acked while packed, never read again
      { t: 'read', q: 0, max: 10, budget: { maxBytes: 700, heldBytes: 0 } }, // unpacks the block, stops inside it
      { t: 'read', q: 0, max: 3, budget: { maxBytes: 700, heldBytes: 100 } }, // the rest of it, within what is held
      { t: 'ack', q: 0, picks: [0, 2], bogus: false },
      { t: 'read', q: 0, max: 10, budget: undefined },
    ];
    await run(cfg, ops);
  });
});
