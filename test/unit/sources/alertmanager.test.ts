import { describe, expect, it } from 'vitest';
import { shortHash, stableStringify } from '../../../src/lib/hash.js';
import { parseAlertmanager } from '../../../src/sources/alertmanager/parse.js';
import { fixtureBody, fixtureObject, issuePaths, onlyGroup } from './helpers.js';

/** A minimal valid body with one alert, its fields overridable. */
function body(alert: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { version: '4', status: 'firing', alerts: [{ status: 'firing', labels: { alertname: 'X' }, ...alert }], ...extra };
}

describe('parseAlertmanager: captured payloads', () => {
  it('maps a critical firing alert: title, message, links, severity, times, group fields', () => {
    const group = onlyGroup(parseAlertmanager(fixtureBody('alertmanager/firing-critical.json')));
    expect(group).toMatchObject({
      source: 'alertmanager',
      groupKey: '{}:{alertname="PostgresDown", cluster="prod"}',
      externalUrl: 'http://alertmanager.example:9093',
      truncatedAlerts: 0,
    });
    expect(group.alerts).toHaveLength(1);
    const alert = group.alerts[0]!;
    expect(alert).toMatchObject({
      source: 'alertmanager',
      status: 'firing',
      severity: 'critical',
      title: 'PostgreSQL is down on db-1',
      message: 'pg_up == 0 for 1m. All audio analysis operations are halted.',
      fingerprint: '61b715588b75f597',
      startsAt: '2026-11-28T17:34:58.653Z',
    });
    expect(alert.endsAt).toBeUndefined();
    expect(alert.labels['instance']).toBe('db-1:5432');
    expect(alert.annotations['runbook_url']).toBe('https://runbooks.example/pg-down');
    expect(alert.links).toEqual([
      { title: 'Source', url: 'http://prometheus.example:9090/graph?g0.expr=pg_up+%3D%3D+0' },
      { title: 'Runbook', url: 'https://runbooks.example/pg-down' },
    ]);
  });

  it('uses the summary as message when there is no description', () => {
    const group = onlyGroup(parseAlertmanager(fixtureBody('alertmanager/firing-two-alerts.json')));
    expect(group.alerts.map((a) => [a.title, a.message, a.severity, a.fingerprint])).toEqual([
      ['Disk /var on web-1 is 91% full', 'Disk /var on web-1 is 91% full', 'warning', '6f51cc8ce91df45e'],
      ['Disk /var on web-2 is 93% full', 'Disk /var on web-2 is 93% full', 'warning', '2b46bc32c017cef3'],
    ]);
  });

  it('keeps endsAt of resolved alerts', () => {
    const group = onlyGroup(parseAlertmanager(fixtureBody('alertmanager/resolved-two-alerts.json')));
    expect(group.alerts.map((a) => [a.status, a.endsAt])).toEqual([
      ['resolved', '2026-11-28T17:35:03.653Z'],
      ['resolved', '2026-11-28T17:35:02.000Z'],
    ]);
  });

  it('keeps each alert status in a group holding both', () => {
    const payload = fixtureObject('alertmanager/firing-two-alerts.json');
    payload['alerts'][1].status = 'resolved';
    payload['alerts'][1].endsAt = '2026-11-28T17:40:00Z';
    const group = onlyGroup(parseAlertmanager(payload));
    expect(group.alerts.map((a) => [a.status, a.endsAt])).toEqual([
      ['firing', undefined],
      ['resolved', '2026-11-28T17:40:00.000Z'],
    ]);
  });

  it('carries truncatedAlerts and accepts fields of newer releases', () => {
    const payload = fixtureObject('alertmanager/firing-critical.json');
    Object.assign(payload, { truncatedAlerts: 12, notification_reason: 'new_alerts', routeLabels: { team: 'db' } });
    payload['alerts'][0].someFutureField = { nested: true };
    const group = onlyGroup(parseAlertmanager(payload));
    expect(group.truncatedAlerts).toBe(12);
    expect(group.alerts).toHaveLength(1);
  });
});

describe('parseAlertmanager: derived values', () => {
  it('falls back to alertname for the title and to an empty message', () => {
    const alert = onlyGroup(parseAlertmanager(body({ annotations: {} }))).alerts[0]!;
    expect(alert.title).toBe('X');
    expect(alert.message).toBe('');
    expect(alert.severity).toBe('warning');
  });

  it("shows a 'message' annotation (Loki's and older kube-prometheus rules have no description)", () => {
    const alert = onlyGroup(parseAlertmanager(fixtureBody('alertmanager/firing-message-annotation.json'))).alerts[0]!;
    expect(alert.title).toBe('LokiRequestErrors');
    expect(alert.message).toBe('loki/querier loki_api_v1_query_range is experiencing 12.50% errors.');
    const both = onlyGroup(parseAlertmanager(body({ annotations: { description: 'd', message: 'm', summary: 's' } }))).alerts[0]!;
    expect(both.message).toBe('d');
  });

  it('shows the other annotations a rule author wrote: text as fields, URLs as links, nothing twice', () => {
    const annotations = {
      summary: 'Disk almost full', description: 'Only 3% left on /data.', impact: 'Uploads fail once it is full',
      action: '  Grow the volume  ', playbook: 'https://wiki.example/disk', runbook_url: 'https://wiki.example/disk',
      echo: 'Disk almost full', blank: '  ', __dashboardUid__: 'abc', grafana_url: 'https://grafana.example/d/x',
    };
    const alert = onlyGroup(parseAlertmanager(body({ annotations }))).alerts[0]!;
    expect(alert.fields).toEqual([
      { name: 'impact', value: 'Uploads fail once it is full' },
      { name: 'action', value: 'Grow the volume' },
    ]);
    // playbook repeats the runbook's URL: listed once.
    expect(alert.links.map((l) => [l.title, l.url])).toEqual([
      ['Runbook', 'https://wiki.example/disk'],
      ['grafana_url', 'https://grafana.example/d/x'],
    ]);
    const both = onlyGroup(parseAlertmanager(body({ annotations: { description: 'd', message: 'm', summary: 's' } }))).alerts[0]!;
    expect(both.fields).toEqual([{ name: 'message', value: 'm' }]); // not the message shown: kept as a field
  });

  it('links a dashboard annotation and skips empty or non-http URLs', () => {
    const alert = onlyGroup(
      parseAlertmanager(body({ generatorURL: '', annotations: { dashboard_url: 'https://g.example/d/1', runbook_url: 'wiki/page' } })),
    ).alerts[0]!;
    expect(alert.links).toEqual([{ title: 'Dashboard', url: 'https://g.example/d/1' }]);
  });

  it('hashes the labels when no fingerprint is given, whatever their order', () => {
    const a = onlyGroup(parseAlertmanager(body({ labels: { alertname: 'X', job: 'a' } }))).alerts[0]!;
    const b = onlyGroup(parseAlertmanager(body({ labels: { job: 'a', alertname: 'X' }, fingerprint: '' }))).alerts[0]!;
    const c = onlyGroup(parseAlertmanager(body({ labels: { job: 'b', alertname: 'X' } }))).alerts[0]!;
    expect(a.fingerprint).toBe(shortHash(stableStringify({ alertname: 'X', job: 'a' })));
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(c.fingerprint).not.toBe(a.fingerprint);
  });

  it('coerces numbers and booleans in labels to strings and drops nulls', () => {
    const alert = onlyGroup(parseAlertmanager(body({ labels: { alertname: 'X', port: 5432, up: false, gone: null } }))).alerts[0]!;
    expect(alert.labels).toEqual({ alertname: 'X', port: '5432', up: 'false' });
  });

  it('treats the Go zero time as unset', () => {
    const alert = onlyGroup(parseAlertmanager(body({ status: 'resolved', startsAt: '0001-01-01T00:00:00Z', endsAt: '0001-01-01T00:00:00Z' }))).alerts[0]!;
    expect(alert.startsAt).toBeUndefined();
    expect(alert.endsAt).toBeUndefined();
  });

  it('keeps a __proto__ label as data and pollutes no prototype', () => {
    const raw = JSON.parse('{"alerts":[{"status":"firing","labels":{"alertname":"X","__proto__":"evil","constructor":"c"}}]}');
    const alert = onlyGroup(parseAlertmanager(raw)).alerts[0]!;
    expect(Object.hasOwn(alert.labels, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(alert.labels, '__proto__')?.value).toBe('evil');
    expect(alert.labels['constructor']).toBe('c');
    expect(Object.getPrototypeOf(alert.labels)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['evil']).toBeUndefined();
  });

  it('never answers an inherited member as severity', () => {
    const alert = onlyGroup(parseAlertmanager(body({ labels: { alertname: 'X', severity: 'constructor' } }))).alerts[0]!;
    expect(alert.severity).toBe('warning');
  });
});

describe('parseAlertmanager: rejects with paths', () => {
  it('reports a body that is not an object, and missing alerts', () => {
    expect(issuePaths(parseAlertmanager('nope'))).toEqual(['']);
    expect(issuePaths(parseAlertmanager({ version: '4' }))).toEqual(['alerts']);
  });

  it('reports every bad alert field at its path', () => {
    const result = parseAlertmanager({
      alerts: [
        { status: 'firing', labels: { alertname: 'ok' } },
        { status: 'burning', labels: { team: { name: 'db' } } },
      ],
      truncatedAlerts: -1,
    });
    expect(issuePaths(result).sort()).toEqual(['alerts.1.labels.team', 'alerts.1.status', 'truncatedAlerts']);
  });

  it('rejects labels that are not an object', () => {
    expect(issuePaths(parseAlertmanager(body({ labels: ['a'] })))).toEqual(['alerts.0.labels']);
  });
});
