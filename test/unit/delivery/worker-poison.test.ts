import { describe, expect, it, vi } from 'vitest';
import { workerHarness, workerNotification } from '../../helpers/worker-harness.js';

// Stands for a rendering bug that only one notification triggers (or an entry another version wrote).
vi.mock('../../../src/render/notification.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/render/notification.js')>();
  return {
    ...real,
    renderNotification: (n: Parameters<typeof real.renderNotification>[0], ...rest: unknown[]) => {
      if (n.id === 'poison') throw new TypeError('cannot read properties of undefined');
      return (real.renderNotification as (...a: unknown[]) => ReturnType<typeof real.renderNotification>)(n, ...rest);
    },
  };
});

describe('worker: a notification that cannot be rendered', () => {
  it('is dead-lettered with the error, and the rest of its batch is delivered', async () => {
    const h = workerHarness();
    await h.deliverBatch(workerNotification('a'), workerNotification('poison'), workerNotification('c'));
    const dead = await h.store.deadLetters.list(10);
    expect(dead.map((d) => d.id)).toEqual(['poison']);
    expect(dead[0]!.reason).toBe('unexpected');
    expect(dead[0]!.error).toContain('cannot be rendered');
    expect((await h.store.history.list({ outcome: 'sent' })).map((e) => e.id).sort()).toEqual(['a', 'c']);
    expect(await h.store.queue.depth(h.queueKey)).toBe(0);
  });

  it('does not hold up its queue: a running worker delivers what is queued behind it', async () => {
    const h = workerHarness();
    for (const n of [workerNotification('poison'), workerNotification('b')]) await h.store.queue.enqueue(h.queueKey, n);
    const stop = new AbortController();
    const running = h.worker.run(stop.signal);
    await expect.poll(async () => (await h.store.history.list({ outcome: 'sent' })).map((e) => e.id)).toEqual(['b']);
    stop.abort();
    await running;
    expect((await h.deadLetterIds())).toEqual(['poison']);
  });
});
