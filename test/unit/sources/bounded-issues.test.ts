import { describe, expect, it } from 'vitest';
import { parseAlertmanager } from '../../../src/sources/alertmanager/parse.js';
import { parseGeneric } from '../../../src/sources/generic/parse.js';
import { parseGrafana } from '../../../src/sources/grafana/parse.js';
import { MAX_COLLECTED_ISSUES, MAX_REPORTED_ISSUES, parseWith } from '../../../src/sources/issues.js';
import { attributesSchema, logsRequestSchema } from '../../../src/sources/otlp/schema.js';
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
    for (const [schema, body] of [[attributesSchema, Array.from({ length: MANY }, () => 1)], [logsRequestSchema, { resourceLogs: Array.from({ length: MANY }, () => 1) }]] as const) {
      const parsed = parseWith(schema, body);
      expect(parsed.ok).toBe(false);
      expect(parsed.ok ? 0 : parsed.issues.length).toBe(MAX_COLLECTED_ISSUES);
    }
  });
});
