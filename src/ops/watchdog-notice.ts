import { formatDuration } from '../config/duration.js';
import type { WatchdogConfig } from '../config/watchdog.js';
import { shortHash } from '../lib/hash.js';
import type { Alert } from '../model/alert.js';
import type { Notification } from '../model/notification.js';

/** The `alertname` of what alertcord posts about the watchdog (never the heartbeat's own name). */
export const WATCHDOG_NOTICE_ALERTNAME = 'AlertcordWatchdogMissing';

/**
 * The least time a notice's dedupe key is held beyond the watchdog's timeout, whatever `dedupe.window` says
 * (it may be short, or 0s: off). Every replica tells the same outage under one key, the last up to a
 * shared-time poll (30 s), a retry or a restart's first check later than the first; the key names the
 * outage, so holding it long hides no other.
 */
export const WATCHDOG_NOTICE_DEDUPE_MS = 3_600_000;

/**
 * How long a notice's dedupe key is held. A replica started just before the outage was told (no told mark
 * to resume yet) finds it at its own first check, up to a timeout later: with a timeout over an hour (a
 * `repeat_interval` left at 4h), an hour alone let that check tell a second "down".
 */
export function watchdogNoticeDedupeMs(config: WatchdogConfig): number {
  return config.timeoutMs + WATCHDOG_NOTICE_DEDUPE_MS;
}

/** What the watchdog knows when it tells the channel. */
export interface WatchdogNoticeFacts {
  kind: 'firing' | 'resolved';
  config: WatchdogConfig;
  id: string;
  now: number;
  /** When the heartbeat was last seen; undefined when it never came since start. */
  lastSeenAt?: number;
  /** When the heartbeat became overdue. */
  missingSince: number;
  /**
   * No heartbeat was known anywhere when it became overdue: `missingSince` is then this replica's start +
   * timeout, which replicas started at different times do not share, so the outage is keyed "never".
   */
  neverHeard?: boolean;
  /** When this alertcord started (told when no heartbeat ever came). */
  startedAt: number;
}

/**
 * The notification posted to the watchdog's channel: firing (red, the type's mentions) when the heartbeat
 * stopped, resolved (green) when it came back. Same fingerprint for both, so they read as one alert.
 */
export function watchdogNotice(f: WatchdogNoticeFacts): Notification {
  const { alertname, timeoutMs, alertType } = f.config;
  const iso = (ms: number) => new Date(ms).toISOString();
  const last = f.lastSeenAt !== undefined ? `It last arrived at ${iso(f.lastSeenAt)}.` : `It has not arrived since alertcord started at ${iso(f.startedAt)}.`;
  const firing = f.kind === 'firing';
  const alert: Alert = {
    source: 'alertcord',
    status: f.kind,
    severity: 'critical',
    title: firing
      ? `Alerting pipeline down: no ${alertname} heartbeat for ${formatDuration(timeoutMs)}`
      : `Alerting pipeline back: ${alertname} heartbeat received again`,
    message: firing
      ? `alertcord expects the always-firing "${alertname}" alert (Prometheus → Alertmanager → alertcord) at least every ${formatDuration(timeoutMs)}. ${last} Prometheus, Alertmanager or the path to alertcord may be down: other alerts may not be reaching Discord either.`
      : `The "${alertname}" alert arrived again at ${iso(f.now)}, after ${formatDuration(Math.max(0, f.now - f.missingSince) + timeoutMs)} without it.`,
    labels: { alertname: WATCHDOG_NOTICE_ALERTNAME, watchdog: alertname },
    annotations: {},
    links: [],
    fields: [],
    fingerprint: shortHash(`alertcord-watchdog:${alertname}`),
    startsAt: iso(f.missingSince),
    ...(firing ? {} : { endsAt: iso(f.now) }),
  };
  return {
    id: f.id,
    alertType,
    source: 'alertcord',
    status: f.kind,
    alerts: [alert],
    truncatedAlerts: 0,
    // One outage, one key: every replica that finds the heartbeat missing (or back) computes the same
    // missingSince from the shared heartbeat time, so their notices collapse into one (queue dedupe).
    dedupeKey: `alertcord:watchdog:${alertname}:${f.kind}:${f.neverHeard ? 'never' : f.missingSince}`,
    receivedAt: f.now,
    attempts: 0,
  };
}
