import { describe, expect, it } from 'vitest';
import type { AlertGroup } from '../../../src/model/alert.js';
import type { Severity } from '../../../src/model/severity.js';
import { MAX_TITLE, codePointLength } from '../../../src/render/limits.js';
import { renderNotification } from '../../../src/render/notification.js';
import { createOtlpFloodControl } from '../../../src/sources/otlp/flood.js';

const T0 = Date.parse('2024-05-01T12:00:00Z');

/** One OTLP-like group: one alert with a service, severity and body. */
function record(body: string, service = 'api', severity: Severity = 'error'): AlertGroup {
  return {
    source: 'otlp',
    truncatedAlerts: 0,
    alerts: [
      {
        source: 'otlp', status: 'firing', severity, title: body, message: body,
        labels: service ? { 'service.name': service } : {}, annotations: {}, links: [], fields: [], fingerprint: `${service}-${severity}-${body}`,
      },
    ],
  };
}

function clock() {
  let t = T0;
  return { now: () => t, set: (ms: number) => { t = T0 + ms; } };
}

const repeated = (g: AlertGroup | undefined) => g?.alerts[0]?.fields.find((f) => f.name === 'Repeated')?.value;

describe('OTLP flood control: folding identical records', () => {
  it('sends the first, counts identical ones in the window, and reports the count on the next one after it', () => {
    const c = clock();
    const flood = createOtlpFloodControl({ now: c.now });
    expect(flood.admit([record('db down')])).toHaveLength(1);
    for (let s = 1; s <= 37; s++) {
      c.set(s * 1000);
      expect(flood.admit([record('db down')])).toEqual([]);
    }
    c.set(59_000);
    expect(flood.flush()).toEqual([]);
    c.set(61_000);
    const [next, ...rest] = flood.admit([record('db down')]);
    expect(rest).toEqual([]);
    expect(repeated(next)).toBe('37 more times in 1m after the previous notification');
    expect(next?.alerts[0]?.title).toBe('db down');
    expect(next?.dedupeKey).toMatch(/^otlp-repeat:/);
  });

  // README: a count nobody carried is "titled '… (repeated 37 more times)'". A log line of 256+ characters (a
  // JSON log, an exception message) is a title at the limit: the count was appended and cut off, and the
  // second message read like a duplicate of the first.
  it('keeps "(repeated N more times)" in the rendered title of a long log line', () => {
    const c = clock();
    const flood = createOtlpFloodControl({ now: c.now });
    const line = `{"level":"error","logger":"payments.gateway","msg":"charge failed","order_id":"${'o'.repeat(300)}"}`;
    const long = { ...record(line), alerts: [{ ...record(line).alerts[0]!, title: line.slice(0, 256) }] };
    flood.admit([long]);
    c.set(5_000);
    flood.admit([long, long, long]);
    const [summary] = flood.flush(T0 + 120_000);
    const n = { id: 'n', alertType: 'error', source: 'otlp' as const, status: 'firing' as const, alerts: summary!.alerts, truncatedAlerts: 0, dedupeKey: 'k', receivedAt: T0, attempts: 0 };
    const title = renderNotification(n, { alertType: 'error', color: 0xe67e22 })[0]!.embeds[0]!.title!;
    expect(title).toMatch(/^🔥 FIRING: \{"level":"error".*… \(repeated 3 more times\)$/u);
    expect(codePointLength(title)).toBeLessThanOrEqual(MAX_TITLE);
  });

  // Cut only when the count would not fit: a title that fits with it is kept whole, no "…" in the middle of it.
  it('keeps a title that fits with its count whole', () => {
    const c = clock();
    const flood = createOtlpFloodControl({ now: c.now });
    const count = ' (repeated 3 more times)';
    const line = 'e'.repeat(200 - count.length);
    flood.admit([record(line)]);
    c.set(5_000);
    flood.admit([record(line), record(line), record(line)]);
    const [summary] = flood.flush(T0 + 120_000);
    expect(summary!.alerts[0]!.title).toBe(line + count);
  });

  it('does not fold records that differ in service, severity or body', () => {
    const flood = createOtlpFloodControl({ now: clock().now });
    const out = flood.admit([record('a'), record('a', 'web'), record('a', 'api', 'critical'), record('b'), record('a')]);
    expect(out.map((g) => g.alerts[0]?.fingerprint)).toEqual(['api-error-a', 'web-error-a', 'api-critical-a', 'api-error-b']);
  });

  it('sends the next one plainly when nothing repeated in the window, and honours a custom window', () => {
    const c = clock();
    const flood = createOtlpFloodControl({ windowMs: 10_000, now: c.now });
    flood.admit([record('x')]);
    c.set(10_000);
    const [again] = flood.admit([record('x')]);
    expect(again).toBeDefined();
    expect(repeated(again)).toBeUndefined();
    expect(again?.dedupeKey).toBeUndefined();
  });

  it('sends a count nobody carried on its own once a further window has passed', () => {
    const c = clock();
    const flood = createOtlpFloodControl({ now: c.now });
    flood.admit([record('db down')]);
    c.set(5_000);
    flood.admit([record('db down'), record('db down')]);
    c.set(90_000);
    expect(flood.flush()).toEqual([]);
    const [summary, ...rest] = flood.flush(T0 + 120_000);
    expect(rest).toEqual([]);
    expect(summary?.alerts[0]).toMatchObject({ title: 'db down (repeated 2 more times)', severity: 'error', labels: { 'service.name': 'api' } });
    expect(repeated(summary)).toBe('2 more times in 1m after the previous notification');
    expect(flood.flush(T0 + 200_000)).toEqual([]);
    c.set(200_000);
    expect(repeated(flood.admit([record('db down')])[0])).toBeUndefined();
  });
});

describe('OTLP flood control: per-service cap', () => {
  it('sends at most the cap per service per minute and summarizes the excess in one message', () => {
    const c = clock();
    const flood = createOtlpFloodControl({ perServicePerMinute: 3, now: c.now });
    const burst = ['a', 'b', 'c', 'd', 'e'].map((b, i) => record(b, 'api', i === 4 ? 'critical' : 'warning'));
    expect(flood.admit(burst).map((g) => g.alerts[0]?.message)).toEqual(['a', 'b', 'c']);
    expect(flood.admit([record('other', 'web')])).toHaveLength(1);
    c.set(30_000);
    expect(flood.admit([record('f')])).toEqual([]);
    expect(flood.flush()).toEqual([]);
    const summaries = flood.flush(T0 + 60_000);
    expect(summaries).toHaveLength(1);
    const alert = summaries[0]?.alerts[0];
    expect(alert).toMatchObject({ title: '3 more log records from service api suppressed', severity: 'critical', labels: { 'service.name': 'api', service_name: 'api' } });
    expect(alert?.message).toContain('between 2024-05-01T12:00:00.000Z and 2024-05-01T12:01:00.000Z');
    expect(alert?.message).toContain('limit of 3 notifications per service per minute');
    expect(summaries[0]?.dedupeKey).toMatch(new RegExp(`^otlp-cap:api:[0-9a-f]{16}:${T0}$`));
    c.set(60_000);
    expect(flood.admit([record('g')])).toHaveLength(1);
  });

  it('keeps the summary of a minute that an admit closed, for the next flush', () => {
    const c = clock();
    const flood = createOtlpFloodControl({ perServicePerMinute: 1, now: c.now });
    flood.admit([record('a'), record('b')]);
    c.set(61_000);
    expect(flood.admit([record('c')])).toHaveLength(1);
    expect(flood.flush().map((g) => g.alerts[0]?.title)).toEqual(['1 more log record from service api suppressed']);
  });

  it('does not spend the cap on folded repeats', () => {
    const flood = createOtlpFloodControl({ perServicePerMinute: 2, now: clock().now });
    expect(flood.admit([record('a'), record('a'), record('a'), record('b')])).toHaveLength(2);
  });
});

describe('OTLP flood control: release after a refused intake', () => {
  it('admits a retried record again instead of folding it into a notification that never went out', () => {
    const flood = createOtlpFloodControl({ perServicePerMinute: 1, now: clock().now });
    const first = flood.admit([record('a')]);
    flood.release(first);
    expect(flood.admit([record('a')])).toHaveLength(1);
  });

  it('re-queues a released summary for the next flush', () => {
    const c = clock();
    const flood = createOtlpFloodControl({ perServicePerMinute: 1, now: c.now });
    flood.admit([record('a'), record('b')]);
    const summaries = flood.flush(T0 + 60_000);
    expect(summaries).toHaveLength(1);
    flood.release(summaries);
    expect(flood.flush(T0 + 61_000)).toEqual(summaries);
  });
});

describe('OTLP flood control: a service is its identity, not its name alone', () => {
  /** A record of service `api` in deployment environment `env` (and namespace `ns`, when given). */
  const deployed = (body: string, env: string, ns?: string): AlertGroup => {
    const g = record(body);
    const labels = { ...g.alerts[0]!.labels, 'deployment.environment.name': env, ...(ns ? { 'service.namespace': ns } : {}) };
    return { ...g, alerts: [{ ...g.alerts[0]!, labels }] };
  };

  it('caps staging and production of one service name each on their own', () => {
    const c = clock();
    const flood = createOtlpFloodControl({ now: c.now, perServicePerMinute: 2 });
    expect(flood.admit(['a', 'b', 'c', 'd'].map((b) => deployed(b, 'staging')))).toHaveLength(2);
    // Staging used up its cap; production's records still go out.
    expect(flood.admit(['a', 'b'].map((b) => deployed(b, 'production')))).toHaveLength(2);
    expect(flood.admit([deployed('e', 'production')])).toEqual([]);
    c.set(60_000);
    const summaries = flood.flush();
    expect(summaries.map((g) => [g.alerts[0]?.labels['deployment.environment.name'], g.alerts[0]?.fields[0]?.value])).toEqual([['staging', '2'], ['production', '1']]);
    expect(new Set(summaries.map((g) => g.dedupeKey)).size).toBe(2);
    expect(new Set(summaries.map((g) => g.alerts[0]?.fingerprint)).size).toBe(2);
  });

  it('never folds one deployment\'s record into the notification of the other\'s identical one', () => {
    const flood = createOtlpFloodControl({ now: clock().now });
    expect(flood.admit([deployed('db down', 'staging')])).toHaveLength(1);
    expect(flood.admit([deployed('db down', 'production')])).toHaveLength(1);
    expect(flood.admit([deployed('db down', 'production', 'payments')])).toHaveLength(1);
    expect(flood.admit([deployed('db down', 'production')])).toEqual([]);
  });

  it('reads the older deployment.environment attribute too', () => {
    const flood = createOtlpFloodControl({ now: clock().now });
    const older = (env: string) => { const g = record('db down'); return { ...g, alerts: [{ ...g.alerts[0]!, labels: { ...g.alerts[0]!.labels, 'deployment.environment': env } }] }; };
    expect(flood.admit([older('staging')])).toHaveLength(1);
    expect(flood.admit([older('production')])).toHaveLength(1);
  });
});
