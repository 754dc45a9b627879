import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { WebhookWorker } from '../../../src/delivery/worker.js';
import type { RawResponse } from '../../../src/delivery/discord-sender.js';
import { okAnswer, workerHarness, workerNotification } from '../../helpers/worker-harness.js';

/** Whether the library's `send()` for this queue would answer "held by an outage" at once (no waiting). */
async function heldNow(recorder: ReturnType<typeof workerHarness>['recorder'], queueKey: string): Promise<string | undefined> {
  const stop = new AbortController();
  const held = recorder.waitForHold('a-send-now', queueKey, stop.signal);
  stop.abort();
  return held;
}

describe('worker: a queue held by a Discord outage', () => {
  // The hold tells the library's send() "Discord does not answer; it stays queued and is sent later". Once
  // Discord answers the webhook, whatever the answer, that is no longer true: a webhook deleted during the
  // outage answers 404, its messages go to dead letters, and send() must say so, not "still queued".
  it.each([
    ['sent (200)', okAnswer(1)],
    ['refused (400)', { status: 400, headers: {}, body: { code: 50035, message: 'Invalid Form Body' }, elapsedMs: 1 } as RawResponse],
    ['a deleted webhook (404)', { status: 404, headers: {}, body: { code: 10015, message: 'Unknown Webhook' }, elapsedMs: 1 } as RawResponse],
    ['a revoked token (401)', { status: 401, headers: {}, body: { code: 50027, message: 'Invalid Webhook Token' }, elapsedMs: 1 } as RawResponse],
  ])('is held no more once Discord answers the webhook again: %s', async (_name, answer) => {
    const h = workerHarness();
    const gateway: RawResponse = { status: 502, headers: {}, body: '<html>Bad Gateway</html>', elapsedMs: 1 };
    let gets = 0;
    const sender = {
      // Down until its webhook's GET failed once (the queue is held then), then Discord answers.
      post: async () => (gets < 1 ? gateway : answer),
      get: async () => (++gets <= 1 ? gateway : okAnswer(0)),
    };
    const seen: (string | undefined)[] = [];
    const worker = new WebhookWorker(h.queueKey, { config: () => h.config, store: h.store, state: h.state, sender: () => sender, recorder: h.recorder, rerouter: h.rerouterFor(), clock: h.clock, random: () => 0.5, logger: pino({ level: 'silent' }) });
    void h.recorder.waitForHold('a', h.queueKey).then((detail) => seen.push(detail));
    await h.store.queue.enqueue(h.queueKey, workerNotification('a'));
    await worker.deliver(await h.store.queue.read(h.queueKey, 100, 0), new AbortController().signal);
    expect(gets).toBe(1);
    expect(seen).toHaveLength(1); // it was held
    expect(await heldNow(h.recorder, h.queueKey)).toBeUndefined();
  });
});
