import { describe, expect, it } from 'vitest';
import { workerHarness, workerNotification } from '../../helpers/worker-harness.js';

describe('OutcomeRecorder.waitFor', () => {
  it('resolves every waiter of a notification with its outcome and keeps none afterwards', async () => {
    const h = workerHarness();
    const waits = [h.recorder.waitFor('a'), h.recorder.waitFor('a')];
    expect(h.recorder.waiting).toBe(1);
    await h.deliverBatch(workerNotification('a'));
    for (const w of waits) await expect(w).resolves.toMatchObject({ notificationId: 'a', status: 'sent' });
    expect(h.recorder.waiting).toBe(0);
  });

  it('an aborted wait resolves undefined and is dropped (another replica delivered it, or the caller closed)', async () => {
    const h = workerHarness();
    const abort = new AbortController();
    const dropped = h.recorder.waitFor('b', abort.signal);
    const kept = h.recorder.waitFor('b');
    abort.abort();
    await expect(dropped).resolves.toBeUndefined();
    expect(h.recorder.waiting).toBe(1);
    await h.deliverBatch(workerNotification('b'));
    await expect(kept).resolves.toMatchObject({ status: 'sent' });
    expect(h.recorder.waiting).toBe(0);
    await expect(h.recorder.waitFor('c', abort.signal)).resolves.toBeUndefined();
    expect(h.recorder.waiting).toBe(0);
  });
});
