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

/** A failed {@link ParseResult}. */
export function rejected(issues: ParseIssue[]): ParseResult {
  return { ok: false, issues };
}
