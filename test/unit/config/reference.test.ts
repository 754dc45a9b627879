import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envSchema, FILE_VARIABLES, WEBHOOK_ENV } from '../../../src/config/env.js';
import { fileSchema } from '../../../src/config/schema.js';
import { routeConfigSchema } from '../../../src/routing/rules.js';
import { schemaKeys } from './reference.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const reference = readme.slice(readme.indexOf('<!-- config:start -->'), readme.indexOf('<!-- config:end -->'));

/** A key is documented when its last segment appears in a row that names its parent path. */
function documented(key: string): boolean {
  const parts = key.split('.');
  const leaf = parts.at(-1)!;
  const parent = parts.slice(0, -1).join('.');
  return reference.split('\n').some((row) => row.includes(`\`${key}\``) || (row.includes(parent) && row.includes(leaf)));
}

describe('README configuration reference', () => {
  it('documents every YAML key the schema accepts', () => {
    const keys = [...schemaKeys(fileSchema), ...schemaKeys(routeConfigSchema, 'routes[]')];
    // Section headers (objects) are covered by their leaves.
    const leaves = keys.filter((k) => !keys.some((other) => other.startsWith(`${k}.`)));
    expect(leaves.filter((k) => !documented(k))).toEqual([]);
  });

  it('documents every environment variable', () => {
    const names = [...Object.keys(envSchema.shape), ...Object.values(WEBHOOK_ENV).map((v) => v.replace('DISCORD_WEBHOOK', ''))];
    expect(names.filter((n) => !reference.includes(n))).toEqual([]);
    expect(FILE_VARIABLES.length).toBeGreaterThan(0);
    expect(reference).toContain('_FILE');
  });
});
