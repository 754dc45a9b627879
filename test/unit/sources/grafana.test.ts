import { describe, expect, it } from 'vitest';
import { shortHash } from '../../../src/lib/hash.js';
import { parseGrafana } from '../../../src/sources/grafana/parse.js';
import { fixtureBody, fixtureObject, issuePaths, onlyGroup } from './helpers.js';

describe('parseGrafana: unified alerting', () => {
  it('maps a firing alert with every link, the value and the image', () => {
    const group = onlyGroup(parseGrafana(fixtureBody('grafana/firing-unified.json')));
    expect(group).toMatchObject({ source: 'grafana', externalUrl: 'https://grafana.example/', truncatedAlerts: 0 });
    expect(group.groupKey).toContain('alertname="High API latency"');
    expect(group.skipped).toBeUndefined();
    const alert = group.alerts[0]!;
    expect(alert).toMatchObject({
      source: 'grafana',
      status: 'firing',
      severity: 'warning',
      title: 'p95 latency of analysis_service is 2.4s',
      message: 'p95 latency over 2s for 5 minutes',
      fingerprint: 'a1b2c3d4e5f60718',
      presentation: { imageUrl: 'https://grafana.example/public/img/attachments/xyz.png' },
    });
    expect(alert.isTest).toBeUndefined();
    expect(alert.links.map((l) => l.title)).toEqual(['Source', 'Runbook', 'Silence', 'Dashboard', 'Panel']);
    expect(alert.links.find((l) => l.title === 'Panel')?.url).toBe('https://grafana.example/d/api-overview?orgId=1&viewPanel=4');
    expect(alert.fields).toEqual([{ name: 'Value', value: expect.stringContaining("var='A'") }]);
  });

  it('a resolved alert gets no Silence link, as an Alertmanager one gets none', () => {
    const body = fixtureBody('grafana/firing-unified.json') as { status: string; alerts: Record<string, unknown>[] };
    body.status = 'resolved';
    body.alerts[0]!.status = 'resolved';
    const alert = onlyGroup(parseGrafana(body)).alerts[0]!;
    expect(alert.status).toBe('resolved');
    expect(alert.links.map((l) => l.title)).toEqual(['Source', 'Runbook', 'Dashboard', 'Panel']);
  });

  it('shows the values when Grafana sends them without valueString (marked for removal upstream)', () => {
    const body = fixtureBody('grafana/firing-unified.json') as { alerts: Record<string, unknown>[] };
    body.alerts[0]!.valueString = '';
    body.alerts[0]!.values = { A: 2.4, C: 1, B: null };
    expect(onlyGroup(parseGrafana(body)).alerts[0]!.fields).toEqual([{ name: 'Value', value: 'A=2.4, C=1' }]);
    body.alerts[0]!.values = ['not', 'a', 'map'];
    expect(onlyGroup(parseGrafana(body)).alerts[0]!.fields).toEqual([]);
  });

  it("accepts the Test button's empty URLs and null values, and marks it a test", () => {
    const alert = onlyGroup(parseGrafana(fixtureBody('grafana/test-notification.json'))).alerts[0]!;
    expect(alert.isTest).toBe(true);
    expect(alert.title).toBe('Notification test');
    expect(alert.links.map((l) => l.title)).toEqual(['Silence']);
    expect(alert.presentation).toBeUndefined();
    expect(alert.fields).toEqual([{ name: 'Value', value: "[ metric='foo' labels={instance=bar} value=10 ]" }]);
  });

  it('notes no data (titled by the rule name, not "DatasourceNoData"), keeps resolved alerts and skips pending ones', () => {
    const group = onlyGroup(parseGrafana(fixtureBody('grafana/mixed-pending-resolved.json')));
    expect(group.skipped).toBe(1);
    expect(group.alerts.map((a) => [a.title, a.status, a.stateNote, a.endsAt])).toEqual([
      ['Queue depth', 'firing', 'no data', undefined],
      ['p95 latency back to normal', 'resolved', undefined, '2026-11-28T18:01:00.000Z'],
    ]);
    expect(group.alerts[0]!.links.map((l) => l.title)).toEqual(['Source']);
    expect(group.alerts[0]!.fields).toEqual([]);
    expect(group.alerts[1]!.links.map((l) => l.title)).toEqual([]); // resolved: nothing to silence
  });

  // "✅ RESOLVED (no data)" read as "resolved because the data went missing"; the data came back.
  it('a resolved DatasourceNoData / DatasourceError alert carries no state note', () => {
    const payload = fixtureObject('grafana/firing-unified.json');
    const base = payload['alerts'][0];
    payload['alerts'] = ['DatasourceNoData', 'DatasourceError'].map((alertname) => ({ ...base, status: 'resolved', endsAt: '2026-11-28T18:01:00Z', labels: { ...base.labels, alertname } }));
    expect(onlyGroup(parseGrafana(payload)).alerts.map((a) => [a.status, a.stateNote])).toEqual([['resolved', undefined], ['resolved', undefined]]);
  });

  it('maps per-alert legacy-style states and falls back to the group status', () => {
    const payload = fixtureObject('grafana/firing-unified.json');
    const base = payload['alerts'][0];
    payload['alerts'] = [
      { ...base, status: 'paused' },
      { ...base, status: 'no_data' },
      { ...base, status: 'OK' },
      { ...base, status: undefined },
      { ...base, status: 'recovering' },
    ];
    const group = onlyGroup(parseGrafana(payload));
    expect(group.skipped).toBe(1);
    expect(group.alerts.map((a) => [a.status, a.stateNote])).toEqual([
      ['firing', 'no data'],
      ['resolved', undefined],
      ['firing', undefined],
      ['firing', 'recovering'],
    ]);
  });

  it("marks the Error state (DatasourceError) and shows Grafana's error, not a plain firing alert", () => {
    const alert = onlyGroup(parseGrafana(fixtureBody('grafana/error-state.json'))).alerts[0]!;
    expect(alert).toMatchObject({ status: 'firing', stateNote: 'error', title: 'p95 latency of analysis_service is [no value]' });
    expect(alert.fields).toEqual([{ name: 'Error', value: expect.stringContaining('connection refused') }]);
  });

  it('shows the Error annotation of a rule whose error state is Alerting', () => {
    const payload = fixtureObject('grafana/firing-unified.json');
    payload['alerts'][0].annotations = { ...payload['alerts'][0].annotations, Error: 'query timed out' };
    const alert = onlyGroup(parseGrafana(payload)).alerts[0]!;
    expect(alert.stateNote).toBeUndefined();
    expect(alert.fields).toContainEqual({ name: 'Error', value: 'query timed out' });
  });

  // A rule whose no-data / error handling is "Alerting" fires under its own name: only this annotation says the
  // condition was never met ("CPU above 90%" while the query returned nothing).
  it('notes no data or error from grafana_state_reason on a firing alert, not on a resolved one nor for other reasons', () => {
    const payload = fixtureObject('grafana/firing-unified.json');
    const base = payload['alerts'][0];
    const withReason = (grafana_state_reason: string, status = 'firing') => ({ ...base, status, annotations: { ...base.annotations, grafana_state_reason } });
    payload['alerts'] = [withReason('NoData'), withReason('Error'), withReason('NoData, KeepLast'), withReason('MissingSeries', 'resolved'), withReason('NoData', 'resolved'), withReason('Updated')];
    expect(onlyGroup(parseGrafana(payload)).alerts.map((a) => a.stateNote)).toEqual(['no data', 'error', 'no data', undefined, undefined, undefined]);
  });

  it('reports bad shapes with paths', () => {
    expect(issuePaths(parseGrafana({ status: 'firing' }))).toEqual(['alerts']);
    const payload = fixtureObject('grafana/firing-unified.json');
    payload['alerts'][0].labels = { nested: { a: 1 } };
    payload['alerts'][0].silenceURL = 42;
    payload['alerts'][0].panelURL = { url: 'x' };
    expect(issuePaths(parseGrafana(payload)).sort()).toEqual(['alerts.0.labels.nested', 'alerts.0.panelURL']);
  });
});

describe('parseGrafana: legacy alerting', () => {
  /** legacy-alerting.json's rule: its Grafana (ruleUrl's origin), id and name. */
  const DISK_FULL = JSON.stringify(['https://grafana.example', '7', 'Disk full']);

  it('makes one alert per eval match with tags, metric and value', () => {
    const group = onlyGroup(parseGrafana(fixtureBody('grafana/legacy-alerting.json')));
    expect(group).toMatchObject({ source: 'grafana', groupKey: `legacy:${DISK_FULL}`, truncatedAlerts: 0 });
    expect(group.alerts).toHaveLength(2);
    const first = group.alerts[0]!;
    expect(first).toMatchObject({
      status: 'firing',
      severity: 'critical',
      title: 'Disk full',
      message: 'Disk usage above 90%',
      fingerprint: shortHash(`${DISK_FULL}:web-1 /var`),
      links: [{ title: 'Rule', url: 'https://grafana.example/d/hZ7BuVbWz/hosts?tab=alert&viewPanel=2&orgId=1' }],
      presentation: { imageUrl: 'https://grafana.example/public/img/attachments/disk.png' },
    });
    expect(first.labels).toEqual({
      severity: 'critical',
      team: 'infra',
      instance: 'web-1',
      mountpoint: '/var',
      alertname: 'Disk full',
      metric: 'web-1 /var',
    });
    expect(first.fields).toEqual([{ name: 'Value', value: '91.5', inline: true }]);
    expect(group.alerts[1]!.fingerprint).toBe(shortHash(`${DISK_FULL}:web-2 /var`));
    expect(first.isTest).toBeUndefined();
  });

  // Each Grafana numbers its rules from 1: the id names a rule only within its instance.
  it('keys a rule by its Grafana, id and name, so another instance\'s rule with the same id is another rule', () => {
    const payload = fixtureObject('grafana/legacy-alerting.json');
    const keyOf = (changes: Record<string, unknown>) => onlyGroup(parseGrafana({ ...payload, ...changes })).groupKey;
    const own = keyOf({});
    expect(keyOf({ title: '[Alerting] Disk full (reminder)', message: 'other text', evalMatches: [] })).toBe(own);
    expect(keyOf({ ruleUrl: 'https://grafana.example/d/hZ7BuVbWz/hosts-renamed?tab=alert&viewPanel=2&orgId=1' })).toBe(own);
    expect(keyOf({ ruleUrl: 'https://grafana-staging.example/d/hZ7BuVbWz/hosts?tab=alert&viewPanel=2&orgId=1' })).not.toBe(own);
    expect(keyOf({ ruleName: 'API 5xx' })).not.toBe(own);
    expect(keyOf({ ruleId: 8 })).not.toBe(own);
    // A rule without a name: its title names the state ("[Alerting] …", "[OK] …"), so it is no part of the key.
    expect(keyOf({ ruleName: '', title: '[Alerting] Disk full' })).toBe(keyOf({ ruleName: '', title: '[OK] Disk full', state: 'ok' }));
  });

  it('makes one resolved alert for ok without matches', () => {
    const group = onlyGroup(parseGrafana(fixtureBody('grafana/legacy-ok.json')));
    expect(group.alerts).toHaveLength(1);
    expect(group.alerts[0]).toMatchObject({ status: 'resolved', title: 'Disk full', fingerprint: shortHash(`${DISK_FULL}:`), fields: [] });
  });

  it('delivers no_data as firing with a note', () => {
    const alert = onlyGroup(parseGrafana(fixtureBody('grafana/legacy-no-data.json'))).alerts[0]!;
    expect(alert).toMatchObject({ status: 'firing', stateNote: 'no data', title: 'Queue depth', severity: 'warning' });
  });

  it('skips paused and pending, counting the alerts they would have made', () => {
    const paused = onlyGroup(parseGrafana(fixtureBody('grafana/legacy-paused.json')));
    expect(paused).toMatchObject({ alerts: [], skipped: 1, groupKey: `legacy:${JSON.stringify(['', '12', 'Queue depth'])}` });
    const pending = fixtureObject('grafana/legacy-alerting.json');
    pending['state'] = 'pending';
    expect(onlyGroup(parseGrafana(pending))).toMatchObject({ alerts: [], skipped: 2 });
  });

  it('recognises the legacy test notification', () => {
    const group = onlyGroup(parseGrafana(fixtureBody('grafana/legacy-test.json')));
    expect(group.alerts.map((a) => a.isTest)).toEqual([true, true]);
  });

  it("recognises the test notification of Grafana 7–10, whose ruleId is random", () => {
    const group = onlyGroup(parseGrafana(fixtureBody('grafana/legacy-test-random-id.json')));
    expect(group.alerts.map((a) => a.isTest)).toEqual([true, true]);
  });

  it('does not take a real rule named "Test notification" for the test', () => {
    const payload = fixtureObject('grafana/legacy-alerting.json');
    payload['ruleName'] = 'Test notification';
    expect(onlyGroup(parseGrafana(payload)).alerts.map((a) => a.isTest)).toEqual([undefined, undefined]);
  });

  it('reports bad legacy fields with paths', () => {
    const payload = fixtureObject('grafana/legacy-alerting.json');
    payload['evalMatches'][1].tags = 'host=a';
    payload['state'] = ['alerting'];
    expect(issuePaths(parseGrafana(payload)).sort()).toEqual(['evalMatches.1.tags', 'state']);
  });

  it('keeps a __proto__ tag as data', () => {
    const raw = JSON.parse('{"ruleId":1,"ruleName":"R","state":"alerting","tags":{"__proto__":"x"},"evalMatches":[]}');
    const alert = onlyGroup(parseGrafana(raw)).alerts[0]!;
    expect(Object.getOwnPropertyDescriptor(alert.labels, '__proto__')?.value).toBe('x');
    expect(Object.getPrototypeOf(alert.labels)).toBe(Object.prototype);
  });
});
