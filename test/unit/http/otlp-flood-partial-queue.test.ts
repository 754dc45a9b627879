import { Hono } from 'hono';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../src/config/load.js';
import { createIntake } from '../../../src/delivery/intake.js';
import type { Intake } from '../../../src/delivery/intake-types.js';
import { otlpRoutes } from '../../../src/http/routes/otlp.js';
import type { Notification } from '../../../src/model/notification.js';
import { createOtlpFloodControl } from '../../../src/sources/otlp/flood.js';
import { createMemoryStore } from '../../../src/store/memory/index.js';
import type { NotificationQueue } from '../../../src/store/types.js';

/**
 * The real intake tries every notification and answers queue_full at the end: a 503 batch may have had some
 * of its records queued. Flood control must neither report a count twice nor lose one for those records.
 */
function harness(now: () => number) {
  const config = loadConfigOrThrow({ env: { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/general-token' }, yaml: '' }).config;
  const store = createMemoryStore({ queueSize: 1000, historyMaxEntries: 100, historyRetentionMs: 86_400_000 });
  const full = new Set<string>(); // record bodies whose queue is full
  let hold: Promise<void> | undefined; // the store is slow for the next enqueue
  let reached: () => void = () => undefined;
  const atStore = new Promise<void>((resolve) => (reached = resolve));
  const queued: Notification[] = [];
  const queue = {
    enqueue: async (key, n, dedupe) => {
      reached();
      if (hold) await hold;
      if (full.has(n.alerts[0]?.message ?? '')) return 'full';
      return store.queue.enqueue(key, n, dedupe);
    },
  } as NotificationQueue;
  const intake: Intake = createIntake({ config: () => config, queue, logger: pino({ level: 'silent' }), now, onQueued: (n) => queued.push(n) });
  const flood = createOtlpFloodControl({ now });
  const app = new Hono().route('/', otlpRoutes({ intake: () => intake, limits: () => ({ bodyLimit: 1 << 20, maxDepth: 64 }), minSeverity: () => 'warning', flood }));
  const post = (body: unknown) => app.request('/v1/logs', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { post, full, queued, atStore, setHold: (p: Promise<void> | undefined) => (hold = p) };
}

function logs(service: string, records: [number, string][]) {
  return {
    resourceLogs: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeLogs: [{ logRecords: records.map(([severityNumber, body]) => ({ severityNumber, body: { stringValue: body } })) }],
    }],
  };
}

/** Every count of repeats the queued notifications report for `body`. */
const reportedRepeats = (queued: Notification[], body: string) =>
  queued.flatMap((n) => n.alerts).filter((a) => a.message === body).flatMap((a) => a.fields.filter((f) => f.name === 'Repeated').map((f) => Number.parseInt(f.value, 10)));

describe('OTLP flood control over an intake that queued part of a 503 batch', () => {
  it('a count carried by a record that was queued in a 503 batch is not sent again on its own', async () => {
    let now = 0;
    const h = harness(() => now);
    expect((await h.post(logs('api', [[17, 'db down'], [17, 'db down']]))).status).toBe(200); // one sent, one folded
    now = 70_000; // past the window: the next 'db down' carries "Repeated: 1"
    h.full.add('cpu hot');
    const batch = logs('api', [[17, 'db down'], [17, 'cpu hot']]);
    expect((await h.post(batch)).status).toBe(503); // 'db down' (with its count) queued, 'cpu hot' not
    expect(reportedRepeats(h.queued, 'db down')).toEqual([1]);
    h.full.clear();
    now = 125_000; // the exporter retries after Retry-After and its backoff
    expect((await h.post(batch)).status).toBe(200);
    now = 1_000_000;
    await h.post(logs('other', [[17, 'tick']])); // everything due is flushed
    expect(h.queued.map((n) => n.alerts[0]?.message).filter((m) => m === 'cpu hot')).toHaveLength(1);
    // One record was folded: its count reaches Discord once.
    expect(reportedRepeats(h.queued, 'db down')).toEqual([1]);
  });

  it('a record another request folded into one that was queued in a 503 batch is still counted', async () => {
    let now = 0;
    const h = harness(() => now);
    h.full.add('cpu hot');
    let slowDone: () => void = () => undefined;
    h.setHold(new Promise<void>((resolve) => (slowDone = resolve)));
    const first = h.post(logs('api', [[17, 'db down'], [17, 'cpu hot']])); // one consumer: waits on the store
    await h.atStore;
    h.setHold(undefined);
    now = 1_000;
    expect((await h.post(logs('api', [[17, 'db down']]))).status).toBe(200); // another consumer: folded, answered 200
    slowDone();
    expect((await first).status).toBe(503); // 'db down' queued, 'cpu hot' refused
    now = 1_000_000; // the first consumer gave up; the flush sends what is due
    await h.post(logs('other', [[17, 'tick']]));
    // Two 'db down' records were answered 200 or queued: one notification, one more counted.
    expect(h.queued.filter((n) => n.alerts[0]?.message === 'db down')).not.toHaveLength(0);
    expect(reportedRepeats(h.queued, 'db down')).toEqual([1]);
  });
});
