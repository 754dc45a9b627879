import { describe, expect, it, vi } from 'vitest';
import { queueTarget } from '../../../src/delivery/queue-target.js';
import { workerHarness, workerNotification } from '../../helpers/worker-harness.js';

// Stands for a packing bug that only a certain pair of notifications triggers: each renders alone (in full
// and packed), but packed together they throw.
const refused = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../../src/render/compact.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/render/compact.js')>();
  return {
    ...real,
    packingsByLevel: (...args: Parameters<typeof real.packingsByLevel>) => {
      const ids = args[0].map((n) => n.id);
      if (ids.includes('x') && ids.includes('y')) {
        refused.count++;
        throw new RangeError('cannot pack x with y');
      }
      return real.packingsByLevel(...args);
    },
  };
});

describe('worker: a batch that renders one by one but cannot be packed together', () => {
  it('sends each notification alone instead of failing the batch, dead-lettering nothing', async () => {
    const h = workerHarness();
    // One free slot (the webhook's rate limit spent but for one request) for two messages: the batch is packed.
    const { limits } = queueTarget(h.config, h.queueKey)!;
    while ((await h.state.status(h.queueKey, limits, h.clock.now())).rateLimit.remaining > 1) {
      expect(await h.state.acquire(h.queueKey, limits, h.clock.now())).toEqual({ ok: true });
    }
    await h.deliverBatch(workerNotification('x'), workerNotification('y'));
    expect(refused.count).toBeGreaterThan(0); // packing them together was tried, and threw
    expect(await h.deadLetterIds()).toEqual([]);
    expect((await h.store.history.list({ outcome: 'sent' })).map((e) => e.id).sort()).toEqual(['x', 'y']);
    // One message each: neither went out with the other.
    expect(h.posts).toHaveLength(2);
    expect(h.postsWith('x-host-0-')).toBe(1);
    expect(h.postsWith('y-host-0-')).toBe(1);
    expect(h.posts.filter((m) => JSON.stringify(m).includes('x-host-0-') && JSON.stringify(m).includes('y-host-0-'))).toEqual([]);
    expect(await h.store.queue.depth(h.queueKey)).toBe(0);
  });
});
