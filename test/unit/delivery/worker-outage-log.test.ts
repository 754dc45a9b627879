import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { WebhookWorker } from '../../../src/delivery/worker.js';
import type { RawResponse } from '../../../src/delivery/discord-sender.js';
import { okAnswer, workerHarness, workerNotification } from '../../helpers/worker-harness.js';

interface Line {
  level: number;
  msg: string;
  webhookId?: string;
}

describe('worker: a Discord outage in the log', () => {
  // A message that used its retries while the webhook's GET fails too waits instead of going to dead letters;
  // the operator reads why once (not once per probe), under the webhook's id.
  it('says once, with the webhook id, that a message used its retries but Discord does not answer the webhook; the message is then sent', async () => {
    const h = workerHarness();
    const lines: Line[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Line) });
    const gateway: RawResponse = { status: 502, headers: {}, body: '<html>Bad Gateway</html>', elapsedMs: 1 };
    let gets = 0;
    let posts = 0;
    const sender = {
      post: async () => (gets < 2 ? gateway : okAnswer(++posts)),
      get: async () => (++gets <= 2 ? gateway : okAnswer(0)),
    };
    const worker = new WebhookWorker(h.queueKey, { config: () => h.config, store: h.store, state: h.state, sender: () => sender, recorder: h.recorder, rerouter: h.rerouterFor(), clock: h.clock, random: () => 0.5, logger });
    await h.store.queue.enqueue(h.queueKey, workerNotification('a'));
    await worker.deliver(await h.store.queue.read(h.queueKey, 100, 0), new AbortController().signal);
    expect(gets).toBe(2);
    expect((await h.store.history.list({ outcome: 'sent' })).map((e) => e.id)).toEqual(['a']);
    const outage = lines.filter((l) => l.msg.includes('Discord does not answer the webhook at all'));
    expect(outage).toHaveLength(1);
    expect(outage[0]).toMatchObject({ level: 40, webhookId: h.queueKey });
  });
});
