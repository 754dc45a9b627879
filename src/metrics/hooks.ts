import type { OutcomeObserver } from '../delivery/recorder.js';
import type { AttemptInfo, SendContext } from '../delivery/send-with-retry.js';
import type { AlertGroup } from '../model/alert.js';
import type { Notification } from '../model/notification.js';
import { lastQueuedAt } from '../model/notification.js';
import type { Metrics } from './registry.js';

/** The delivery and intake hooks that move the counters and histograms; each is cheap and never throws. */
export interface MetricHooks {
  /** Final outcome of a notification (OutcomeRecorder's observer). */
  observe: OutcomeObserver;
  /** Each Discord request (send-with-retry). */
  onAttempt: NonNullable<SendContext['onAttempt']>;
  /** Each backoff retry (send-with-retry). */
  onRetry: NonNullable<SendContext['onRetry']>;
  /** A notification queued by intake. */
  onQueued: (n: Notification) => void;
  /** A notification whose dedupe key was already claimed: accepted, not sent again. */
  onDuplicate: (n: Notification) => void;
  /** Alerts a muted route kept back. */
  onMuted: (alertType: string, count: number) => void;
  /** Groups parsed by an ingest route, before routing: counts the alerts received. */
  onParsed: (groups: readonly AlertGroup[]) => void;
}

/**
 * Binds the hooks to one runtime's metrics. Per-alert events go to counters, not to info logs
 * (architecture "Rules of the house"); labels are ids, types, reasons and status classes only.
 */
export function metricHooks(metrics: Metrics): MetricHooks {
  return {
    observe(n, outcome) {
      metrics.notifications.inc({ alert_type: n.alertType, outcome: outcome.status });
      // A replayed dead letter is timed from its replay (as history places it): the days it waited in dead
      // letters for the operator are no delivery latency, and one week-old replay skewed the histogram's sum.
      if (outcome.status === 'sent') metrics.deliveryLatency.observe(Math.max(0, (outcome.at - lastQueuedAt(n)) / 1000));
    },
    onAttempt(kind, _reason, _detail, info: AttemptInfo) {
      // A dry-run answer reached no Discord. Asked of the answer, not of the config after it: a reload switching
      // dry-run while a real request was out hid its 2xx from AlertcordNoSuccessfulDelivery.
      if (info.simulated) return;
      metrics.discordRequests.inc({ webhook: info.webhookId, class: statusClass(info.status) });
      if (kind === 'throttle') metrics.rateLimited.inc({ scope: info.scope ?? 'webhook' });
    },
    onRetry(reason) {
      metrics.retries.inc({ reason });
    },
    onQueued(n) {
      metrics.counts.notificationsQueued.add([n.alertType]);
    },
    onDuplicate(n) {
      metrics.dedupeHits.inc({ source: n.source });
      metrics.notifications.inc({ alert_type: n.alertType, outcome: 'deduplicated' });
    },
    onMuted(alertType, count) {
      metrics.alertsMuted.inc({ alert_type: alertType }, count);
    },
    onParsed(groups) {
      // One increment per (source, status) a group holds, not one per alert.
      for (const g of groups) {
        let firing = 0;
        for (const a of g.alerts) if (a.status === 'firing') firing++;
        if (firing > 0) metrics.counts.alertsReceived.add([g.source, 'firing'], firing);
        if (g.alerts.length > firing) metrics.counts.alertsReceived.add([g.source, 'resolved'], g.alerts.length - firing);
      }
    },
  };
}

/** `2xx`, `4xx`, `5xx` … for an HTTP status; `error` when no answer came (timeout, reset, DNS). */
export function statusClass(status: number | undefined): string {
  if (status === undefined) return 'error';
  if (!Number.isInteger(status) || status < 100 || status > 599) return 'invalid';
  return `${Math.floor(status / 100)}xx`;
}
