import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { DeferredCounts } from '../../../src/metrics/deferred-counts.js';

/** A counter whose increments go through DeferredCounts, as the ingest path's do. */
function deferredCounter() {
  const registry = new Registry();
  const counts = new DeferredCounts<'route' | 'code'>(['route', 'code']);
  const counter = new Counter({ name: 'requests_total', help: 'h', labelNames: ['route', 'code'], registers: [registry], collect() { counts.flushInto(this); } });
  return { registry, counts, counter };
}

const values = async (counter: Counter<'route' | 'code'>) => (await counter.get()).values.map((v) => ({ ...v.labels, value: v.value }));

describe('DeferredCounts', () => {
  it('shows every increment by label set at the next read, and counts each once across reads', async () => {
    const { registry, counts, counter } = deferredCounter();
    counts.add(['/a', '202']);
    counts.add(['/a', '202'], 2);
    counts.add(['/a', '400']);
    counts.add(['/b', '202']);
    expect(await values(counter)).toEqual([
      { route: '/a', code: '202', value: 3 },
      { route: '/a', code: '400', value: 1 },
      { route: '/b', code: '202', value: 1 },
    ]);
    counts.add(['/a', '202']);
    expect(await registry.metrics()).toContain('requests_total{route="/a",code="202"} 4');
    expect(await registry.metrics()).toContain('requests_total{route="/a",code="202"} 4');
  });

  it('adds to what the counter was given directly (series started at 0)', async () => {
    const { counts, counter } = deferredCounter();
    counter.inc({ route: '/a', code: '503' }, 0);
    counts.add(['/a', '503']);
    expect(await values(counter)).toEqual([{ route: '/a', code: '503', value: 1 }]);
  });

  it('labels a one-label counter by its one name', async () => {
    const counts = new DeferredCounts<'alert_type'>(['alert_type']);
    const counter = new Counter({ name: 'queued_total', help: 'h', labelNames: ['alert_type'], registers: [], collect() { counts.flushInto(this); } });
    counts.add(['critical'], 5);
    expect((await counter.get()).values).toEqual([{ labels: { alert_type: 'critical' }, value: 5 }]);
  });
});
