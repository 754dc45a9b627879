import { describe, expect, it } from 'vitest';
import { renderAlertEmbed } from '../../../src/render/alert-embed.js';
import { parseAlertmanager } from '../../../src/sources/alertmanager/parse.js';
import { parseGrafana } from '../../../src/sources/grafana/parse.js';
import { fixtureBody, onlyGroup } from '../sources/helpers.js';
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
});
