import { describe, expect, it } from 'vitest';
import type { Severity } from '../../../src/model/severity.js';
import { parseSeverity, severityFromLabels } from '../../../src/routing/severity.js';

describe('parseSeverity', () => {
  it.each<[Severity, string[]]>([
    ['critical', ['critical', 'crit', 'page', 'p1', 'p0', 'fatal', 'emergency', 'emerg', 'alert', 'disaster']],
    ['error', ['error', 'err', 'high', 'major', 'p2']],
    ['warning', ['warning', 'warn', 'minor', 'medium', 'average', 'p3']],
    ['info', ['info', 'information', 'informational', 'low', 'notice', 'none', 'debug', 'ok', 'p4', 'p5']],
  ])('%s ← %j', (expected, synonyms) => {
    for (const word of synonyms) expect(parseSeverity(word), word).toBe(expected);
  });

  it.each([
    ['CRITICAL', 'critical'],
    ['Page', 'critical'],
    ['  warn  ', 'warning'],
    ['\tHigh\n', 'error'],
    ['P1', 'critical'],
  ])('ignores case and surrounding whitespace: %j → %s', (input, expected) => {
    expect(parseSeverity(input)).toBe(expected);
  });

  it.each([undefined, null, '', '   ', 'severe', 'p 1', 'warning!', 1, true, {}, ['critical']])(
    'gives undefined for %j',
    (input) => {
      expect(parseSeverity(input)).toBeUndefined();
    },
  );

  // A plain lookup table would find Object.prototype's members for these names.
  it('does not treat object prototype names as synonyms', () => {
    expect(parseSeverity('constructor')).toBeUndefined();
    expect(parseSeverity('toString')).toBeUndefined();
    expect(severityFromLabels({ severity: 'constructor' }, 'warning')).toBe('warning');
  });
});

describe('severityFromLabels', () => {
  it('reads severity, then priority, then level', () => {
    expect(severityFromLabels({ severity: 'page', priority: 'low', level: 'warn' }, 'info')).toBe('critical');
    expect(severityFromLabels({ priority: 'P2', level: 'warn' }, 'info')).toBe('error');
    expect(severityFromLabels({ level: 'WARN' }, 'info')).toBe('warning');
  });

  it('skips labels whose value is unknown or empty', () => {
    expect(severityFromLabels({ severity: 'whatever', priority: 'high' }, 'info')).toBe('error');
    expect(severityFromLabels({ severity: '', level: 'notice' }, 'warning')).toBe('info');
  });

  it('falls back to the source default', () => {
    expect(severityFromLabels({}, 'warning')).toBe('warning');
    expect(severityFromLabels({}, 'info')).toBe('info');
    expect(severityFromLabels({ severity: 'unknown', team: 'critical' }, 'warning')).toBe('warning');
  });
});
