import { describe, expect, it } from 'vitest';
import type { RawResponse } from '../../../src/delivery/discord-sender.js';
import { HISTORY_LIST_MAX } from '../../../src/delivery/recorder.js';
import { invalidBodyAnswer, okAnswer, workerHarness, workerNotification } from '../../helpers/worker-harness.js';

const throttled: RawResponse = {
  status: 429,
  headers: { 'retry-after': '1', 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': '1', 'x-ratelimit-scope': 'user' },
  body: { message: 'You are being rate limited.', retry_after: 1, global: false },
  elapsedMs: 1,
};
const serverError: RawResponse = { status: 500, headers: {}, body: 'oops', elapsedMs: 1 };

describe("worker: what history says it took", () => {
  it('a 429 waited out is an attempt but not a retry (as the retries metric counts)', async () => {
    const h = workerHarness((_m, n) => (n === 1 ? throttled : okAnswer(n)));
    await h.deliverBatch(workerNotification('a'));
    const [entry] = await h.store.history.list({});
    expect(entry).toMatchObject({ id: 'a', retries: 0, lastFailureReason: 'throttled', outcome: { status: 'sent', attempts: 2 } });
  });

  it('a 5xx re-sent after backoff is a retry', async () => {
    const h = workerHarness((_m, n) => (n === 1 ? serverError : okAnswer(n)));
    await h.deliverBatch(workerNotification('a'));
    const [entry] = await h.store.history.list({});
    expect(entry).toMatchObject({ id: 'a', retries: 1, lastFailureReason: 'server_error', outcome: { status: 'sent', attempts: 2 } });
  });
});

describe('worker: history of a notification split into several messages', () => {
  const invalid: RawResponse = { status: 400, headers: {}, body: { code: 50035, message: 'Invalid Form Body' }, elapsedMs: 1 };

  it('dead-lettered after its first message went out: history keeps that message id, and every attempt and retry', async () => {
    // The first message is in the channel; the second fails for good (a 5xx, retried, then a 400).
    const h = workerHarness((_m, n) => (n === 1 ? okAnswer(n) : n === 2 ? serverError : invalid));
    await h.deliverBatch(workerNotification('big', 25)); // three messages in full (10 embeds each)
    expect(h.posts.length).toBe(3);
    const entry = await h.store.history.get('big');
    expect(entry).toMatchObject({ retries: 1, outcome: { status: 'dead_lettered', reason: 'invalid_body', attempts: 3, messageIds: ['m1'] } });
  });
});

describe('worker: history of a split notification resent after a 400 on a packed message', () => {
  it('names the message its first alerts went out in, and counts the refused request', async () => {
    // [a, b-head] goes out as m1; [b-tail, c] is refused once: b's rest goes out alone.
    const h = workerHarness((_m, n) => (n === 2 ? invalidBodyAnswer : okAnswer(n)));
    await h.deliverBatch(workerNotification('a'), workerNotification('b', 120), workerNotification('c'));
    const entry = await h.store.history.get('b');
    const restPosts = h.posts.length - 2 - 1; // all but m1, the refused one and c's resend
    expect(entry?.outcome.status).toBe('sent');
    expect(entry?.outcome.messageIds[0]).toBe('m1');
    expect(entry?.outcome.messageIds).toHaveLength(1 + restPosts);
    expect(entry).toMatchObject({ lastFailureReason: 'invalid_body', outcome: { attempts: 2 + restPosts } });
  });
});

describe('worker: history of a notification with a huge title', () => {
  it('keeps the title and alert names cut as Discord showed them, not the megabyte the sender posted', async () => {
    const h = workerHarness();
    const n = workerNotification('huge');
    const title = 'T'.repeat(1_000_000);
    n.alerts[0] = { ...n.alerts[0]!, title, labels: {} }; // no alertname: the title names it
    await h.deliverBatch(n);
    const entry = await h.store.history.get('huge');
    expect(entry?.outcome.status).toBe('sent');
    expect([...entry!.title].length).toBeLessThanOrEqual(256);
    expect(entry!.title.startsWith('TTTT')).toBe(true);
    expect(entry!.alertNames.map((a) => [...a].length)).toEqual([256]);
  });

  it('a cut title still says how many more alerts the notification carried', async () => {
    const h = workerHarness();
    const n = workerNotification('many', 3);
    n.alerts[0] = { ...n.alerts[0]!, title: 'T'.repeat(100_000) };
    await h.deliverBatch(n);
    const entry = await h.store.history.get('many');
    expect(entry?.title).toBe(`${'T'.repeat(255)}… (+2)`);
    expect(entry?.alertNames).toEqual(['many-0', 'many-1', 'many-2']);
  });
});

describe('worker: history of a notification of thousands of alerts', () => {
  // Kept for the whole retention, up to 10,000 entries: every fingerprint of groups of thousands of alerts
  // (Alertmanager max_alerts 0) made a storm's history alone hundreds of MB.
  it(`lists at most ${HISTORY_LIST_MAX} alert names and fingerprints, the first ones, and the title counts them all`, async () => {
    const h = workerHarness();
    await h.deliverBatch(workerNotification('storm', 1_000));
    const entry = await h.store.history.get('storm');
    expect(entry?.outcome.status).toBe('sent');
    expect(entry?.fingerprints).toEqual(Array.from({ length: HISTORY_LIST_MAX }, (_, i) => `storm-${i}`));
    expect(entry?.alertNames).toHaveLength(HISTORY_LIST_MAX);
    expect(entry?.title).toMatch(/\(\+999\)$/);
  });
});
