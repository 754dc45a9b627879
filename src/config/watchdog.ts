import { z } from 'zod';
import { parseDuration } from './duration.js';
import type { ConfigIssue } from './issues.js';

/** The shortest timeout accepted: Alertmanager cannot repeat a notification much faster than this. */
export const WATCHDOG_MIN_TIMEOUT_MS = 10_000;

/**
 * The dead man's switch (issue 9), when configured: alertcord expects Alertmanager's always-firing
 * `Watchdog` alert and tells the critical channel when it stops arriving.
 */
export interface WatchdogConfig {
  /** The `alertname` label of the heartbeat alert (Prometheus' convention: `Watchdog`). */
  alertname: string;
  /** How long without a heartbeat before the pipeline is declared down. */
  timeoutMs: number;
  /** The alert type (channel) told about it; `critical` unless configured. */
  alertType: string;
}

const timeoutSchema = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `invalid duration "${v}" (use e.g. 5m, 10m, 1h)` });
    return z.NEVER;
  }
  if (ms < WATCHDOG_MIN_TIMEOUT_MS) {
    ctx.addIssue({ code: 'custom', message: 'must be at least 10s (and longer than the repeat interval of the Watchdog route)' });
    return z.NEVER;
  }
  return ms;
});

/** `watchdog:` in the YAML file; absent means off. */
export const watchdogSchema = z.strictObject({
  alertname: z.string().trim().min(1, 'must not be empty').default('Watchdog'),
  timeout: timeoutSchema.default(600_000),
  alert_type: z.string().trim().min(1, 'must not be empty').default('critical'),
});

export type WatchdogFileConfig = z.infer<typeof watchdogSchema>;

/** The watchdog section of Config, checked against the alert types that exist. */
export function buildWatchdog(file: WatchdogFileConfig | undefined, alertTypes: ReadonlySet<string>): { config?: WatchdogConfig; issues: ConfigIssue[] } {
  if (!file) return { issues: [] };
  if (!alertTypes.has(file.alert_type)) {
    return { issues: [{ path: 'watchdog.alert_type', message: `unknown alert type "${file.alert_type}" (known: ${[...alertTypes].join(', ')})` }] };
  }
  return { issues: [], config: { alertname: file.alertname, timeoutMs: file.timeout, alertType: file.alert_type } };
}
