import { describe, expect, it } from 'vitest';
import type { AlertGroup } from '../../../src/model/alert.js';
import { dedupeKey } from '../../../src/routing/dedupe-key.js';
import { parseAlertmanager } from '../../../src/sources/alertmanager/parse.js';
import { parseGrafana } from '../../../src/sources/grafana/parse.js';
import { fixtureObject, onlyGroup } from '../sources/helpers.js';

/** The dedupe key of a parsed group as intake computes it for one alert type. */
const keyOf = (group: AlertGroup, type = 'monitoring'): string => dedupeKey(group, type, group.alerts);

describe('dedupeKey of Alertmanager and Grafana groups', () => {
  it('gives both members of an Alertmanager HA pair one key (their externalURL differs)', () => {
    const first = fixtureObject('alertmanager/firing-two-alerts.json');
    const second = fixtureObject('alertmanager/firing-two-alerts.json');
    second['externalURL'] = 'http://alertmanager-2.example:9093';
    second['alerts'].reverse();
    expect(keyOf(onlyGroup(parseAlertmanager(second)))).toBe(keyOf(onlyGroup(parseAlertmanager(first))));
  });

  it('gives a Grafana re-send one key although its dashboard link moved on (`to` is the send time)', () => {
    const first = fixtureObject('grafana/firing-unified.json');
    const again = fixtureObject('grafana/firing-unified.json');
    again['alerts'][0].dashboardURL = 'https://grafana.example/d/api-overview?from=1795884000000&orgId=1&to=1795887900000';
    expect(keyOf(onlyGroup(parseGrafana(again)))).toBe(keyOf(onlyGroup(parseGrafana(first))));
  });

  // Each Grafana organization has its own Alertmanager: the groupKey names the contact point and group
  // labels, not the org. A rule provisioned into two orgs with the same UID has the same fingerprint, and
  // evaluated on the same tick the same start: only `orgId` tells the two notifications apart.
  it('keeps the same rule firing in two Grafana organizations apart', () => {
    const orgOne = fixtureObject('grafana/firing-unified.json');
    const orgTwo = fixtureObject('grafana/firing-unified.json');
    orgTwo['orgId'] = 2;
    orgTwo['alerts'][0].silenceURL = orgTwo['alerts'][0].silenceURL.replace('orgId=1', 'orgId=2');
    expect(keyOf(onlyGroup(parseGrafana(orgTwo)))).not.toBe(keyOf(onlyGroup(parseGrafana(orgOne))));
  });
});
