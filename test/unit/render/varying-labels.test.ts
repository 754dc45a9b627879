import { describe, expect, it } from 'vitest';
import { varyingLabels } from '../../../src/render/compact.js';
import { countingLabels } from '../../helpers/counting-labels.js';
import { makeAlert } from './helpers.js';

describe('varyingLabels', () => {
  it('names the labels whose value differs between alerts, a label some alerts lack included', () => {
    const alerts = [
      makeAlert({ labels: { alertname: 'X', job: 'node', instance: 'a', pod: 'p' } }),
      makeAlert({ labels: { alertname: 'X', job: 'node', instance: 'b' } }),
      makeAlert({ labels: { alertname: 'X', job: 'node', instance: 'b', zone: 'z' } }),
    ];
    expect([...varyingLabels(alerts)].sort()).toEqual(['instance', 'pod', 'zone']);
    expect(varyingLabels(alerts.slice(0, 1)).size).toBe(0);
    expect(varyingLabels([alerts[1]!, alerts[1]!]).size).toBe(0);
  });

  // A group whose alerts each carry a label of their own (a label name per host, a hostile sender): every
  // such label was looked for in every alert before it, 5,000 alerts held the event loop seconds per
  // packing level, 20,000 a minute. The work must grow with the labels, not with their square.
  it('looks at each label a bounded number of times, however many alerts have labels of their own', () => {
    const { count, reads } = countingLabels();
    const alerts = Array.from({ length: 2000 }, (_, i) => makeAlert({ labels: count({ alertname: 'X', [`only_${i}`]: 'v' }) }));
    const varying = varyingLabels(alerts);
    expect(varying.size).toBe(2000);
    expect(varying.has('alertname')).toBe(false);
    expect(varying.has('only_1999')).toBe(true);
    expect(reads()).toBeLessThan(10 * 2 * 2000);
  });
});
