/**
 * `npm run bench [-- --only storm,ingest]`: runs the scenarios (each bounded in time, all on 127.0.0.1),
 * prints the tables and writes bench/results.md (and README.md between `<!-- bench:start/end -->`).
 */
import { loadavg, cpus } from 'node:os';
import { machineLine } from './machine.js';
import { readStored, renderResults, writeResults } from './report.js';
import { SCENARIOS } from './scenarios.js';
import { mergeOutputs, verdictLines } from './table.js';
import type { ScenarioOutput } from './types.js';

function selected(argv: readonly string[]): Set<string> | undefined {
  const at = argv.findIndex((a) => a === '--only' || a.startsWith('--only='));
  if (at === -1) return undefined;
  const arg = argv[at]!;
  const list = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : (argv[at + 1] ?? '');
  const ids = new Set(list.split(',').map((s) => s.trim()).filter(Boolean));
  const unknown = [...ids].filter((id) => !SCENARIOS.some((s) => s.id === id));
  if (unknown.length > 0) throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.id).join(', ')}`);
  return ids;
}

/** Other processes on the machine skew timings: say how busy it was (1-minute load average). */
function withLoadNote(outputs: ScenarioOutput[], before: number, after: number): ScenarioOutput[] {
  const cores = cpus().length;
  const busy = Math.max(before, after) > cores ? ' — more runnable processes than cores: other work competed, timings are pessimistic' : '';
  const profiled = process.env.BENCH_CPU_PROF_DIR ? ' Servers ran under the CPU profiler (BENCH_CPU_PROF_DIR): timings are inflated.' : '';
  const note = `Load average (1 min) ${before.toFixed(1)} before → ${after.toFixed(1)} after, on ${cores} cores${busy}.${profiled}`;
  return outputs.map((o, i) => (i === outputs.length - 1 ? { ...o, notes: [...o.notes, note] } : o));
}

async function main(): Promise<void> {
  const only = selected(process.argv.slice(2));
  const machine = machineLine();
  const stored = readStored();
  let failed = false;
  console.log(`alertcord benchmark on ${machine}, ${new Date().toISOString()}`);
  for (const scenario of SCENARIOS) {
    if (only && !only.has(scenario.id)) continue;
    const began = Date.now();
    const loadBefore = loadavg()[0]!;
    console.log(`\n▶ ${scenario.id}: ${scenario.describe}`);
    try {
      const result = await scenario.run();
      if ('skip' in result) {
        console.log(`  skipped: ${result.skip}`);
        delete stored[scenario.id]; // no stale column from an earlier run where it could run
        continue;
      }
      stored[scenario.id] = { machine, measuredAt: new Date().toISOString(), outputs: withLoadNote(result, loadBefore, loadavg()[0]!) };
      for (const line of verdictLines(mergeOutputs(result))) console.log(`  ${line}`);
    } catch (err) {
      failed = true;
      console.error(`  ${scenario.id} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
    console.log(`  (${((Date.now() - began) / 1000).toFixed(1)} s)`);
  }
  const markdown = renderResults(stored, SCENARIOS.map((s) => s.id));
  console.log(`\n${markdown}\n`);
  console.log(writeResults(stored, markdown));
  if (failed) process.exitCode = 1;
}

await main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
});
