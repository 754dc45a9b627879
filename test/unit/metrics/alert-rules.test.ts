import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createMetrics } from '../../../src/metrics/registry.js';

const RULES_FILE = new URL('../../../config/examples/alertcord-rules.yml', import.meta.url);

interface Rule {
  alert?: unknown;
  expr?: unknown;
  for?: unknown;
  labels?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

const doc = parse(readFileSync(RULES_FILE, 'utf8')) as { groups?: { name?: unknown; rules?: Rule[] }[] };
const rules = (doc.groups ?? []).flatMap((g) => g.rules ?? []);

/** Metric families alertcord exports (histograms also as _bucket/_sum/_count). */
async function exportedNames(): Promise<Set<string>> {
  const metrics = createMetrics({ snapshot: async () => ({ queues: [], webhooks: [], deadLetters: 0, storeUp: true }), processMetrics: false });
  const names = new Set<string>();
  for (const m of await metrics.registry.getMetricsAsJSON()) {
    names.add(m.name);
    if (String(m.type) === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(m.name + s);
  }
  return names;
}

describe('config/examples/alertcord-rules.yml (structure; promtool runs it in test/integration)', () => {
  it('is YAML with groups[].rules[], each rule an alert with expr, labels.severity and annotations', () => {
    expect(Array.isArray(doc.groups)).toBe(true);
    expect(rules.length).toBeGreaterThanOrEqual(6);
    for (const g of doc.groups!) {
      expect(typeof g.name).toBe('string');
      expect(g.rules?.length).toBeGreaterThan(0);
    }
    for (const r of rules) {
      expect(Object.keys(r).every((k) => ['alert', 'expr', 'for', 'labels', 'annotations'].includes(k)), String(r.alert)).toBe(true);
      expect(r.alert).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(typeof r.expr).toBe('string');
      if (r.for !== undefined) expect(r.for).toMatch(/^\d+[smh]$/);
      expect(typeof r.labels?.severity).toBe('string');
      expect(typeof r.annotations?.summary).toBe('string');
      expect(typeof r.annotations?.description).toBe('string');
    }
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  });

  it('covers queue growth, breaker open, broken webhook, dead letters, no delivery, store down, and the Watchdog', () => {
    const names = rules.map((r) => r.alert);
    for (const n of ['AlertcordQueueGrowing', 'AlertcordCircuitBreakerOpen', 'AlertcordWebhookBroken', 'AlertcordDeadLetters', 'AlertcordNoSuccessfulDelivery', 'AlertcordStoreDown', 'Watchdog']) {
      expect(names).toContain(n);
    }
  });

  it('uses only metrics alertcord exports', async () => {
    const exported = await exportedNames();
    const used = new Set(rules.flatMap((r) => String(r.expr).match(/alertcord_[a-z0-9_]+/g) ?? []));
    expect(used.size).toBeGreaterThan(0);
    for (const name of used) expect(exported.has(name), name).toBe(true);
  });
});
