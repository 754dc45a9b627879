import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { OutcomeRecorder } from '../../../src/delivery/recorder.js';
import { createMemoryStore } from '../../../src/store/memory/index.js';
import { workerNotification } from '../../helpers/worker-harness.js';

/** A logger whose warn lines are kept. */
function capturingLogger() {
  const lines: { msg: string; err?: string }[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line) as { msg: string; err?: string }) });
  return { logger, lines };
}

describe('OutcomeRecorder: history and statistics that cannot be written', () => {
  // Best effort (a store hiccup must not undo a delivery), but not silent: a dashboard with holes and no
  // word why sends an operator looking in the wrong place.
  it('logs a failed write once per error, again after writes worked in between; the delivery stands', async () => {
    const store = createMemoryStore({ queueSize: 10, historyMaxEntries: 100, historyRetentionMs: 86_400_000, now: () => 1_000 });
    let failing: string | undefined = 'READONLY You can\'t write against a read only replica.';
    const record = store.history.record.bind(store.history);
    store.history.record = async (entry) => {
      if (failing) throw new Error(failing);
      return record(entry);
    };
    const { logger, lines } = capturingLogger();
    const recorder = new OutcomeRecorder({ store, now: () => 1_000, logger });
    const deliver = (id: string) => recorder.recordDelivered({ entryId: id, notification: workerNotification(id), enqueuedAt: 0 }, 'sent', { messageIds: ['m'], attempts: 1, retries: 0 });
    const waited = recorder.waitFor('a');
    await deliver('a');
    await expect(waited).resolves.toMatchObject({ status: 'sent' });
    await deliver('b');
    expect(lines.map((l) => l.err)).toEqual([expect.stringContaining('READONLY')]);
    failing = 'OOM command not allowed';
    await deliver('c');
    expect(lines).toHaveLength(2);
    failing = undefined;
    await deliver('d');
    failing = 'OOM command not allowed';
    await deliver('e');
    expect(lines).toHaveLength(3);
    expect(lines[0]!.err).toBe('history: READONLY You can\'t write against a read only replica.');
    expect((await store.history.get('d'))?.outcome.status).toBe('sent');
  });

  it('a statistics write that fails is logged too, named as statistics', async () => {
    const store = createMemoryStore({ queueSize: 10, historyMaxEntries: 100, historyRetentionMs: 86_400_000, now: () => 1_000 });
    store.stats.record = async () => {
      throw new Error('OOM command not allowed');
    };
    const { logger, lines } = capturingLogger();
    const recorder = new OutcomeRecorder({ store, now: () => 1_000, logger });
    await recorder.recordDelivered({ entryId: 'a', notification: workerNotification('a'), enqueuedAt: 0 }, 'sent', { messageIds: ['m'], attempts: 1, retries: 0 });
    expect(lines.map((l) => l.err)).toEqual(['statistics: OOM command not allowed']);
    expect((await store.history.get('a'))?.outcome.status).toBe('sent');
  });

  // The ack of a dead letter may fail after Redis did it (its answer late): the outcome is recorded all the
  // same, and the error still goes up, so the worker releases what the ack may not have done.
  it('a dead letter whose ack fails is recorded and told, and the ack\'s error goes up', async () => {
    const store = createMemoryStore({ queueSize: 10, historyMaxEntries: 100, historyRetentionMs: 86_400_000, now: () => 1_000 });
    store.queue.ack = () => Promise.reject(new Error('Command timed out'));
    const recorder = new OutcomeRecorder({ store, now: () => 1_000, logger: capturingLogger().logger });
    const waited = recorder.waitFor('a');
    const item = { entryId: 'e-a', notification: workerNotification('a'), enqueuedAt: 0 };
    await expect(recorder.deadLetter('1', item, { reason: 'invalid_body', detail: '400', attempts: 1 })).rejects.toThrow('Command timed out');
    await expect(waited).resolves.toMatchObject({ status: 'dead_lettered' });
    expect((await store.history.list({ outcome: 'dead_lettered' })).map((e) => e.id)).toEqual(['a']);
    expect((await store.deadLetters.list(10)).map((d) => d.id)).toEqual(['a']);
  });
});
