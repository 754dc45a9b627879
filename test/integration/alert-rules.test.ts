import { describe, expect, it } from 'vitest';
import { promtool } from '../helpers/promtool.js';

describe('the example alerting rules, checked by the real promtool', () => {
  it('pass `promtool check rules`', async () => {
    const r = await promtool('check', 'rules', 'config/examples/alertcord-rules.yml');
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it('fire as intended on alertcord series (`promtool test rules`)', async () => {
    const r = await promtool('test', 'rules', 'test/fixtures/prometheus/alertcord-rules.test.yml');
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('SUCCESS');
  });
});
