import type { Severity } from '../model/severity.js';

/**
 * Synonyms senders use for severity, normalized to our four levels. Matching is case-insensitive and
 * ignores surrounding whitespace. Documented in README ("Severity").
 */
export const SEVERITY_SYNONYMS: Readonly<Record<string, Severity>> = Object.freeze({
  critical: 'critical', crit: 'critical', page: 'critical', p1: 'critical', fatal: 'critical',
  emergency: 'critical', emerg: 'critical', alert: 'critical', disaster: 'critical', p0: 'critical',
  error: 'error', err: 'error', high: 'error', major: 'error', p2: 'error',
  warning: 'warning', warn: 'warning', minor: 'warning', medium: 'warning', average: 'warning', p3: 'warning',
  info: 'info', information: 'info', informational: 'info', low: 'info', notice: 'info', none: 'info',
  debug: 'info', ok: 'info', p4: 'info', p5: 'info',
});

/** Label names consulted for a severity, in order. */
export const SEVERITY_LABELS = ['severity', 'priority', 'level'] as const;

/** Maps one free-text severity to ours; undefined when unknown or empty. */
export function parseSeverity(value: unknown): Severity | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const key = String(value).trim().toLowerCase();
  // hasOwn: 'constructor' or 'toString' must not find Object.prototype's members.
  return Object.hasOwn(SEVERITY_SYNONYMS, key) ? SEVERITY_SYNONYMS[key] : undefined;
}

/**
 * The severity of an alert from its labels (severity, then priority, then level), falling back to the
 * source's default (warning for Alertmanager and Grafana, info for generic).
 */
export function severityFromLabels(labels: Record<string, string>, fallback: Severity): Severity {
  for (const name of SEVERITY_LABELS) {
    const found = parseSeverity(labels[name]);
    if (found) return found;
  }
  return fallback;
}
