import { describe, expect, it } from 'vitest';
import type { Alert, AlertGroup } from '../../../src/model/alert.js';
import { BUILTIN_ALERT_TYPES } from '../../../src/model/alert-type.js';
import { DEFAULT_ROUTES_CONFIG, defaultRoutes } from '../../../src/routing/default-routes.js';
import { routeGroup } from '../../../src/routing/route-group.js';
import { compileRoutes, routeAlert, routeConfigSchema, routingLabels } from '../../../src/routing/rules.js';
import type { Route, RouteConfigInput } from '../../../src/routing/rules.js';

let seq = 0;
/** A minimal normalized alert; override what the test is about. */
function makeAlert(over: Partial<Alert> = {}): Alert {
  seq += 1;
  return {
    source: 'generic',
    status: 'firing',
    severity: 'info',
    title: `alert ${seq}`,
    message: '',
    labels: {},
    annotations: {},
    links: [],
    fields: [],
    fingerprint: `fp${seq}`,
    ...over,
  };
}

function makeGroup(alerts: Alert[], over: Partial<AlertGroup> = {}): AlertGroup {
  return { source: alerts[0]?.source ?? 'generic', alerts, truncatedAlerts: 0, ...over };
}

const BUILTINS = new Set<string>(BUILTIN_ALERT_TYPES);

function compile(list: RouteConfigInput[], known: Set<string> = BUILTINS): Route[] {
  const result = compileRoutes(list, known);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.routes;
}

const routes = defaultRoutes();
const route = (over: Partial<Alert>, group: Partial<AlertGroup> = {}): string[] => {
  const alert = makeAlert(over);
  return routeAlert(alert, makeGroup([alert], group), routes);
};

describe('default routes', () => {
  it('ship six routes that compile against the built-in types', () => {
    expect(DEFAULT_ROUTES_CONFIG).toHaveLength(6);
    expect(compileRoutes(DEFAULT_ROUTES_CONFIG, BUILTINS).ok).toBe(true);
  });

  it.each<[string, Partial<Alert>, Partial<AlertGroup>, string]>([
    // 1. type_from_label: alert_type
    ['alert_type label (generic)', { labels: { alert_type: 'tracklist' } }, {}, 'tracklist'],
    ['alert_type label, any case (alertmanager)', { source: 'alertmanager', severity: 'critical', labels: { alert_type: ' Security ' } }, {}, 'security'],
    ['requested type (generic)', {}, { requestedType: 'error' }, 'error'],
    ['requested type beats severity (grafana)', { source: 'grafana', severity: 'critical' }, { requestedType: 'monitoring' }, 'monitoring'],
    // 2. category="security"
    ['security category (alertmanager, critical)', { source: 'alertmanager', severity: 'critical', labels: { category: 'security' } }, {}, 'security'],
    ['security category (generic, info)', { labels: { category: 'security' } }, {}, 'security'],
    // 3. severity="critical"
    ['critical (alertmanager)', { source: 'alertmanager', severity: 'critical' }, {}, 'critical'],
    ['critical (grafana)', { source: 'grafana', severity: 'critical' }, {}, 'critical'],
    ['critical (generic)', { severity: 'critical' }, {}, 'critical'],
    ['normalized severity wins over the raw label', { severity: 'critical', labels: { severity: 'page' } }, {}, 'critical'],
    // 4. severity="error"
    ['error (alertmanager)', { source: 'alertmanager', severity: 'error' }, {}, 'error'],
    ['error (generic)', { severity: 'error' }, {}, 'error'],
    // 5. source=~"alertmanager|grafana"
    ['warning (alertmanager)', { source: 'alertmanager', severity: 'warning' }, {}, 'monitoring'],
    ['info (grafana)', { source: 'grafana', severity: 'info' }, {}, 'monitoring'],
    ['resolved (alertmanager)', { source: 'alertmanager', severity: 'warning', status: 'resolved' }, {}, 'monitoring'],
    // 6. everything else
    ['warning (generic)', { severity: 'warning' }, {}, 'general'],
    ['info (otlp)', { source: 'otlp' }, {}, 'general'],
    ['other category (generic)', { labels: { category: 'billing' } }, {}, 'general'],
  ])('%s → %s', (_name, alert, group, expected) => {
    expect(route(alert, group)).toEqual([expected]);
  });

  it('ignores an alert_type naming an unknown type and routes on', () => {
    expect(route({ severity: 'critical', labels: { alert_type: 'nonsense' } })).toEqual(['critical']);
    expect(route({ source: 'alertmanager', severity: 'warning' }, { requestedType: 'nope' })).toEqual(['monitoring']);
    expect(route({ labels: { alert_type: '' } })).toEqual(['general']);
  });

  it('lets the requested type win over an alert_type label', () => {
    expect(route({ labels: { alert_type: 'security' } }, { requestedType: 'tracklist' })).toEqual(['tracklist']);
    // …and a requested type that is unknown still hides the label: the sender asked for it explicitly.
    expect(route({ labels: { alert_type: 'security' } }, { requestedType: 'bogus' })).toEqual(['general']);
  });

  it('accepts user-defined types in alert_type when given them', () => {
    expect(route({ labels: { alert_type: 'deploy' } })).toEqual(['general']);
    const withDeploy = defaultRoutes(['Deploy']);
    const alert = makeAlert({ labels: { alert_type: 'DEPLOY' } });
    expect(routeAlert(alert, makeGroup([alert]), withDeploy)).toEqual(['Deploy']);
  });
});

describe('routingLabels', () => {
  it('adds source, normalized severity, status and the requested type over the labels', () => {
    const alert = makeAlert({
      source: 'grafana',
      severity: 'error',
      status: 'resolved',
      labels: { severity: 'high', team: 'db', alert_type: 'critical', source: 'x' },
    });
    expect(routingLabels(alert, { requestedType: 'monitoring' })).toEqual({
      team: 'db',
      source: 'grafana',
      severity: 'error',
      status: 'resolved',
      alert_type: 'monitoring',
    });
    expect(routingLabels(alert, {}).alert_type).toBe('critical');
  });

  it('lets rules match the status pseudo-label', () => {
    const custom = compile([{ match: 'status="resolved"', type: 'general' }, { match: [], type: 'critical' }]);
    const resolved = makeAlert({ status: 'resolved' });
    const firing = makeAlert();
    expect(routeAlert(resolved, makeGroup([resolved]), custom)).toEqual(['general']);
    expect(routeAlert(firing, makeGroup([firing]), custom)).toEqual(['critical']);
  });
});

describe('routeAlert', () => {
  it('stops at the first matching route', () => {
    const custom = compile([
      { match: ['team="db"'], type: 'monitoring' },
      { match: ['severity="critical"'], type: 'critical' },
    ]);
    const alert = makeAlert({ severity: 'critical', labels: { team: 'db' } });
    expect(routeAlert(alert, makeGroup([alert]), custom)).toEqual(['monitoring']);
  });

  it('fans out on continue: true, without repeating a type', () => {
    const custom = compile([
      { match: 'team="db"', type: 'monitoring', continue: true },
      { match: 'severity="critical"', type: 'critical', continue: true },
      { match: 'team="db"', type: 'monitoring' },
      { match: [], type: 'general' },
    ]);
    const both = makeAlert({ severity: 'critical', labels: { team: 'db' } });
    const dbOnly = makeAlert({ severity: 'warning', labels: { team: 'db' } });
    const criticalOnly = makeAlert({ severity: 'critical' });
    expect(routeAlert(both, makeGroup([both]), custom)).toEqual(['monitoring', 'critical']);
    expect(routeAlert(dbOnly, makeGroup([dbOnly]), custom)).toEqual(['monitoring']);
    expect(routeAlert(criticalOnly, makeGroup([criticalOnly]), custom)).toEqual(['critical', 'general']);
  });

  it('keeps a continue match even when nothing after it matches, and falls back to general otherwise', () => {
    const custom = compile([{ match: 'team="db"', type: 'error', continue: true }]);
    const db = makeAlert({ labels: { team: 'db' } });
    const other = makeAlert();
    expect(routeAlert(db, makeGroup([db]), custom)).toEqual(['error']);
    expect(routeAlert(other, makeGroup([other]), custom)).toEqual(['general']);
    expect(routeAlert(other, makeGroup([other]), [])).toEqual(['general']);
  });

  it('requires every matcher of a route', () => {
    const custom = compile([{ match: ['team="db"', '{env=~"prod|staging", region!=""}'], type: 'critical' }]);
    const yes = makeAlert({ labels: { team: 'db', env: 'prod', region: 'eu' } });
    const noRegion = makeAlert({ labels: { team: 'db', env: 'prod' } });
    expect(routeAlert(yes, makeGroup([yes]), custom)).toEqual(['critical']);
    expect(routeAlert(noRegion, makeGroup([noRegion]), custom)).toEqual(['general']);
  });

  it('lets a type_from_label route read any label, with the built-ins when compiled by hand', () => {
    const custom: Route[] = [{ matchers: [], typeFromLabel: 'channel', continue: false }];
    const alert = makeAlert({ labels: { channel: 'Tracklist' } });
    expect(routeAlert(alert, makeGroup([alert]), custom)).toEqual(['tracklist']);
  });

  it('does not read object prototype members as labels', () => {
    const custom = compile([{ type_from_label: 'constructor' }]);
    const alert = makeAlert();
    expect(routeAlert(alert, makeGroup([alert]), custom)).toEqual(['general']);
  });
});

describe('routeGroup', () => {
  it('splits a group by type, keeping alert order and first-seen type order', () => {
    const a1 = makeAlert({ source: 'alertmanager', severity: 'warning' });
    const a2 = makeAlert({ source: 'alertmanager', severity: 'critical' });
    const a3 = makeAlert({ source: 'alertmanager', severity: 'warning' });
    const a4 = makeAlert({ source: 'alertmanager', severity: 'critical' });
    const byType = routeGroup(makeGroup([a1, a2, a3, a4]), routes, 0).byType;
    expect([...byType.keys()]).toEqual(['monitoring', 'critical']);
    expect(byType.get('monitoring')).toEqual([a1, a3]);
    expect(byType.get('critical')).toEqual([a2, a4]);
  });

  it('puts a fanned-out alert under each of its types', () => {
    const custom = compile([
      { match: 'team="db"', type: 'monitoring', continue: true },
      { match: [], type: 'general' },
    ]);
    const db = makeAlert({ labels: { team: 'db' } });
    const other = makeAlert();
    const byType = routeGroup(makeGroup([db, other]), custom, 0).byType;
    expect(byType.get('monitoring')).toEqual([db]);
    expect(byType.get('general')).toEqual([db, other]);
  });

  it('sends a whole group with a requested type to that type', () => {
    const alerts = [makeAlert({ severity: 'critical' }), makeAlert()];
    expect([...routeGroup(makeGroup(alerts, { requestedType: 'error' }), routes, 0).byType]).toEqual([['error', alerts]]);
  });

  it('gives an empty map for an empty group', () => {
    expect(routeGroup(makeGroup([]), routes, 0).byType.size).toBe(0);
  });
});

describe('routeConfigSchema', () => {
  it('applies defaults', () => {
    expect(routeConfigSchema.parse({ type: 'general' })).toEqual({ type: 'general', match: [], continue: false });
  });

  it.each([{}, { type: 'general', type_from_label: 'alert_type' }])('needs exactly one of type / type_from_label: %j', (input) => {
    expect(routeConfigSchema.safeParse(input).success).toBe(false);
  });
});

describe('compileRoutes', () => {
  it('resolves type names case-insensitively to their canonical spelling', () => {
    const result = compileRoutes([{ type: 'CRITICAL' }, { type: 'deploy' }], new Set(['critical', 'Deploy']));
    expect(result.ok && result.routes.map((r) => r.type)).toEqual(['critical', 'Deploy']);
  });

  it('reports every problem with its path', () => {
    const result = compileRoutes(
      [
        { match: ['team="db"'], type: 'critical' },
        { match: ['ok="1"', 'sev==x', '{a=~"("}'], type: 'nope' },
        { match: 'a="b', type: 'general' },
        {},
        { type: 'general', type_from_label: 'alert_type' },
        { matchers: ['a=1'], type: 'general' },
        { type: 'general', continue: 'yes' },
        { type_from_label: 'not a label' },
        'critical',
      ],
      BUILTINS,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.path)).toEqual([
      'routes.1.match.1',
      'routes.1.match.2',
      'routes.1.type',
      'routes.2.match',
      'routes.3',
      'routes.4.type_from_label',
      'routes.5.matchers',
      'routes.6.continue',
      'routes.7.type_from_label',
      'routes.8',
    ]);
    const byPath = new Map(result.issues.map((i) => [i.path, i.message]));
    expect(byPath.get('routes.1.match.1')).toMatch(/^invalid matcher "sev==x": position 5: unexpected "="/);
    expect(byPath.get('routes.1.match.2')).toMatch(/^invalid matcher 'a=~"\("': position \d+: invalid regex "\("/);
    expect(byPath.get('routes.1.type')).toBe(
      'unknown alert type "nope" (known: general, error, critical, tracklist, monitoring, security)',
    );
    expect(byPath.get('routes.2.match')).toMatch(/unterminated quoted value/);
    expect(byPath.get('routes.3')).toBe('a route needs "type" or "type_from_label"');
    expect(byPath.get('routes.5.matchers')).toBe('unknown key "matchers"');
  });

  // Rules see the normalized severity: `severity="page"` copied from an Alertmanager route never matched,
  // and nothing said so (Alertmanager's page alerts silently went to monitoring instead of critical).
  it('refuses a severity matcher no normalized severity can meet, naming the one it means', () => {
    const result = compileRoutes(
      [
        { match: 'severity="page"', type: 'critical' },
        { match: ['team="db"', 'severity=~"sev1|sev2"'], type: 'error' },
        { match: 'severity=~"crit.*|page"', type: 'critical' },
        { match: 'severity!="info"', type: 'general' },
        { match: 'severity="warning"', type: 'monitoring' },
      ],
      BUILTINS,
    );
    if (result.ok) throw new Error('expected issues');
    expect(result.issues).toEqual([
      { path: 'routes.0.match', message: 'severity is matched normalized (critical, error, warning, info): "page" never matches; write severity="critical"' },
      { path: 'routes.1.match.1', message: 'severity is matched normalized (critical, error, warning, info): "sev1|sev2" never matches' },
    ]);
  });

  // The negative twin: `severity!="page"` (or `!="none"`, Watchdog's) copied from an Alertmanager route is always
  // true on the normalized severity, so the pages it was written to keep out silently went to that route.
  it('refuses a negative severity matcher that excludes a sender\'s synonym but none of the four', () => {
    const result = compileRoutes(
      [
        { match: 'severity!="page"', type: 'monitoring' },
        { match: ['team="db"', 'severity!~"none|p4"'], type: 'general' },
        { match: 'severity!="Critical"', type: 'monitoring' },
        { match: 'severity!=""', type: 'general' },
        { match: 'severity!~"crit.*|page"', type: 'general' },
      ],
      BUILTINS,
    );
    if (result.ok) throw new Error('expected issues');
    expect(result.issues).toEqual([
      { path: 'routes.0.match', message: 'severity is matched normalized (critical, error, warning, info): "page" is never its value, so this matcher excludes nothing; write severity!="critical"' },
      { path: 'routes.1.match.1', message: 'severity is matched normalized (critical, error, warning, info): "none|p4" is never its value, so this matcher excludes nothing' },
      { path: 'routes.2.match', message: 'severity is matched normalized (critical, error, warning, info): "Critical" is never its value, so this matcher excludes nothing; write severity!="critical"' },
    ]);
  });

  it('rejects a non-list, under the path it was given', () => {
    expect(compileRoutes({ type: 'general' }, BUILTINS, 'routing.routes')).toEqual({
      ok: false,
      issues: [{ path: 'routing.routes', message: 'routes must be a list' }],
    });
  });

  it('accepts an empty list (everything goes to general)', () => {
    expect(compileRoutes([], BUILTINS)).toEqual({ ok: true, routes: [] });
  });
});
