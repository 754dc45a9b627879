import { Counter, Gauge, type Registry } from 'prom-client';
import type { WatchdogStatus } from './watchdog.js';

/** The watchdog's hook into metrics: call on each heartbeat. */
export interface WatchdogMetricHooks {
  onHeartbeat: () => void;
}

/**
 * Registers the dead man's switch metrics in a runtime's registry: heartbeats received (a counter moved
 * by the hook), and at scrape time whether the heartbeat is overdue and when it was last seen. No labels.
 */
export function registerWatchdogMetrics(registry: Registry, status: () => WatchdogStatus): WatchdogMetricHooks {
  const registers = [registry];
  const heartbeats = new Counter({ name: 'alertcord_watchdog_heartbeats_total', help: "Watchdog heartbeat alerts received (recorded, not delivered to Discord).", registers });
  new Gauge({
    name: 'alertcord_watchdog_missing',
    help: '1 when the Watchdog heartbeat is overdue (the alerting pipeline may be down), else 0 (also when the watchdog is off).',
    registers,
    collect() {
      this.set(status().state === 'missing' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'alertcord_watchdog_last_heartbeat_timestamp_seconds',
    help: 'Unix time of the last Watchdog heartbeat received (0 when none since start).',
    registers,
    collect() {
      const last = status().lastSeenAt;
      this.set(last === null ? 0 : Date.parse(last) / 1000);
    },
  });
  return { onHeartbeat: () => heartbeats.inc() };
}
