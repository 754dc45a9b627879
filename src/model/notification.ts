import type { Alert, AlertStatus, SourceName } from './alert.js';
import type { AlertType } from './alert-type.js';

/**
 * The alerts of one inbound group routed to one alert type: the unit that is deduplicated,
 * queued, retried and kept in history.
 */
export interface Notification {
  id: string;
  alertType: AlertType;
  source: SourceName;
  /** firing when any alert fires. */
  status: AlertStatus;
  alerts: Alert[];
  truncatedAlerts: number;
  groupKey?: string;
  externalUrl?: string;
  dedupeKey: string;
  /** Epoch ms when intake accepted it. */
  receivedAt: number;
  /** Delivery attempts so far (retries + 1 once sent). */
  attempts: number;
  /** Pings asked for by the sender (library `mentions`); otherwise the alert type's configured ones. */
  mentions?: { here?: boolean; everyone?: boolean; roles?: string[]; users?: string[] };
  /** Set when this notification was rerouted from a broken webhook (which channel is broken). */
  reroutedFrom?: string;
}
