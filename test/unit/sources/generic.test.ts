import { describe, expect, it } from 'vitest';
import { MAX_GENERIC_ALERTS, MAX_GENERIC_FIELDS, parseGeneric } from '../../../src/sources/generic/parse.js';
import { MAX_REPORTED_ISSUES } from '../../../src/sources/issues.js';
import { fixtureBody, groupsOf, issuePaths, issuesOf, onlyGroup } from './helpers.js';

describe("parseGeneric: the seed's NotificationMessage", () => {
  it('maps alert_type, fields and every presentation hint', () => {
    const group = onlyGroup(parseGeneric(fixtureBody('generic/seed-error.json')));
    expect(group).toMatchObject({ source: 'generic', requestedType: 'error', truncatedAlerts: 0 });
    expect(group.dedupeKey).toBeUndefined();
    const alert = group.alerts[0]!;
    expect(alert).toMatchObject({
      source: 'generic',
      status: 'firing',
      severity: 'error', // named no severity: its type's (ERROR)
      title: 'Analysis job failed',
      startsAt: '2026-11-28T16:50:00.000Z',
      labels: {},
    });
    expect(alert.message).toMatch(/^Traceback .*\n.*ValueError: bad bpm$/s);
    expect(alert.fields).toEqual([
      { name: 'Job', value: 'analyze-tracklist', inline: true },
      { name: 'Attempt', value: '3', inline: true },
      { name: 'Host', value: '' },
    ]);
    expect(alert.presentation).toEqual({
      color: 0xe74c3c,
      url: 'https://ci.example/jobs/42',
      author: { name: 'tracktion-worker', url: 'https://ci.example', iconUrl: 'https://ci.example/icon.png' },
      thumbnailUrl: 'https://ci.example/thumb.png',
      imageUrl: 'https://ci.example/graph.png',
      footer: 'analysis_service',
    });
  });

  it('accepts colours, authors and timestamps in their other spellings', () => {
    const alert = onlyGroup(
      parseGeneric({ title: 't', color: 16711680, author: 'bot', footer: 'f', timestamp: 1_795_887_000 }),
    ).alerts[0]!;
    expect(alert.presentation).toEqual({ color: 0xff0000, author: { name: 'bot' }, footer: 'f' });
    expect(alert.startsAt).toBe(new Date(1_795_887_000_000).toISOString());
    expect(onlyGroup(parseGeneric({ title: 't', color: '0x00ff00', timestamp: 1_795_887_000_123 })).alerts[0]).toMatchObject({
      presentation: { color: 0x00ff00 },
      startsAt: new Date(1_795_887_000_123).toISOString(),
    });
  });
});

describe('parseGeneric: severity when the script names none', () => {
  it('is the requested type\'s when that type says one (critical, error), else info; a given severity or label wins', () => {
    const severityOf = (body: Record<string, unknown>, type?: string) => onlyGroup(parseGeneric(body, type ? { type } : undefined)).alerts[0]!.severity;
    expect(severityOf({ alert_type: 'CRITICAL', title: 't' })).toBe('critical'); // the seed's AlertType.CRITICAL
    expect(severityOf({ type: 'error', title: 't' })).toBe('error');
    expect(severityOf({ title: 't' }, 'critical')).toBe('critical'); // /webhook/generic/critical
    expect(severityOf({ alert_type: 'MONITORING', title: 't' })).toBe('info');
    expect(severityOf({ title: 't' })).toBe('info');
    expect(severityOf({ alert_type: 'CRITICAL', title: 't', severity: 'warning' })).toBe('warning');
    expect(severityOf({ alert_type: 'CRITICAL', title: 't', labels: { severity: 'p3' } })).not.toBe('critical');
  });
});

describe('parseGeneric: values a shell script writes as strings', () => {
  // `"timestamp":"$(date +%s)"`, `jq --arg inline true`, an envsubst template: every value arrives quoted.
  it('reads a Unix time given as a string of digits, as it reads the number', () => {
    for (const timestamp of ['1795887000', ' 1795887000 ', '1795887000000', '1795887000.25']) {
      expect(onlyGroup(parseGeneric({ title: 't', timestamp })).alerts[0]!.startsAt, timestamp).toMatch(/^2026-11-28T/);
    }
    expect(onlyGroup(parseGeneric({ title: 't', timestamp: '1795887000' })).alerts[0]!.startsAt).toBe(
      onlyGroup(parseGeneric({ title: 't', timestamp: 1_795_887_000 })).alerts[0]!.startsAt,
    );
  });

  // `time.time_ns() // 1000`, Go's `UnixMicro()`: microseconds were read as milliseconds, year 58879, and
  // accepted (202); the embed then showed the time received instead, and the script never heard why.
  // Nanoseconds were refused already. Past year 9999 no embed can show the time: refused, with the path.
  it('refuses a time past year 9999 (microseconds read as milliseconds) instead of dropping it unsaid', () => {
    for (const timestamp of [1_795_887_000_123_456, '1795887000123456', '+058879-05-24T04:02:03.456Z']) {
      expect(issuesOf(parseGeneric({ title: 't', timestamp })), String(timestamp)).toEqual([
        { path: 'timestamp', message: expect.stringContaining('Unix seconds/milliseconds') },
      ]);
    }
    expect(onlyGroup(parseGeneric({ title: 't', timestamp: '9999-12-31T23:59:59Z' })).alerts[0]!.startsAt).toBe('9999-12-31T23:59:59.000Z');
  });

  it('reads inline given as "true" / "false" (any case) like the booleans; "" means not given', () => {
    const fields = onlyGroup(
      parseGeneric({ title: 't', fields: [{ name: 'a', value: '1', inline: 'true' }, { name: 'b', value: '2', inline: 'FALSE' }, { name: 'c', value: '3', inline: '' }] }),
    ).alerts[0]!.fields;
    expect(fields).toEqual([{ name: 'a', value: '1', inline: true }, { name: 'b', value: '2', inline: false }, { name: 'c', value: '3' }]);
  });

  it('still refuses inline text that is not a boolean, at its path', () => {
    expect(issuePaths(parseGeneric({ title: 't', fields: [{ name: 'a', value: '1', inline: 'yes please' }] }))).toEqual(['fields.0.inline']);
  });
});

describe('parseGeneric: the friendly shape', () => {
  it('maps type, severity synonym, status, labels, description and dedupe_key', () => {
    const group = onlyGroup(parseGeneric(fixtureBody('generic/friendly-resolved.json')));
    expect(group).toMatchObject({ requestedType: 'monitoring', dedupeKey: 'backup-db-1-2026-11-28' });
    const alert = group.alerts[0]!;
    expect(alert).toMatchObject({
      status: 'resolved',
      severity: 'warning',
      title: 'Backup finished late',
      message: 'nightly backup took 3h12m',
      presentation: { url: 'https://backups.example/runs/9' },
      fields: [{ name: 'Duration', value: '3h12m' }],
    });
    expect(alert.labels).toEqual({ host: 'db-1', attempt: '2', verified: 'true' });
  });

  it('takes severity from labels when none is given, else info', () => {
    expect(onlyGroup(parseGeneric({ title: 't', labels: { priority: 'P1' } })).alerts[0]!.severity).toBe('critical');
    expect(onlyGroup(parseGeneric({ title: 't', severity: '', labels: { level: 'nonsense' } })).alerts[0]!.severity).toBe('info');
    expect(onlyGroup(parseGeneric({ title: 't', labels: { severity: 'constructor' } })).alerts[0]!.severity).toBe('info');
  });
});

describe('parseGeneric: arrays, titles, types, fingerprints', () => {
  it('makes one group per object of an array', () => {
    const groups = groupsOf(parseGeneric(fixtureBody('generic/array.json')));
    expect(groups.map((g) => [g.requestedType, g.alerts[0]!.title, g.alerts[0]!.severity, g.alerts[0]!.status])).toEqual([
      ['security', 'SSH login from new IP', 'error', 'firing'],
      ['general', 'Deploy finished', 'info', 'firing'],
      ['tracklist', 'New tracklist', 'info', 'firing'],
    ]);
    expect(groups[1]!.alerts[0]!.message).toBe('Deploy finished\nversion 1.4.2 on prod');
    expect(groups[2]!.alerts[0]!.presentation).toBeUndefined();
  });

  it('accepts an empty array as nothing to send', () => {
    expect(groupsOf(parseGeneric([]))).toEqual([]);
  });

  it('cuts a title taken from the message to 256 code points', () => {
    const long = '🔥'.repeat(300);
    const alert = onlyGroup(parseGeneric({ message: `\n  ${long}\nsecond line` })).alerts[0]!;
    expect(Array.from(alert.title)).toHaveLength(256);
    expect(alert.title).toBe('🔥'.repeat(256));
  });

  it('lets the URL type win over the body, lower-cased', () => {
    const group = onlyGroup(parseGeneric({ type: 'error', title: 't' }, { type: 'Security' }));
    expect(group.requestedType).toBe('security');
    expect(onlyGroup(parseGeneric({ title: 't' })).requestedType).toBeUndefined();
    expect(onlyGroup(parseGeneric({ title: 't', type: 'ERROR' }, { type: '' })).requestedType).toBe('error');
  });

  // README: empty strings and nulls mean "not given". A template that fills both shapes' fields
  // (`"type":"$TYPE","alert_type":"$ALERT_TYPE"`) with one unset must not lose the other: this alert went
  // to general as info instead of critical.
  it('reads an empty or blank `type` as not given, so `alert_type` still names the type', () => {
    for (const type of ['', '  ', null]) {
      const group = onlyGroup(parseGeneric({ type, alert_type: 'CRITICAL', title: 't' }));
      expect([group.requestedType, group.alerts[0]!.severity], String(type)).toEqual(['critical', 'critical']);
    }
  });

  // A template's unset variable may leave white space: `"color": " "`, `"timestamp": "$TS "`.
  it('reads a blank `color` or `timestamp` as not given, like every other blank field', () => {
    const blank = onlyGroup(parseGeneric({ title: 't', color: '  ', timestamp: ' \t' }));
    expect(blank).toEqual(onlyGroup(parseGeneric({ title: 't' })));
  });

  it('fingerprints type, title and labels only, whatever the key order', () => {
    const fp = (body: unknown, type?: string): string => onlyGroup(parseGeneric(body, { type })).alerts[0]!.fingerprint;
    const base = fp({ type: 'x', title: 'T', labels: { a: '1', b: '2' }, message: 'one' });
    expect(fp({ title: 'T', labels: { b: 2, a: 1 }, message: 'two', type: 'x' })).toBe(base);
    expect(fp({ title: 'T', labels: { a: '1', b: '2' } }, 'x')).toBe(base);
    expect(fp({ type: 'y', title: 'T', labels: { a: '1', b: '2' } })).not.toBe(base);
    expect(fp({ type: 'x', title: 'U', labels: { a: '1', b: '2' } })).not.toBe(base);
    expect(fp({ type: 'x', title: 'T', labels: { a: '1' } })).not.toBe(base);
  });

  it('keeps a __proto__ label as data and pollutes no prototype', () => {
    const raw = JSON.parse('[{"title":"t","labels":{"__proto__":{"polluted":"yes"}}},{"title":"t","labels":{"__proto__":"x"}}]');
    expect(issuePaths(parseGeneric(raw))).toEqual(['0.labels.__proto__']);
    const alert = onlyGroup(parseGeneric(raw[1])).alerts[0]!;
    expect(Object.getOwnPropertyDescriptor(alert.labels, '__proto__')?.value).toBe('x');
    expect(Object.getPrototypeOf(alert.labels)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('parseGeneric: seed template data', () => {
  it('keeps `template` as text: numbers and booleans as written, an array (tracks) as its JSON, null as absent', () => {
    const tracks = [{ artist: 'Bicep', title: 'Glue', time: '00:00' }, { title: 'Apricots' }];
    const alert = onlyGroup(parseGeneric({ alert_type: 'TRACKLIST', title: 'Set', template: { tracks, current_value: 97.5, partial: false, unit: null } })).alerts[0]!;
    expect(alert.presentation?.template).toEqual({ tracks: JSON.stringify(tracks), current_value: '97.5', partial: 'false' });
    expect(onlyGroup(parseGeneric({ title: 't', template: { unit: null } })).alerts[0]!.presentation).toBeUndefined();
  });

  it('refuses a nested object at its path', () => {
    expect(issuePaths(parseGeneric({ title: 't', template: { impact: { text: 'x' } } }))).toEqual(['template.impact']);
    expect(issuePaths(parseGeneric({ title: 't', template: 'traceback' }))).toEqual(['template']);
  });

  // Like labels and fields: a container that is not an object is refused, not read as no template (the alert
  // would render without the template data the sender meant), and an array's indexes are not template keys.
  it('refuses a template that is an empty string, a number, false or an array', () => {
    for (const template of ['', 0, false, ['traceback']]) {
      expect(issuePaths(parseGeneric({ title: 't', template })), JSON.stringify(template)).toEqual(['template']);
    }
  });
});

describe('parseGeneric: rejects with paths', () => {
  it('needs a title or a message', () => {
    const issues = issuesOf(parseGeneric({ title: '  ', message: '', fields: [] }));
    expect(issues).toEqual([{ path: 'title', message: 'title or message is required' }]);
  });

  it('prefixes array issues with the index and reports every element', () => {
    const result = parseGeneric([{ title: 'ok' }, { type: 'x' }, 'text', { title: 't', severity: 'urgent-ish' }]);
    expect(issuePaths(result)).toEqual(['1.title', '2', '3.severity']);
  });

  it('reports bad values at their paths', () => {
    const result = parseGeneric({
      title: 't',
      status: 'exploded',
      color: '#12345',
      url: 'javascript:alert(1)',
      labels: { nested: { a: 1 } },
      fields: [{ value: 'v' }],
      timestamp: 'yesterday',
      thumbnail: { url: 'not a url' },
      author: { url: 'https://a.example' },
    });
    expect(issuePaths(result).sort()).toEqual([
      'author',
      'color',
      'fields.0.name',
      'labels.nested',
      'status',
      'thumbnail',
      'timestamp',
      'url',
    ]);
  });

  it('bounds a request: more alerts or fields than allowed is one clear issue, nothing parsed', () => {
    const many = Array.from({ length: MAX_GENERIC_ALERTS + 1 }, (_, i) => ({ title: `t${i}` }));
    expect(issuesOf(parseGeneric(many))).toEqual([{ path: '', message: `at most ${MAX_GENERIC_ALERTS} alerts per request, got ${MAX_GENERIC_ALERTS + 1}: send them in smaller batches` }]);
    expect(groupsOf(parseGeneric(many.slice(0, MAX_GENERIC_ALERTS)))).toHaveLength(MAX_GENERIC_ALERTS);
    const fields = Array.from({ length: MAX_GENERIC_FIELDS + 1 }, (_, i) => ({ name: `f${i}`, value: 'v' }));
    expect(issuePaths(parseGeneric([{ title: 'ok' }, { title: 't', fields }]))).toEqual(['1.fields']);
    expect(onlyGroup(parseGeneric({ title: 't', fields: fields.slice(0, MAX_GENERIC_FIELDS) })).alerts[0]!.fields).toHaveLength(MAX_GENERIC_FIELDS);
  });

  it('lists the first problems and counts the rest when there are very many', () => {
    const issues = issuesOf(parseGeneric(Array.from({ length: MAX_REPORTED_ISSUES + 50 }, () => ({ severity: 'x' }))));
    expect(issues).toHaveLength(MAX_REPORTED_ISSUES + 1);
    expect(issues[0]!.path).toBe('0.severity');
    expect(issues.at(-1)).toEqual({ path: '', message: "50 more problems not listed; fix these first" });
  });

  it('rejects a body that is neither an object nor an array', () => {
    expect(issuePaths(parseGeneric('hello'))).toEqual(['']);
    expect(issuePaths(parseGeneric(null))).toEqual(['']);
  });
});
