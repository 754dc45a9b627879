import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../src/config/load.js';
import { createIntake } from '../../../src/delivery/intake.js';
import { createLogger } from '../../../src/lib/logger.js';
import type { AlertGroup } from '../../../src/model/alert.js';
import { parseGeneric } from '../../../src/sources/generic/parse.js';
import { createMemoryStore } from '../../../src/store/memory/index.js';

interface Line {
  level: number;
  msg: string;
  queue?: string;
  err?: string;
  failedForMs?: number;
}

function groupsOf(body: unknown): AlertGroup[] {
  const parsed = parseGeneric(body);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.groups;
}

describe('intake: a full queue in the log (scenario: DISCORD_QUEUE_SIZE reached while Discord is slow)', () => {
  // Ingest answers 503 for every alert of that type; the metric counts them, but the log said nothing at
  // all (the request lines are debug): one warning when the queue starts refusing, one line when it takes again.
  it('warns once when a queue starts refusing, not per request, and says once when it takes notifications again', async () => {
    const config = loadConfigOrThrow({ env: { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/general-token', DISCORD_WEBHOOK_ERRORS: 'https://discord.com/api/webhooks/2/errors-token', DISCORD_QUEUE_SIZE: '2' }, yaml: '' }).config;
    const store = createMemoryStore({ queueSize: 2, historyMaxEntries: 100, historyRetentionMs: 86_400_000 });
    const lines: Line[] = [];
    let now = 1_800_000_000_000;
    const intake = createIntake({ config: () => config, queue: store.queue, logger: createLogger('info', { write: (l: string) => void lines.push(JSON.parse(l) as Line) }), now: () => now });
    const results = [];
    for (let i = 0; i < 6; i++) {
      results.push((await intake.accept(groupsOf({ alert_type: 'error', title: `E${i}`, message: 'm' }))).ok);
      now += 1_000;
    }
    expect(results).toEqual([true, true, false, false, false, false]);
    // The worker sends what was queued; the queue takes the next one.
    const held = await store.queue.read('2', 10, 0);
    await store.queue.ack('2', held.map((i) => i.entryId));
    expect((await intake.accept(groupsOf({ alert_type: 'error', title: 'E-after', message: 'm' }))).ok).toBe(true);
    expect(await intake.accept(groupsOf({ alert_type: 'error', title: 'E-after-2', message: 'm' }))).toMatchObject({ ok: true });
    expect(lines.map((l) => [l.level >= 40 ? 'warn' : 'info', l.queue, l.msg])).toEqual([
      ['warn', '2', expect.stringContaining('queue full')],
      ['info', '2', expect.stringContaining('queue takes notifications again')],
    ]);
    expect(lines[0]!.err).toContain('"error"');
    expect(lines[1]!.failedForMs).toBe(4_000);
  });
});

describe('intake: a store outage in the log (scenario: Redis down for minutes while Alertmanager retries)', () => {
  // Every request is refused alike (503, the sender retries): one error line per request flooded the log
  // for the length of the outage. Now one when it starts, one when the error changes, one when it is back.
  it('logs the outage once, again when its error changes, and once when the store takes notifications again', async () => {
    const config = loadConfigOrThrow({ env: { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/general-token' }, yaml: '' }).config;
    const store = createMemoryStore({ queueSize: 100, historyMaxEntries: 100, historyRetentionMs: 86_400_000 });
    const errors = ['redis unreachable', 'redis unreachable', 'redis unreachable', 'Command timed out', 'Command timed out'];
    const enqueue = store.queue.enqueue.bind(store.queue);
    store.queue.enqueue = async (...args) => {
      const err = errors.shift();
      if (err) throw new Error(err);
      return enqueue(...args);
    };
    const lines: Line[] = [];
    let now = 1_800_000_000_000;
    const intake = createIntake({ config: () => config, queue: store.queue, logger: createLogger('info', { write: (l: string) => void lines.push(JSON.parse(l) as Line) }), now: () => now });
    const answers = [];
    for (let i = 0; i < 7; i++) {
      answers.push(await intake.accept(groupsOf({ title: `A${i}`, message: 'm' })));
      now += 1_000;
    }
    expect(answers.map((a) => (a.ok ? 'ok' : a.reason))).toEqual(['unavailable', 'unavailable', 'unavailable', 'unavailable', 'unavailable', 'ok', 'ok']);
    expect(lines.map((l) => [l.level >= 50 ? 'error' : l.level >= 40 ? 'warn' : 'info', l.msg, l.err])).toEqual([
      ['error', expect.stringContaining('store unavailable: cannot enqueue'), 'Error: redis unreachable'],
      ['error', expect.stringContaining('store unavailable: cannot enqueue'), 'Error: Command timed out'],
      ['info', 'store takes notifications again', undefined],
    ]);
    expect(lines[2]!.failedForMs).toBe(5_000);
  });
});
