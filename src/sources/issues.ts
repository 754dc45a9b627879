import type { z } from 'zod';
import type { ParseIssue, ParseResult } from './types.js';

/** A path as the dotted string of {@link ParseIssue.path}: `['alerts', 0, 'labels']` → `alerts.0.labels`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  return segments.map((s) => (typeof s === 'symbol' ? (s.description ?? '') : String(s))).join('.');
}

/**
 * Zod's findings as our issues, each path prefixed (the index of an object inside a generic array).
 * The one place zod issues are converted, so every source reports paths the same way.
 */
export function issuesFromZod(error: z.ZodError, prefix: readonly PropertyKey[] = []): ParseIssue[] {
  return error.issues.map((issue) => ({ path: formatPath([...prefix, ...issue.path]), message: issue.message }));
}

/** Runs a schema and answers its data, or its issues with paths under `prefix`. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  body: unknown,
  prefix: readonly PropertyKey[] = [],
): { ok: true; data: z.output<S> } | { ok: false; issues: ParseIssue[] } {
  const parsed = schema.safeParse(body);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, issues: issuesFromZod(parsed.error, prefix) };
}

/**
 * Issues listed in one answer. A megabyte of bad objects can hold tens of thousands of problems; the sender
 * needs the first ones and the count, not a reply larger than its request.
 */
export const MAX_REPORTED_ISSUES = 100;

/**
 * Issues one parse collects before it stops looking (each array and map of a body stops there, see
 * `boundedArray`): zod records every issue (~750 bytes each) before any could be trimmed, and a body of tiny
 * bad elements (`{"alerts":[{},{},…]}`) held millions. 600 KB of them took 260 MB and 3 s; 8 MiB ran the
 * process out of memory, every sender's alerts with it.
 */
export const MAX_COLLECTED_ISSUES = 1000;

/** A failed {@link ParseResult}: the first {@link MAX_REPORTED_ISSUES} issues, then one saying how many more. */
export function rejected(issues: ParseIssue[]): ParseResult {
  if (issues.length <= MAX_REPORTED_ISSUES) return { ok: false, issues };
  const listed = issues.slice(0, MAX_REPORTED_ISSUES);
  const more = issues.length - MAX_REPORTED_ISSUES;
  const count = issues.length >= MAX_COLLECTED_ISSUES ? `at least ${more}` : String(more);
  return { ok: false, issues: [...listed, { path: '', message: `${count} more problems not listed; fix these first` }] };
}
