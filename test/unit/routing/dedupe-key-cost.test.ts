import { describe, expect, it } from 'vitest';
import { stableStringify } from '../../../src/lib/hash.js';
import type { AlertGroup } from '../../../src/model/alert.js';
import { counterpartDedupeKeys, dedupeKey, sharedParts } from '../../../src/routing/dedupe-key.js';
import { parseGeneric } from '../../../src/sources/generic/parse.js';
import { countingLabels } from '../../helpers/counting-labels.js';
import { onlyGroup } from '../sources/helpers.js';

/** A script's alert without a dedupe_key (keyed by its content) carrying `count` labels, read through `wrap`. */
function scriptGroup(count: number, wrap: <T extends object>(o: T) => T = (o) => o): AlertGroup {
  const labels = Object.fromEntries(Array.from({ length: count }, (_, i) => [`label_${i}`, `value_${i}`]));
  const group = onlyGroup(parseGeneric({ title: 'disk full', message: 'on db-1', severity: 'warning', labels }));
  return { ...group, alerts: group.alerts.map((a) => ({ ...a, labels: wrap(a.labels) })) };
}

describe('dedupe keys of a script alert keyed by its content', () => {
  it('name the same content alike and the other states and severities as counterparts', () => {
    const group = scriptGroup(50);
    const key = dedupeKey(group, 'general', group.alerts);
    expect(dedupeKey(scriptGroup(50), 'general', scriptGroup(50).alerts)).toBe(key);
    const counterparts = counterpartDedupeKeys(group, () => ['general'], group.alerts).get('general') ?? [];
    // Resolved at four severities, firing at the three others.
    expect(counterparts).toHaveLength(7);
    expect(counterparts).not.toContain(key);
    const resolved = { ...group, alerts: group.alerts.map((a) => ({ ...a, status: 'resolved' as const, severity: 'info' as const })) };
    expect(counterparts).toContain(dedupeKey(resolved, 'general', resolved.alerts));
  });

  // Each of the eight variants (other state, other severities) wrote and sorted every label again: a script
  // alert with 200,000 labels held the event loop ~3 s in intake. Intake has them written once for all.
  it('read the labels once for the key and all its counterparts, not once per variant', () => {
    const one = countingLabels();
    stableStringify(scriptGroup(1000, one.count).alerts[0]!.labels);
    const pass = one.reads();
    const { count, reads } = countingLabels();
    const group = scriptGroup(1000, count);
    const known = sharedParts(group, group.alerts);
    dedupeKey(group, 'general', group.alerts, known);
    counterpartDedupeKeys(group, () => ['general'], group.alerts, known);
    expect(reads()).toBeLessThanOrEqual(pass + 10);
  });
});
