import { describe, expect, it } from 'vitest';
import { keyLabels, labelFields, labelLine, MAX_LABEL_FIELDS } from '../../../src/render/format.js';
import { escapeText, inlineCode } from '../../../src/render/escape.js';
import { MAX_FIELD_VALUE, truncate } from '../../../src/render/limits.js';
import { countingLabels } from '../../helpers/counting-labels.js';

/** An alert's labels: a few identifying ones among `count` others, in no particular order, one a `service.name` alias. */
function manyLabels(count: number): Record<string, string> {
  const labels: Record<string, string> = {};
  for (let i = count - 1; i >= 0; i--) labels[`l${(i * 7919) % count}`] = `v${i}`;
  return Object.assign(labels, { job: 'node', instance: 'web-1', 'service.name': 'api', service_name: 'api', severity: 'critical', __internal: 'x', '': 'empty key' });
}

describe('key labels of an alert with many labels', () => {
  // What is shown is the head of the display order (identifying labels, then by name) and a count: the
  // same whether the labels are sorted in full or only as far as a field or line can show.
  it('shows the first labels in display order and counts the rest', () => {
    const labels = manyLabels(5000);
    const all = keyLabels(labels, 'title');
    expect(all.slice(0, 4)).toEqual([['instance', 'web-1'], ['job', 'node'], ['service.name', 'api'], ['', 'empty key']]);
    expect(all).toHaveLength(5000 + 4);
    const fields = labelFields(labels, 'title');
    expect(fields.slice(0, MAX_LABEL_FIELDS)).toEqual(all.slice(0, MAX_LABEL_FIELDS).map(([k, v]) => ({ name: escapeText(k, 256), value: inlineCode(v), inline: true })));
    const summary = truncate(all.slice(MAX_LABEL_FIELDS).map(([k, v]) => `${k}=${v}`).join(', '), MAX_FIELD_VALUE);
    expect(fields[MAX_LABEL_FIELDS]).toEqual({ name: `+${all.length - MAX_LABEL_FIELDS} more labels`, value: escapeText(summary, MAX_FIELD_VALUE) });
    expect(fields).toHaveLength(MAX_LABEL_FIELDS + 1);
  });

  it('leads a label line with the labels asked first, then the display order, cut to its room', () => {
    const labels = manyLabels(5000);
    const line = labelLine(labels, 60, new Set(['l4999', 'l17']));
    expect(line).toBe(escapeText(`l17=${labels['l17']} l4999=${labels['l4999']} instance=web-1 job=node service.name=api`, 60));
  });

  // An alert with 200,000 labels was enumerated twice per rendering (Object.entries for its aliases, again
  // for the labels), each pass slower than sorting them, at each of the four packing levels: seconds with the
  // event loop held. Each rendering now goes through the labels once.
  it('goes through the labels once per rendering', () => {
    const { count, reads } = countingLabels();
    const labels = count(manyLabels(2000));
    labelFields(labels, 'title');
    expect(reads()).toBeLessThanOrEqual(2 * 2007 + 20);
    const before = reads();
    labelLine(labels, 150);
    expect(reads() - before).toBeLessThanOrEqual(2 * 2007 + 20);
  });
});
