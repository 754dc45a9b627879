import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { WebhookWorker } from '../../../src/delivery/worker.js';
import { workerHarness } from '../../helpers/worker-harness.js';

interface Line {
  level: number;
  msg: string;
  err?: string;
  failedForMs?: number;
}

describe('worker: queue reads that fail (a Redis outage)', () => {
  // architecture.md: "Log a retry only when its error changes". A worker retries its read every second or
  // two; through a long outage it wrote a warning each time, per queue, burying everything else.
  it('warns when reads start failing and when the error changes, and says once, with how long, when they work again', async () => {
    const h = workerHarness();
    const lines: Line[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Line) });
    const errors = [...Array<string>(4).fill('connect ECONNREFUSED 127.0.0.1:6379'), ...Array<string>(3).fill('Command timed out'), 'ok', 'ok', 'Command timed out', 'ok'];
    const stop = new AbortController();
    h.store.queue.read = async () => {
      const next = errors.shift();
      if (next === undefined) stop.abort();
      if (next !== undefined && next !== 'ok') throw new Error(next);
      return [];
    };
    const worker = new WebhookWorker(h.queueKey, { config: () => h.config, store: h.store, state: h.state, sender: () => ({ post: async () => ({ status: 200, headers: {}, body: {}, elapsedMs: 1 }), get: async () => ({ status: 200, headers: {}, body: {}, elapsedMs: 1 }) }), recorder: h.recorder, rerouter: h.rerouterFor(), clock: h.clock, random: () => 0.5, logger });
    await worker.run(stop.signal);
    expect(lines.map((l) => [l.level >= 40 ? 'warn' : 'info', l.err ?? l.failedForMs])).toEqual([
      ['warn', 'Error: connect ECONNREFUSED 127.0.0.1:6379'],
      ['warn', 'Error: Command timed out'],
      ['info', 7_000], // seven failed reads, each followed by a one-second pause (virtual clock)
      ['warn', 'Error: Command timed out'],
      ['info', 1_000],
    ]);
  });
});
