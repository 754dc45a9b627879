import { compressSync } from 'lz4-napi';
import { describe, expect, it, vi } from 'vitest';
import type { Notification } from '../../../src/model/notification.js';
import { MemoryQueue, PACK_FROM_DEPTH } from '../../../src/store/memory/queue.js';

// The real LZ4, watched: the tests see which blocks were packed and how small they came out.
vi.mock('lz4-napi', async (importOriginal) => {
  const lz4 = await importOriginal<typeof import('lz4-napi')>();
  return { ...lz4, compressSync: vi.fn(lz4.compressSync) };
});
const packCalls = vi.mocked(compressSync);

/** Entries behind a backlog are kept compressed (bench "rss"): what comes out must be exactly what went in. */
function notification(id: string, text: string): Notification {
  return {
    id,
    alertType: 'general',
    source: 'alertmanager',
    status: 'firing',
    alerts: Array.from({ length: 5 }, (_, i) => ({
      source: 'alertmanager' as const, status: 'firing' as const, severity: 'warning' as const, title: `${text} ${i}`, message: `${text} — détails ✓ 🚨 \u{1F600} "quoted" \\ back`,
      labels: { alertname: 'DiskFull', instance: `web-${i}` }, annotations: { summary: text }, links: [{ title: 'Source', url: 'https://example.com/?q=1' }], fields: [], fingerprint: `fp-${id}-${i}`,
    })),
    truncatedAlerts: 0,
    dedupeKey: `alertmanager:general:${id}`,
    receivedAt: 1_700_000_000_000,
    attempts: 0,
  };
}

describe('MemoryQueue packing', () => {
  it('gives back packed entries unchanged, unicode and all, in order', async () => {
    // a, b as text; [c, d] and [e, f] packed in blocks of two; g waits for its block.
    const q = new MemoryQueue({ maxPerQueue: 100, packFromDepth: 2, packBlock: 2 });
    const sent = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id) => notification(id, `alert ${id} ${'x'.repeat(200)}`));
    packCalls.mockClear();
    for (const n of sent) expect(await q.enqueue('w', n)).toBe('queued');
    expect(packCalls).toHaveBeenCalledTimes(2);
    const wire = JSON.parse(JSON.stringify(sent)) as Notification[];
    const first = await q.read('w', 3, 0); // unpacks [c, d]; d stays queued
    expect(first.map((i) => i.notification)).toEqual(wire.slice(0, 3));
    await q.release('w', [first[2]!.entryId]);
    const rest = await q.read('w', 10, 0);
    expect(rest.map((i) => i.notification)).toEqual(wire.slice(2));
    await q.ack('w', rest.map((i) => i.entryId));
    expect(await q.depth('w')).toBe(2);
  });

  it('does not pack entries already handed out', async () => {
    const q = new MemoryQueue({ maxPerQueue: 100, packFromDepth: 1, packBlock: 3 });
    await q.enqueue('w', notification('a', 'first'));
    await q.enqueue('w', notification('b', 'second')); // open block [b]
    const [a, b] = await q.read('w', 2, 0);
    expect(b?.notification.id).toBe('b');
    const [c, d] = [notification('c', 'third'), notification('d', 'fourth')];
    await q.enqueue('w', c);
    packCalls.mockClear();
    await q.enqueue('w', d); // block full: packs [c, d], skips b (in flight)
    expect(String(packCalls.mock.calls[0]?.[0])).toBe(JSON.stringify(c) + JSON.stringify(d));
    await q.ack('w', [a!.entryId, b!.entryId]);
    expect((await q.read('w', 10, 0)).map((i) => i.notification.id)).toEqual(['c', 'd']);
  });

  it('packs a backlog of alike alerts to a fraction of its text', async () => {
    const q = new MemoryQueue({ maxPerQueue: 1000, packFromDepth: 0, packBlock: 32 });
    const sent = Array.from({ length: 32 }, (_, i) => notification(`n${i}`, `disk of web-${i} is 93% full`));
    packCalls.mockClear();
    for (const n of sent) await q.enqueue('w', n);
    const text = sent.map((n) => JSON.stringify(n)).join('');
    expect(packCalls.mock.results[0]?.value.byteLength).toBeLessThan(Buffer.byteLength(text) / 5);
    expect((await q.read('w', 100, 0)).map((i) => i.notification)).toEqual(JSON.parse(JSON.stringify(sent)));
  });

  it('keeps a text form as given, packed or not, and decodes it when read, newlines and all', async () => {
    // A request body (pretty-printed: raw newlines, unicode) instead of the notification's JSON.
    const q = new MemoryQueue({ maxPerQueue: 100, packFromDepth: 1, packBlock: 2 });
    const bodies = ['a', 'b', 'c', 'd'].map((id) => JSON.stringify({ id, note: `détails ✓ 🚨\n"x"` }, null, 2));
    const decoded: string[] = [];
    const form = (text: string) => ({
      text,
      bytes: Buffer.byteLength(text),
      decoder: {
        decode(got: string) {
          decoded.push(got);
          return notification((JSON.parse(got) as { id: string }).id, 'from text');
        },
      },
    });
    packCalls.mockClear();
    for (const text of bodies) await q.enqueue('w', notification('ignored', 'not kept'), undefined, form(text));
    expect(packCalls).toHaveBeenCalledTimes(1); // [b, c]; d waits for its block
    expect(String(packCalls.mock.calls[0]?.[0])).toBe(bodies[1]! + bodies[2]!);
    const read = await q.read('w', 10, 0, undefined, { maxBytes: 1_000_000 });
    expect(decoded).toEqual(bodies);
    expect(read.map((i) => i.notification.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(read.map((i) => i.bytes)).toEqual(bodies.map((b) => Buffer.byteLength(b)));
  });

  it('hands out nothing from a read whose decoding throws', async () => {
    const q = new MemoryQueue({ maxPerQueue: 100 });
    let broken = true;
    const form = (id: string) => ({ text: id, bytes: 1, decoder: { decode: (text: string) => (broken && text === 'b' ? JSON.parse('{') : notification(text, 'ok')) as Notification } });
    for (const id of ['a', 'b']) await q.enqueue('w', notification(id, 'x'), undefined, form(id));
    await expect(q.read('w', 10, 0)).rejects.toThrow();
    broken = false;
    expect((await q.read('w', 10, 0)).map((i) => i.notification.id)).toEqual(['a', 'b']);
  });

  it('leaves a short queue unpacked by default (the latency path)', () => {
    expect(PACK_FROM_DEPTH).toBeGreaterThanOrEqual(50);
  });
});
