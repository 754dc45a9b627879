import type { Metric, ResultTable, ScenarioOutput, SystemResult } from './types.js';

const PASS = '✅';
const FAIL = '❌';

/** Merges scenario outputs into tables: outputs naming the same table land side by side, in run order. */
export function mergeOutputs(outputs: readonly ScenarioOutput[]): ResultTable[] {
  const tables = new Map<string, ResultTable>();
  for (const out of outputs) {
    const table = tables.get(out.table) ?? { id: out.table, title: out.title, metrics: [], systems: [], notes: [] };
    tables.set(out.table, table);
    for (const metric of out.metrics) addMetric(table.metrics, metric);
    table.systems.push(...out.systems);
    table.notes.push(...out.notes);
  }
  return [...tables.values()];
}

function addMetric(metrics: Metric[], metric: Metric): void {
  const at = metrics.findIndex((m) => m.key === metric.key);
  if (at === -1) metrics.push(metric);
  else if (metrics[at]?.target === undefined && metric.target !== undefined) metrics[at] = metric;
}

/** Markdown of one table: | Metric | Target | system | Pass | other system | …; a Pass column only for systems judged. */
export function renderTable(table: ResultTable): string {
  const judged = (s: SystemResult): boolean => s.pass !== undefined && Object.keys(s.pass).length > 0;
  const header = ['Metric', 'Target', ...table.systems.flatMap((s) => (judged(s) ? [s.system, 'Pass'] : [s.system]))];
  const rows = table.metrics.map((m) => [
    m.label,
    m.target ?? '',
    ...table.systems.flatMap((s) => {
      const value = s.values[m.key] ?? '–';
      if (!judged(s)) return [value];
      const pass = s.pass?.[m.key];
      return [value, pass === undefined ? '' : pass ? PASS : FAIL];
    }),
  ]);
  const line = (cells: readonly string[]): string => `| ${cells.map(escapeCell).join(' | ')} |`;
  const lines = [line(header), line(header.map(() => '---')), ...rows.map(line)];
  const notes = table.notes.map((n) => `- ${n}`);
  return [`### ${table.title}`, '', ...lines, ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Plain-text summary for the console: one line per judged metric and system. */
export function verdictLines(tables: readonly ResultTable[]): string[] {
  const lines: string[] = [];
  for (const t of tables) {
    for (const s of t.systems) {
      for (const m of t.metrics) {
        const pass = s.pass?.[m.key];
        if (pass === undefined) continue;
        lines.push(`${pass ? 'PASS' : 'FAIL'}  ${t.id} · ${s.system} · ${m.label}: ${s.values[m.key] ?? '–'} (target ${m.target ?? '?'})`);
      }
    }
  }
  return lines;
}
