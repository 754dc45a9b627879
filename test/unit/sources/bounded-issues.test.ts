import { describe, expect, it } from 'vitest';
import { parseAlertmanager } from '../../../src/sources/alertmanager/parse.js';
import { parseGeneric } from '../../../src/sources/generic/parse.js';
import { parseGrafana } from '../../../src/sources/grafana/parse.js';
import { MAX_COLLECTED_ISSUES, MAX_REPORTED_ISSUES, parseWith } from '../../../src/sources/issues.js';
import { parseOtlpLogs } from '../../../src/sources/otlp/parse.js';
import { attributesSchema, logsRequestSchema, OTLP_ISSUES_PER_LIST } from '../../../src/sources/otlp/schema.js';
import type { ParseResult } from '../../../src/sources/types.js';
import { issuesOf } from './helpers.js';

/**
 * A body of tiny bad elements (`{"alerts":[{},{},…]}`) held one zod issue (~750 bytes) per problem before the
 * answer was cut to the first 100: 600 KB took 260 MB and 3 s, 8 MiB ran the process out of memory. Every
 * array and map of a body stops looking after MAX_COLLECTED_ISSUES; the answer says "at least" how many more.
 */
const MANY = 50_000;

function expectStopped(result: ParseResult, firstPath: string): void {
  const issues = issuesOf(result);
  expect(issues).toHaveLength(MAX_REPORTED_ISSUES + 1);
  expect(issues[0]!.path).toBe(firstPath);
  // Stopped near MAX_COLLECTED_ISSUES (a generic array stops at the alert that reaches it), not at the MANY found before.
  const more = /^at least (\d+) more problems not listed; fix these first$/.exec(issues.at(-1)!.message);
  expect(Number(more?.[1])).toBeGreaterThanOrEqual(MAX_COLLECTED_ISSUES - MAX_REPORTED_ISSUES);
  expect(Number(more?.[1])).toBeLessThan(2 * MAX_COLLECTED_ISSUES);
}

const badLabels = () => Object.fromEntries(Array.from({ length: MANY }, (_, i) => [`l${i}`, { nested: i }]));

describe('a body of very many bad elements: the parse stops looking, and says so', () => {
  it('Alertmanager: alerts that are empty objects, or one alert with a label map of bad values', () => {
    expectStopped(parseAlertmanager({ alerts: Array.from({ length: MANY }, () => ({})) }), 'alerts.0.status');
    expectStopped(parseAlertmanager({ alerts: [{ status: 'firing', labels: badLabels() }] }), 'alerts.0.labels.l0');
  });

  it('Grafana: alerts that are numbers', () => {
    expectStopped(parseGrafana({ alerts: Array.from({ length: MANY }, () => 1) }), 'alerts.0');
  });

  it('generic: a thousand alerts of bad labels, a template of bad values, fields that are numbers', () => {
    expectStopped(parseGeneric(Array.from({ length: 1000 }, () => ({ title: 't', labels: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`l${i}`, [i]])) }))), '0.labels.l0');
    expectStopped(parseGeneric({ title: 't', template: badLabels() }), 'template.l0');
    expectStopped(parseGeneric({ title: 't', fields: Array.from({ length: 100 }, () => 1), labels: badLabels() }), 'labels.l0');
  });

  it('OTLP: attributes and resources that are numbers', () => {
    // A record's lists stop sooner (partialSuccess quotes three of their issues; see below).
    for (const [schema, body, bound] of [[attributesSchema, Array.from({ length: MANY }, () => 1), OTLP_ISSUES_PER_LIST], [logsRequestSchema, { resourceLogs: Array.from({ length: MANY }, () => 1) }, MAX_COLLECTED_ISSUES]] as const) {
      const parsed = parseWith(schema, body);
      expect(parsed.ok).toBe(false);
      expect(parsed.ok ? 0 : parsed.issues.length).toBe(bound);
    }
  });
});

/**
 * OTLP records and resources are parsed one by one (partialSuccess), outside any array the bound above covers:
 * 8 MiB of records whose attribute lists were numbers (1,000 each) held four million issues
 * (2 GB of heap, a minute of blocked event loop), though partialSuccess quotes three.
 */
describe('OTLP: many records or resources, each with many bad elements', () => {
  const numbers = (n: number) => Array.from({ length: n }, () => 1);
  const records = (n: number) => Array.from({ length: n }, () => ({ severityNumber: 17, body: { stringValue: 'x' }, attributes: numbers(1000) }));

  it('a record stops looking after a few issues of each list: all are rejected, the count says so', () => {
    const result = parseOtlpLogs({ resourceLogs: [{ scopeLogs: [{ logRecords: records(200) }] }] });
    if (!result.ok) throw new Error('expected partial success');
    expect(result.rejected).toBe(200);
    expect(result.rejectedMessage).toMatch(/^200 log records rejected as invalid: resourceLogs\.0\.scopeLogs\.0\.logRecords\.0\.attributes\.0: /);
    const more = /; and (\d+) more$/.exec(result.rejectedMessage ?? '');
    expect(Number(more?.[1])).toBeGreaterThan(0);
    expect(Number(more?.[1])).toBeLessThan(200 * OTLP_ISSUES_PER_LIST);
  });

  it('a resource without records is not looked at: its problems are not quoted for another resource\'s records', () => {
    const body = {
      resourceLogs: [
        ...Array.from({ length: 50 }, () => ({ resource: { attributes: numbers(1000) } })),
        { resource: { attributes: [] }, scopeLogs: [{ logRecords: [{ severityNumber: 17, timeUnixNano: 'yesterday', body: { stringValue: 'x' } }] }] },
      ],
    };
    const result = parseOtlpLogs(body);
    if (!result.ok) throw new Error('expected partial success');
    expect(result.rejected).toBe(1);
    // Only the record's own problem: the resources before it held nothing to deliver or reject.
    expect(result.rejectedMessage).toMatch(/^1 log record rejected as invalid: resourceLogs\.50\.scopeLogs\.0\.logRecords\.0\.timeUnixNano: [^;]*$/);
  });
});
