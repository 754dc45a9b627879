import type { WatchdogConfig } from '../config/watchdog.js';

/** disabled: not configured; waiting: no heartbeat yet, within the timeout; ok: seen lately; missing: overdue. */
export type WatchdogState = 'disabled' | 'waiting' | 'ok' | 'missing';

/** The `watchdog` object of `/api/status`. */
export interface WatchdogStatus {
  enabled: boolean;
  state: WatchdogState;
  alertname: string | null;
  alertType: string | null;
  timeoutSeconds: number | null;
  heartbeats: number;
  lastSeenAt: string | null;
  /** When the heartbeat became overdue; null unless `missing`. */
  missingSince: string | null;
}

/** What the watchdog knows, as `/api/status` shows it (`config` undefined: switched off). */
export function watchdogStatus(config: WatchdogConfig | undefined, facts: { heartbeats: number; lastSeenAt: number | undefined; missingSince: number | undefined }): WatchdogStatus {
  const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
  const state: WatchdogState = !config ? 'disabled' : facts.missingSince !== undefined ? 'missing' : facts.lastSeenAt !== undefined ? 'ok' : 'waiting';
  return {
    enabled: config !== undefined,
    state,
    alertname: config?.alertname ?? null,
    alertType: config?.alertType ?? null,
    timeoutSeconds: config ? config.timeoutMs / 1000 : null,
    heartbeats: facts.heartbeats,
    lastSeenAt: iso(facts.lastSeenAt),
    missingSince: iso(facts.missingSince),
  };
}
