import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Alert, AlertGroup } from '../../../src/model/alert.js';
import { counterpartDedupeKeys, dedupeKey } from '../../../src/routing/dedupe-key.js';
import { parseAlertmanager } from '../../../src/sources/alertmanager/parse.js';
import { parseGeneric } from '../../../src/sources/generic/parse.js';
import { parseGrafana } from '../../../src/sources/grafana/parse.js';
import { parseOtlpLogs } from '../../../src/sources/otlp/parse.js';
import { fixtureBody, fixtureObject, groupsOf } from '../sources/helpers.js';

/**
 * Dedupe keys are claims a store keeps across restarts (Redis) for the dedupe window: a key written
 * differently after an upgrade lets every repeat through again. The ingest CPU commits after ed5307b changed
 * how keys are written, not what they are: each source's keys and counterpart keys must be the old ones, as
 * written by ed5307b's dedupe-key.ts into the fixture.
 */
const TYPES = ['general', 'critical', 'monitoring'];
const typesOf = (variant: Alert[]) => [TYPES[variant[0]!.severity.length % 3]!, 'general'];

/** The keys (key and counterparts, for every type) of each group, as JSON holds them. */
function keysOf(groups: AlertGroup[]): unknown {
  return JSON.parse(JSON.stringify(groups.flatMap((g) => TYPES.map((t) => [dedupeKey(g, t, g.alerts), [...counterpartDedupeKeys(g, typesOf, g.alerts)]]))));
}

const fixtures = (dir: string, names: string[]) => names.map((n) => `${dir}/${n}`);
const alertmanagerBody = (alerts: number, fingerprint: (i: number) => string) => {
  const body = fixtureObject('alertmanager/firing-two-alerts.json');
  const template = body['alerts'][0];
  body['alerts'] = Array.from({ length: alerts }, (_, i) => ({ ...template, fingerprint: fingerprint(i), labels: { ...template.labels, instance: `i-${i}` } }));
  body['truncatedAlerts'] = 3;
  return body;
};

/** Every case: a name and its groups. */
function cases(): [string, AlertGroup[]][] {
  const out: [string, AlertGroup[]][] = [];
  for (const file of fixtures('alertmanager', ['firing-critical.json', 'firing-message-annotation.json', 'firing-two-alerts.json', 'resolved-two-alerts.json'])) out.push([file, groupsOf(parseAlertmanager(fixtureBody(file)))]);
  // Past the insertion sort (17, 40 alerts), with unsorted and non-BMP fingerprints, and without a start.
  for (const count of [3, 16, 17, 40]) {
    const body = alertmanagerBody(count, (i) => `${(count - i) % 7}-🔥${String.fromCharCode(0xffff - i)}-${i}`);
    out.push([`alertmanager ${count} alerts`, groupsOf(parseAlertmanager(body))]);
    for (const a of body['alerts']) a.startsAt = '0001-01-01T00:00:00Z';
    out.push([`alertmanager ${count} alerts without a start`, groupsOf(parseAlertmanager(body))]);
  }
  for (const file of fixtures('grafana', ['error-state.json', 'firing-unified.json', 'mixed-pending-resolved.json', 'test-notification.json', 'legacy-alerting.json', 'legacy-no-data.json', 'legacy-ok.json', 'legacy-test-random-id.json', 'legacy-test.json'])) out.push([file, groupsOf(parseGrafana(fixtureBody(file)))]);
  for (const file of fixtures('generic', ['array.json', 'friendly-resolved.json', 'seed-error.json'])) out.push([file, groupsOf(parseGeneric(fixtureBody(file)))]);
  const scripts = [
    { title: 'Disk full', severity: 'critical', labels: { host: 'db-1', 'ü': '✓' }, fields: [{ name: 'Used', value: '99%' }], url: 'https://example.com/x' },
    { title: 'Disk full', severity: 'critical', dedupe_key: 'disk-db-1', labels: { host: 'db-1' } },
    { title: 'Disk full', status: 'resolved', dedupe_key: 'disk-db-1' },
    { title: 'Disk full', status: 'resolved' },
  ];
  scripts.forEach((body, i) => out.push([`script ${i}`, groupsOf(parseGeneric(body))]));
  const request = {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
        scopeLogs: [{ scope: { name: 'app' }, logRecords: [{ severityNumber: 17, eventName: 'payment.failed', body: { stringValue: 'card declined' } }, { severityNumber: 21, body: { stringValue: 'disk full 🔥' } }] }],
      },
    ],
  };
  const parsed = parseOtlpLogs(request, { minSeverity: 'info' });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  out.push(['otlp', parsed.groups]);
  return out;
}

/** The keys ed5307b wrote for each case (test/fixtures/dedupe-keys-ed5307b.json, written by its dedupe-key.ts). */
const WRITTEN = JSON.parse(readFileSync(new URL('../../fixtures/dedupe-keys-ed5307b.json', import.meta.url), 'utf8')) as Record<string, unknown>;

describe('dedupe keys as ed5307b wrote them', () => {
  it.each(cases())('%s', (name, groups) => {
    expect(WRITTEN[name]).toBeDefined();
    expect(keysOf(groups)).toStrictEqual(WRITTEN[name]);
  });
});
