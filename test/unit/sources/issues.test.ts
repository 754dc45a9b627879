import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatPath, issuesFromZod, parseWith } from '../../../src/sources/issues.js';

describe('formatPath', () => {
  it('joins keys and indexes with dots, root as the empty string', () => {
    expect(formatPath(['alerts', 0, 'labels'])).toBe('alerts.0.labels');
    expect(formatPath([])).toBe('');
  });
});

describe('issuesFromZod', () => {
  const schema = z.object({ alerts: z.array(z.object({ status: z.enum(['firing', 'resolved']) })) });

  it('converts every zod issue to a dotted path under the prefix', () => {
    const parsed = schema.safeParse({ alerts: [{ status: 'firing' }, { status: 'nope' }, {}] });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    expect(issuesFromZod(parsed.error, [3]).map((i) => i.path)).toEqual(['3.alerts.1.status', '3.alerts.2.status']);
  });

  it('parseWith answers data or issues', () => {
    expect(parseWith(schema, { alerts: [] })).toEqual({ ok: true, data: { alerts: [] } });
    const bad = parseWith(schema, { alerts: 'x' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues[0]?.path).toBe('alerts');
  });
});
