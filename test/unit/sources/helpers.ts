import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { AlertGroup } from '../../../src/model/alert.js';
import type { ParseIssue, ParseResult } from '../../../src/sources/types.js';

/** The `body` of a captured request under test/fixtures (`{ headers, body }` files). */
export function fixtureBody(relative: string): unknown {
  const url = new URL(`../../fixtures/${relative}`, import.meta.url);
  const parsed = JSON.parse(readFileSync(url, 'utf8')) as { body: unknown };
  return parsed.body;
}

/** A fixture body as a mutable object, for tests that vary one field. */
export function fixtureObject(relative: string): Record<string, any> {
  return fixtureBody(relative) as Record<string, any>;
}

/** The groups of a successful parse; fails the test with the issues otherwise. */
export function groupsOf(result: ParseResult): AlertGroup[] {
  if (!result.ok) throw new Error(`expected ok, got issues ${JSON.stringify(result.issues)}`);
  return result.groups;
}

/** The only group of a successful parse. */
export function onlyGroup(result: ParseResult): AlertGroup {
  const groups = groupsOf(result);
  expect(groups).toHaveLength(1);
  return groups[0]!;
}

/** The issues of a failed parse; fails the test when it succeeded. */
export function issuesOf(result: ParseResult): ParseIssue[] {
  if (result.ok) throw new Error('expected issues, got ok');
  return result.issues;
}

/** The paths of a failed parse's issues. */
export function issuePaths(result: ParseResult): string[] {
  return issuesOf(result).map((i) => i.path);
}
