import { readFileSync } from 'node:fs';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../src/config/load.js';
import { createRuntime, type Runtime } from '../../../src/runtime.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const operations = readme.slice(readme.indexOf('<!-- operations:start -->'), readme.indexOf('<!-- operations:end -->'));

/** The README's metric table: name → type and label names (`alertcord_process_*` rows are prefixes). */
function documentedFamilies(): Map<string, { type: string; labels: string[] }> {
  const rows = new Map<string, { type: string; labels: string[] }>();
  for (const line of operations.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (!cells[1]?.startsWith('`alertcord_')) continue;
    const labels = [...cells[3]!.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!);
    for (const name of cells[1].matchAll(/`(alertcord_[a-z_*]+)`/g)) rows.set(name[1]!, { type: cells[2]!, labels });
  }
  return rows;
}

let runtime: Runtime | undefined;
afterEach(async () => {
  await runtime?.stop(0);
  runtime = undefined;
});

describe("README's metric table (Operations) against what GET /metrics exposes", () => {
  it('lists every family a runtime registers, with its type and labels, and nothing it does not', async () => {
    const { config } = loadConfigOrThrow({ env: { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/general-token' }, yaml: '' });
    runtime = createRuntime({ config, logger: pino({ level: 'silent' }) });
    const documented = documentedFamilies();
    const wildcards = [...documented.keys()].filter((n) => n.endsWith('*')).map((n) => n.slice(0, -1));
    const exposed = new Map<string, { type: string; labels: string[] }>();
    for (const m of runtime.metrics.registry.getMetricsAsArray()) {
      if (wildcards.some((prefix) => m.name.startsWith(prefix))) continue;
      exposed.set(m.name, { type: String(m.type), labels: [...((m as { labelNames?: readonly string[] }).labelNames ?? [])] });
    }
    const listed = new Map([...documented].filter(([name]) => !name.endsWith('*')));
    expect([...exposed.keys()].filter((n) => !listed.has(n)), 'exposed, not in the README table').toEqual([]);
    expect([...listed.keys()].filter((n) => !exposed.has(n)), 'in the README table, not exposed').toEqual([]);
    for (const [name, row] of listed) expect({ name, ...row }).toEqual({ name, ...exposed.get(name)! });
    expect(wildcards.length).toBeGreaterThan(0);
  });
});
