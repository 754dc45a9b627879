import { describe, expect, it } from 'vitest';
import { loadConfig, loadConfigOrThrow } from '../../../src/config/load.js';

describe('config: otlp', () => {
  it('defaults to min_severity warning, a 60 s folding window and 30 notifications per service per minute', () => {
    const { config } = loadConfigOrThrow({ env: {}, yaml: '' });
    expect(config.otlp).toEqual({ minSeverity: 'warning', flood: { windowMs: 60_000, perServicePerMinute: 30 } });
  });

  it('reads snake_case keys; severities by our names or a synonym (ERROR, FATAL …); durations as elsewhere', () => {
    const yaml = 'otlp:\n  min_severity: FATAL\n  flood: { window: 2m, per_service_per_minute: 5 }\n';
    expect(loadConfigOrThrow({ env: {}, yaml }).config.otlp).toEqual({ minSeverity: 'critical', flood: { windowMs: 120_000, perServicePerMinute: 5 } });
    expect(loadConfigOrThrow({ env: {}, yaml: 'otlp: { min_severity: error }' }).config.otlp.minSeverity).toBe('error');
  });

  it('reports every problem with its path', () => {
    const yaml = 'otlp:\n  min_severity: loud\n  flood: { window: soon, per_service_per_minute: 0, burst: 3 }\n  extra: 1\n';
    const result = loadConfig({ env: {}, yaml });
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['otlp.min_severity', 'otlp.flood.window', 'otlp.flood.per_service_per_minute', 'otlp.flood', 'otlp']));
  });

  it('the shipped config/alertcord.yaml states the defaults', () => {
    const { config } = loadConfigOrThrow({ env: {}, file: 'config/alertcord.yaml' });
    expect(config.otlp).toEqual(loadConfigOrThrow({ env: {}, yaml: '' }).config.otlp);
  });
});
