import { describe, expect, it } from 'vitest';
import { renderAlertEmbed } from '../../../src/render/alert-embed.js';
import { compactField, COMPACT_LEVELS } from '../../../src/render/compact.js';
import { keyLabels } from '../../../src/render/format.js';
import { withSilenceLink } from '../../../src/render/silence-link.js';
import { parseAlertmanager } from '../../../src/sources/alertmanager/parse.js';
import { parseGrafana } from '../../../src/sources/grafana/parse.js';
import { fixtureBody, fixtureObject, onlyGroup } from '../sources/helpers.js';
import { makeOptions } from './helpers.js';

/** What captured sender payloads look like once parsed and rendered as alert embeds. */
describe('alert embeds of captured payloads', () => {
  it("shows a legacy Grafana match's metric once (as its label) and its value", () => {
    const alert = onlyGroup(parseGrafana(fixtureBody('grafana/legacy-alerting.json'))).alerts[0]!;
    const fields = renderAlertEmbed(alert, makeOptions()).fields ?? [];
    expect(fields.filter((f) => f.value.includes('web-1 /var')).map((f) => f.name)).toHaveLength(1);
    expect(fields.map((f) => f.value)).toContain('91.5');
  });

  // A rule's summary is the title; its alertname is what on-call greps for and silences by.
  it('shows the alertname when the summary is the title, and only then', () => {
    const alert = onlyGroup(parseAlertmanager(fixtureBody('alertmanager/firing-critical.json'))).alerts[0]!;
    const fields = renderAlertEmbed(alert, makeOptions()).fields ?? [];
    expect(fields.find((f) => f.name === 'alertname')?.value).toBe('`PostgresDown`');
    const unnamed = renderAlertEmbed({ ...alert, title: 'PostgresDown' }, makeOptions()).fields ?? [];
    expect(unnamed.map((f) => f.name)).not.toContain('alertname');
  });

  // Grafana sends its rules' alerts to an external Alertmanager with its internal labels, which Alertmanager
  // passes on: they took two of the six label fields (mountpoint fell into "+N more labels") and led the
  // compact line of every alert of a packed storm, where the label that tells alerts apart belongs.
  it('hides labels reserved for internal use (`__…`), in full and compact form; the silence link keeps them', () => {
    const body = fixtureObject('alertmanager/firing-two-alerts.json');
    for (const a of body['alerts']) Object.assign(a.labels, { __alert_rule_uid__: 'adc2invmvlam8c', __alert_rule_namespace_uid__: 'xiEMOMC7z', grafana_folder: 'infra' });
    const group = onlyGroup(parseAlertmanager(body));
    const alert = group.alerts[0];
    const fields = renderAlertEmbed(withSilenceLink(alert!, group), makeOptions()).fields ?? [];
    expect(fields.map((f) => f.name)).toEqual(['Severity', 'alertname', 'instance', 'cluster', 'grafana\\_folder', 'mountpoint', 'Links']);
    expect(fields.at(-1)!.value).toContain(encodeURIComponent('__alert_rule_uid__="adc2invmvlam8c"'));
    const line = compactField(alert!, COMPACT_LEVELS[0]!, new Set(['instance', '__alert_rule_uid__'])).value;
    expect(line).toContain('instance=web-1');
    expect(line).not.toMatch(/alert\\_rule/);
  });

  // Only the `__` prefix is reserved (Prometheus data model): a label of one leading underscore is the sender's own.
  it('still shows a label of one leading underscore', () => {
    expect(keyLabels({ _shard: '3', __tmp_source: 'x', job: 'node' })).toEqual([['job', 'node'], ['_shard', '3']]);
  });
});
