import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { Intake, IntakeResult } from '../../../src/delivery/intake-types.js';
import { otlpRoutes } from '../../../src/http/routes/otlp.js';
import type { AlertGroup } from '../../../src/model/alert.js';
import { parseOtlpLogs } from '../../../src/sources/otlp/parse.js';
import { createOtlpFloodControl, type OtlpFloodControl } from '../../../src/sources/otlp/flood.js';

const JSON_TYPE = 'application/json';
const OK = (groups: AlertGroup[]): IntakeResult => ({ ok: true, accepted: groups.length, notifications: groups.map((_, i) => `n${i}`), duplicates: 0, skipped: 0, muted: 0 });
const FULL: IntakeResult = { ok: false, reason: 'queue_full', retryAfterSeconds: 30, message: 'full' };

/** otlpRoutes over an intake whose answer `decide` picks per call. */
function harness(flood: OtlpFloodControl, decide: (groups: AlertGroup[]) => IntakeResult) {
  const accepted: AlertGroup[][] = [];
  const intake: Intake = { accept: async (groups) => { const r = decide(groups); if (r.ok) accepted.push(groups); return r; } };
  const app = new Hono().route('/', otlpRoutes({ intake: () => intake, limits: () => ({ bodyLimit: 1 << 20, maxDepth: 64 }), minSeverity: () => 'warning', flood }));
  const post = (body: unknown) => app.request('/v1/logs', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': JSON_TYPE } });
  /** The groups the route would give flood control for `body`. */
  const parse = (body: unknown) => { const p = parseOtlpLogs(body); if (!p.ok) throw new Error('bad test body'); return p.groups; };
  return { post, accepted, parse };
}

/** One resource of `service` with records [severityNumber, body]. */
function logs(service: string, records: [number, string][]) {
  return {
    resourceLogs: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeLogs: [{ logRecords: records.map(([severityNumber, body]) => ({ severityNumber, body: { stringValue: body } })) }],
    }],
  };
}

const repeatedField = (g: AlertGroup | undefined) => g?.alerts[0]?.fields.find((f) => f.name === 'Repeated')?.value;

describe('OTLP flood control and a refused intake', () => {
  it('a pending summary routed to a full queue does not make the sender\'s own records fail (no head-of-line 503)', async () => {
    let now = 0;
    const flood = createOtlpFloodControl({ now: () => now, perServicePerMinute: 1 });
    // The critical queue is full (its webhook is throttled); everything else is fine.
    const h = harness(flood, (groups) => (groups.some((g) => g.alerts[0]?.severity === 'critical') && now > 0 ? FULL : OK(groups)));
    expect((await h.post(logs('payments', [[21, 'panic a'], [21, 'panic b']]))).status).toBe(200); // b suppressed
    now = 61_000; // payments' minute closed: its summary (critical) is due
    const res = await h.post(logs('checkout', [[13, 'slow checkout']]));
    expect(res.status).toBe(200);
    expect(h.accepted.flat().map((g) => g.alerts[0]?.message)).toContain('slow checkout');
  });

  it('a batch retried after a 503 is not counted twice in "Repeated"', async () => {
    let now = 0;
    let full = false;
    const flood = createOtlpFloodControl({ now: () => now });
    const h = harness(flood, (groups) => (full ? FULL : OK(groups)));
    expect((await h.post(logs('api', [[17, 'db down']]))).status).toBe(200);
    now = 1_000;
    full = true;
    const batch = logs('api', [[17, 'db down'], [17, 'db down'], [17, 'other error']]);
    expect((await h.post(batch)).status).toBe(503); // the exporter retries the same batch
    full = false;
    expect((await h.post(batch)).status).toBe(200);
    now = 61_000;
    await h.post(logs('api', [[17, 'db down']]));
    const carried = h.accepted.flat().filter((g) => repeatedField(g) !== undefined);
    // 'db down' happened 2 more times within the window (once per record of the one batch), not 4.
    expect(repeatedField(carried[0])).toMatch(/^2 more times/);
  });

  it('a record folded into a notification that intake then refuses is still sent (concurrent exporters)', async () => {
    let now = 0;
    const flood = createOtlpFloodControl({ now: () => now });
    let refuseFirst: (r: IntakeResult) => void = () => undefined;
    let reachedIntake: () => void = () => undefined;
    const atIntake = new Promise<void>((resolve) => (reachedIntake = resolve));
    const accepted: AlertGroup[][] = [];
    let calls = 0;
    const intake: Intake = {
      accept: (groups) => {
        if (++calls > 1) return (accepted.push(groups), Promise.resolve(OK(groups)));
        reachedIntake();
        return new Promise((resolve) => (refuseFirst = resolve)); // the store is slow, then refuses
      },
    };
    const app = new Hono().route('/', otlpRoutes({ intake: () => intake, limits: () => ({ bodyLimit: 1 << 20, maxDepth: 64 }), minSeverity: () => 'warning', flood }));
    const post = (body: unknown) => app.request('/v1/logs', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': JSON_TYPE } });
    const batch = logs('api', [[17, 'db down']]);
    const first = post(batch); // one of the Collector's consumers: waits on intake
    await atIntake;
    now = 1_000;
    expect((await post(batch)).status).toBe(200); // another consumer: folded into the first, answered 200
    refuseFirst(FULL);
    expect((await first).status).toBe(503);
    now = 200_000; // the first consumer gave up; any later request (or the flusher) sends what is due
    await post(logs('other', [[5, 'tick']]));
    // The record answered 200 reaches Discord, although the notification it was folded into never went out.
    expect(accepted.flat().map((g) => g.alerts[0]?.message)).toEqual(['db down']);
  });

  it('a record folded into a refused notification is not counted twice when the refused batch is retried', async () => {
    let now = 0;
    const flood = createOtlpFloodControl({ now: () => now });
    const batch = logs('api', [[17, 'db down']]);
    const h = harness(flood, OK);
    const [a1] = flood.admit(h.parse(batch)); // the first consumer's record, on its way to intake
    now = 1_000;
    expect(flood.admit(h.parse(batch))).toEqual([]); // another consumer's record: folded, answered 200
    flood.release([a1!]); // intake refused the first: 503
    now = 2_000;
    expect((await h.post(batch)).status).toBe(200); // the retry
    now = 200_000;
    await h.post(logs('other', [[5, 'tick']]));
    // Two records: one notification, and one more counted (as "Repeated" on a count-only summary).
    const sent = h.accepted.flat();
    expect(sent.map((g) => g.alerts[0]?.message)).toEqual(['db down', 'db down']);
    expect(repeatedField(sent[0])).toBeUndefined();
    expect(repeatedField(sent[1])).toMatch(/^1 more time /);
    expect(sent[1]?.dedupeKey).toMatch(/:flush$/);
  });
});
