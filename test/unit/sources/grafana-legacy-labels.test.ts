import { describe, expect, it } from 'vitest';
import { MAX_LEGACY_LABELS } from '../../../src/sources/grafana/legacy.js';
import { parseGrafana } from '../../../src/sources/grafana/parse.js';
import { issuesOf, onlyGroup } from './helpers.js';

/** A legacy alerting body: the rule's `tags` are copied into the labels of every one of its `evalMatches`. */
function legacy(tags: number, matches: number): Record<string, unknown> {
  return {
    ruleId: 7, ruleName: 'Disk full', ruleUrl: 'https://grafana.example/d/x', state: 'alerting', title: '[Alerting] Disk full', message: 'disk',
    tags: Object.fromEntries(Array.from({ length: tags }, (_, i) => [`tag_${i}`, `v${i}`])),
    evalMatches: Array.from({ length: matches }, (_, i) => ({ value: i, metric: `host-${i}`, tags: { instance: `host-${i}` } })),
  };
}

describe('legacy Grafana: rule tags copied into every match', () => {
  it('gives each match the rule tags, for a wide rule over many series', () => {
    const group = onlyGroup(parseGrafana(legacy(50, 2000)));
    expect(group.alerts).toHaveLength(2000);
    expect(group.alerts[1999]!.labels).toMatchObject({ tag_0: 'v0', tag_49: 'v49', instance: 'host-1999', metric: 'host-1999', alertname: 'Disk full' });
  });

  // The copies multiply: 2,000 tags (40 KB) × 600 matches (20 KB) made 1.2 million labels, and a 1.8 MB body
  // with 40 matches held the event loop 14 s (1,000 matches: minutes, then out of memory). A body is refused
  // whose alerts would hold more labels than a body at the default limit could carry written out plainly.
  it('refuses a body whose matches would hold more labels than a plain body could', () => {
    const tags = 2000;
    const matches = Math.ceil(MAX_LEGACY_LABELS / tags) + 1;
    const issues = issuesOf(parseGrafana(legacy(tags, matches)));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe('evalMatches');
    expect(issues[0]!.message).toMatch(/labels/);
  });
});
