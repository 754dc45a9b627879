import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import type { PromSample } from './prom-text.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NOT_FOUND = 'promtool not found: apt-get install -y prometheus (npm test installs it)';
/** The shipped rules, as users load them. */
export const RULES_FILE = join(ROOT, 'config/examples/alertcord-rules.yml');

/** Runs promtool; a missing binary fails with the package to install (tests never skip without it). */
export function promtool(...args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    execFile('promtool', args, { cwd: ROOT, timeout: 30_000 }, (err, stdout, stderr) => {
      if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') return reject(new Error(NOT_FOUND));
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

/** One `promtool test rules` case: input series and what each alert should be at a time. */
export interface RuleTest {
  interval: string;
  input_series: { series: string; values: string }[];
  alert_rule_test: { eval_time: string; alertname: string; exp_alerts: ExpectedAlert[] }[];
}

export interface ExpectedAlert {
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
}

/**
 * The alert `alertname` of the shipped rules as promtool should see it: its labels plus `labels`, and its
 * annotations with `{{ $labels.x }}` and `{{ $value }}` filled in (promtool compares annotations too).
 */
export function expectedAlert(alertname: string, labels: Record<string, string>, value = ''): ExpectedAlert {
  const doc = parse(readFileSync(RULES_FILE, 'utf8')) as { groups: { rules: { alert?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[] };
  const rule = doc.groups.flatMap((g) => g.rules).find((r) => r.alert === alertname);
  if (!rule) throw new Error(`no alert ${alertname} in ${RULES_FILE}`);
  const fill = (t: string) => t.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, k: string) => labels[k] ?? '').replace(/\{\{ \$value \}\}/g, value);
  return {
    exp_labels: { ...rule.labels, ...labels },
    exp_annotations: Object.fromEntries(Object.entries(rule.annotations ?? {}).map(([k, v]) => [k, fill(v)])),
  };
}

/** Runs `promtool test rules` on the shipped rules with `tests`, written to a temporary file. */
export async function promtoolTestRules(tests: RuleTest[]): Promise<{ code: number; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'alertcord-promtool-'));
  try {
    const file = join(dir, 'rules.test.yml');
    await writeFile(file, stringify({ rule_files: [RULES_FILE], evaluation_interval: '1m', tests }));
    return await promtool('test', 'rules', file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Turns scrapes of a real /metrics (one a minute, in order) into promtool input series for the metrics
 * `names`, with the target labels Prometheus adds: a series missing from a scrape is `stale`, as
 * Prometheus marks a series that a scrape no longer holds.
 */
export function seriesFromScrapes(scrapes: readonly PromSample[][], names: readonly string[], target: Record<string, string>): RuleTest['input_series'] {
  const keys = new Map<string, Record<string, string>>();
  for (const s of scrapes.flat()) {
    if (!names.includes(s.name)) continue;
    const labels = { ...s.labels, ...target };
    keys.set(selector(s.name, labels), labels);
  }
  return [...keys.keys()].map((key) => ({
    series: key,
    values: scrapes
      .map((scrape) => {
        const hit = scrape.find((s) => selector(s.name, { ...s.labels, ...target }) === key);
        return hit ? String(hit.value) : 'stale';
      })
      .join(' '),
  }));
}

function selector(name: string, labels: Record<string, string>): string {
  const body = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${labels[k]!.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
    .join(',');
  return `${name}{${body}}`;
}
