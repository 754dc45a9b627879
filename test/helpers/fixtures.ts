import { readFileSync } from 'node:fs';

/** A captured request: its headers and body, as stored under test/fixtures/<source>/. */
export interface Fixture {
  headers: Record<string, string>;
  body: unknown;
}

/** Loads test/fixtures/<path> (e.g. 'alertmanager/firing-two-alerts.json'). */
export function fixture(path: string): Fixture {
  return JSON.parse(readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8')) as Fixture;
}

/** The body of a fixture, deep-copied so a test may change it. */
export function fixtureBody<T = Record<string, unknown>>(path: string): T {
  return structuredClone(fixture(path).body) as T;
}
