import { describe, expect, it } from 'vitest';
import type { RawResponse } from '../../../src/delivery/discord-sender.js';
import { WebhookWorker } from '../../../src/delivery/worker.js';
import { createLogger } from '../../../src/lib/logger.js';
import { okAnswer, workerHarness, workerNotification, type Answer } from '../../helpers/worker-harness.js';

interface Line {
  level: number;
  msg: string;
  webhookId?: string;
  err?: string;
  detail?: string;
  failedForMs?: number;
}

/** Cloudflare's 502 page names a Ray ID of its own in every answer: the same error, not a new one to log. */
const badGateway = (n: number): RawResponse => ({ status: 502, headers: {}, body: `<html><head><title>502</title></head><body>502 Bad gateway. Cloudflare Ray ID: 8f1c${n}a2b</body></html>`, elapsedMs: 1 });
const serverError: RawResponse = { status: 500, headers: {}, body: { message: '500: Internal Server Error', code: 0 }, elapsedMs: 1 };
const unknownWebhook: RawResponse = { status: 404, headers: {}, body: { message: 'Unknown Webhook', code: 10015 }, elapsedMs: 1 };
const cloudflareBan = (retryAfter: number): RawResponse => ({ status: 429, headers: { 'retry-after': String(retryAfter) }, body: { message: 'You are being blocked from accessing our API temporarily', code: 0 }, elapsedMs: 1 });

/** A worker over the harness whose log lines are kept; delivers each notification as its own batch. */
function loggedWorker(answer: Answer) {
  const h = workerHarness(answer);
  const lines: Line[] = [];
  // The server's logger, redaction included: each line must still say which webhook it is about.
  const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as Line) });
  const sender = {
    // Recorded as the harness's own sender does.
    post: async (w: { id: string }, message: Parameters<Answer>[0]) => {
      h.posts.push(message);
      h.postedTo.push(w.id);
      return answer(message, h.posts.length, w.id);
    },
    get: async () => okAnswer(0),
  };
  const worker = new WebhookWorker(h.queueKey, { config: () => h.config, store: h.store, state: h.state, sender: () => sender, recorder: h.recorder, rerouter: h.rerouterFor(), clock: h.clock, random: () => 0.5, logger });
  const deliver = async (id: string) => {
    await h.store.queue.enqueue(h.queueKey, workerNotification(id));
    await worker.deliver(await h.store.queue.read(h.queueKey, 100, 0), new AbortController().signal);
  };
  return { h, lines, deliver };
}

const summary = (lines: Line[]) => lines.map((l) => [l.level >= 50 ? 'error' : l.level >= 40 ? 'warn' : 'info', l.msg]);

describe('worker: what the log says about Discord (architecture.md: log a retry only when its error changes)', () => {
  it('warns when requests start failing and when the error changes, once more when Discord answers again; nothing per request', async () => {
    // a: four 502s (the first send and 3 retries), dead-lettered; b: a 500 opens the breaker, a failed probe, then 200.
    const { h, lines, deliver } = loggedWorker((_m, n) => (n <= 4 ? badGateway(n) : n <= 6 ? serverError : okAnswer(n)));
    await deliver('a');
    await deliver('b');
    expect(h.posts).toHaveLength(7);
    expect(await h.deadLetterIds()).toEqual(['a']);
    expect(summary(lines)).toEqual([
      ['warn', expect.stringContaining('Discord requests fail')],
      ['warn', expect.stringContaining('Discord requests fail')],
      ['info', expect.stringContaining('Discord answers again')],
    ]);
    expect(lines.every((l) => l.webhookId === h.queueKey)).toBe(true);
    expect(lines[0]!.err).toContain('HTTP 502');
    expect(lines[1]!.err).toContain('HTTP 500');
    expect(lines[2]!.failedForMs).toBeGreaterThan(0);
  });

  it('says once, as an error naming Discord\'s answer, that the webhook was refused and marked broken', async () => {
    const { h, lines, deliver } = loggedWorker(() => unknownWebhook);
    await deliver('a');
    await deliver('b'); // rerouted without a request: nothing more to say
    expect(h.posts).toHaveLength(1);
    expect(summary(lines)).toEqual([['error', expect.stringContaining('marked broken')]]);
    expect(lines[0]).toMatchObject({ webhookId: h.queueKey });
    expect(lines[0]!.detail).toContain('Unknown Webhook');
  });

  it('warns once when a Cloudflare ban pauses every webhook, and says when requests pass again', async () => {
    // Two bans in a row, the second longer (its own `Retry-After`): still the one pause to tell.
    const { h, lines, deliver } = loggedWorker((_m, n) => (n <= 2 ? cloudflareBan(300 * n) : okAnswer(n)));
    await deliver('a');
    expect(h.posts).toHaveLength(3);
    expect(summary(lines)).toEqual([
      ['warn', expect.stringContaining('paused every webhook')],
      ['info', expect.stringContaining('again')],
    ]);
    expect(lines[0]!.err).toContain('cloudflare');
  });
});
