import type { AlertGroup } from '../model/alert.js';

/**
 * One problem found in an inbound payload. `path` is dotted from the body's root (`alerts.0.labels`,
 * `1.title` for the second object of a generic array); the empty string means the body itself.
 */
export interface ParseIssue {
  path: string;
  message: string;
}

/**
 * What every source parser returns, so the HTTP layer treats all sources alike: the alert groups of the
 * request, or every problem found (a bad payload is an expected failure, a value, never a throw).
 */
export type ParseResult = { ok: true; groups: AlertGroup[] } | { ok: false; issues: ParseIssue[] };
