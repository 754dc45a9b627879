import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { utcMinute } from './machine.js';
import { mergeOutputs, renderTable } from './table.js';
import type { ScenarioOutput } from './types.js';

const RESULTS_JSON = fileURLToPath(new URL('./results.json', import.meta.url));
const RESULTS_MD = fileURLToPath(new URL('./results.md', import.meta.url));
const README = fileURLToPath(new URL('../README.md', import.meta.url));
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/** One scenario's stored run: kept across `--only` runs, so a partial run updates only what it measured. */
export interface StoredRun {
  machine: string;
  measuredAt: string;
  outputs: ScenarioOutput[];
}

export type StoredResults = Record<string, StoredRun>;

export function readStored(): StoredResults {
  if (!existsSync(RESULTS_JSON)) return {};
  try {
    return JSON.parse(readFileSync(RESULTS_JSON, 'utf8')) as StoredResults;
  } catch {
    return {};
  }
}

/** Markdown of every stored scenario, in `order`; the machine line once, or per table when runs differ. */
export function renderResults(stored: StoredResults, order: readonly string[]): string {
  const runs = order.map((id) => stored[id]).filter((r): r is StoredRun => r !== undefined);
  const oneMachine = new Set(runs.map((r) => r.machine)).size <= 1;
  const dates = runs.map((r) => r.measuredAt).sort();
  const parts: string[] = [];
  if (oneMachine && runs[0]) parts.push(`**Machine:** ${runs[0].machine}. **Measured:** ${utcMinute(dates[0]!)} – ${utcMinute(dates[dates.length - 1]!)}.`);
  const where = (r: StoredRun): string => `${oneMachine ? 'measured' : `measured on ${r.machine},`} ${utcMinute(r.measuredAt)}`;
  const tables = mergeOutputs(runs.flatMap((r) => r.outputs.map((o) => ({ ...o, notes: [...o.notes.map((n, i) => (i === 0 ? `${n} (${where(r)})` : n))] }))));
  for (const table of tables) parts.push(renderTable(table));
  return parts.join('\n\n');
}

/** Writes bench/results.json and bench/results.md; updates README.md between the markers when present. */
export function writeResults(stored: StoredResults, markdown: string): string {
  writeFileSync(RESULTS_JSON, `${JSON.stringify(stored, null, 2)}\n`);
  writeFileSync(RESULTS_MD, `# alertcord benchmark\n\nWritten by \`npm run bench\` (bench/run.ts). Do not edit by hand.\n\n${markdown}\n`);
  if (!existsSync(README)) return 'README.md not found: only bench/results.md was written';
  const updated = replaceBetweenMarkers(readFileSync(README, 'utf8'), markdown);
  if (updated === undefined) return `README.md has no ${START} … ${END} markers: only bench/results.md was written`;
  writeFileSync(README, updated);
  return 'README.md updated between the bench markers';
}

/** `text` with what lies between the bench markers replaced by `markdown`; undefined without the markers. */
export function replaceBetweenMarkers(text: string, markdown: string): string | undefined {
  const start = text.indexOf(START);
  const end = text.indexOf(END, start + START.length);
  if (start === -1 || end === -1) return undefined;
  return `${text.slice(0, start + START.length)}\n${markdown}\n${text.slice(end)}`;
}
