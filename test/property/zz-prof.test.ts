import fc from 'fast-check';
import { it } from 'vitest';
import { parseGeneric } from '../../src/sources/generic/parse.js';
import { genericPayload } from './hostile-arbitraries.js';
it('prof', async () => {
  const samples = fc.sample(genericPayload, { numRuns: 200, seed: 1 });
  const times = samples.map((s) => { const j = JSON.stringify(s); const t0 = performance.now(); parseGeneric(JSON.parse(j)); return [performance.now() - t0, j.length, j] as const; });
  times.sort((a, b) => b[0] - a[0]);
  for (const [t, len, j] of times.slice(0, 5)) console.log(t.toFixed(1), len, j.slice(0, 300));
  const t0 = performance.now(); for (let i = 0; i < 50; i++) parseGeneric({ title: 'x', message: 'y' }); console.log('simple', (performance.now() - t0) / 50);
});
