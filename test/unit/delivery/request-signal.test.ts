import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { requestSignal } from '../../../src/delivery/request-signal.js';

describe('requestSignal', () => {
  it('aborts with a TimeoutError once the time is up', async () => {
    const { signal, dispose } = requestSignal(new AbortController().signal, 20);
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    expect((signal.reason as Error).name).toBe('TimeoutError');
    dispose();
  });

  it("follows the caller's signal, with its reason, and an already aborted one at once", () => {
    const outer = new AbortController();
    const { signal, dispose } = requestSignal(outer.signal, 60_000);
    expect(signal.aborted).toBe(false);
    outer.abort(new Error('worker stopping'));
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('worker stopping');
    dispose();
    const late = requestSignal(outer.signal, 60_000);
    expect(late.signal.aborted).toBe(true);
    late.dispose();
  });

  it("leaves nothing on a long-lived caller's signal once each request is disposed", () => {
    const worker = new AbortController();
    for (let i = 0; i < 1_000; i++) requestSignal(worker.signal, 60_000).dispose();
    expect(getEventListeners(worker.signal, 'abort')).toHaveLength(0);
    const open = requestSignal(worker.signal, 60_000);
    expect(getEventListeners(worker.signal, 'abort')).toHaveLength(1);
    open.dispose();
  });

  it('a disposed request is not aborted by its timer later', async () => {
    const { signal, dispose } = requestSignal(undefined, 10);
    dispose();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(signal.aborted).toBe(false);
  });
});
