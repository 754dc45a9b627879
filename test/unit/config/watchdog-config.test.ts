import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';

describe('watchdog config', () => {
  it('is off when absent; `watchdog: {}` takes the defaults (Watchdog, 10m, critical)', () => {
    const off = loadConfig({ env: {}, yaml: '' });
    expect(off.ok && off.config.watchdog).toBeUndefined();
    const on = loadConfig({ env: {}, yaml: 'watchdog: {}\n' });
    expect(on.ok && on.config.watchdog).toEqual({ alertname: 'Watchdog', timeoutMs: 600_000, alertType: 'critical' });
    const custom = loadConfig({ env: {}, yaml: 'watchdog: { alertname: DeadMansSwitch, timeout: 15m, alert_type: general }\n' });
    expect(custom.ok && custom.config.watchdog).toEqual({ alertname: 'DeadMansSwitch', timeoutMs: 900_000, alertType: 'general' });
  });

  it('reports a bad timeout, an unknown key and an unknown alert type with their paths', () => {
    const bad = loadConfig({ env: {}, yaml: 'watchdog: { timeout: 5s, every: 1m }\n' });
    expect(bad.ok ? [] : bad.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['watchdog.timeout', 'watchdog']));
    const unknown = loadConfig({ env: {}, yaml: 'watchdog: { alert_type: pager }\n' });
    expect(unknown.ok ? [] : unknown.issues).toEqual([{ path: 'watchdog.alert_type', message: expect.stringContaining('unknown alert type "pager"') }]);
  });
});
