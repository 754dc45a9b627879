import type { Severity } from './severity.js';

export type SourceName = 'alertmanager' | 'grafana' | 'generic' | 'otlp' | 'library' | 'alertcord';
export type AlertStatus = 'firing' | 'resolved';

/** A link shown with an alert (generator, runbook, silence, dashboard, panel …). */
export interface AlertLink {
  title: string;
  url: string;
}

/** An extra name/value shown as an embed field. */
export interface AlertField {
  name: string;
  value: string;
  inline?: boolean;
}

/**
 * Presentation hints a sender may give explicitly (the seed's NotificationMessage, the generic source).
 * Renderers use them when present and derive everything else from the alert.
 */
export interface AlertPresentation {
  color?: number;
  url?: string;
  author?: { name: string; url?: string; iconUrl?: string };
  thumbnailUrl?: string;
  imageUrl?: string;
  footer?: string;
  /** Seed template data (error traceback, critical impact, monitoring metric …), keyed by template. */
  template?: Record<string, string>;
}

/** The `stateNote` of an alert whose query returned no data (Grafana's NoData state). */
export const NO_DATA_NOTE = 'no data';
/** The `stateNote` of an alert whose rule could not be evaluated (Grafana's Error state): its condition is unknown. */
export const ERROR_NOTE = 'error';
/** The notes a source gives a firing alert's state; dedupe (routing/dedupe-key.ts) tells them apart. */
export const STATE_NOTES: readonly string[] = [NO_DATA_NOTE, ERROR_NOTE];

/**
 * One normalized alert. The only alert shape that crosses a boundary: wire field names stay in sources/.
 */
export interface Alert {
  source: SourceName;
  status: AlertStatus;
  severity: Severity;
  title: string;
  message: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  links: AlertLink[];
  fields: AlertField[];
  /** Stable identity of the alert across notifications (Alertmanager's 16-hex fingerprint, or a hash). */
  fingerprint: string;
  /** ISO 8601. */
  startsAt?: string;
  /** ISO 8601; only when resolved. */
  endsAt?: string;
  /** Grafana's contact-point test and our own test sends. */
  isTest?: boolean;
  /** Extra state wording, e.g. Grafana's "no data" ({@link STATE_NOTES}). */
  stateNote?: string;
  presentation?: AlertPresentation;
}

/**
 * What a source parser produces for one inbound group: an Alertmanager/Grafana POST, one generic
 * object, one OTLP record.
 */
export interface AlertGroup {
  source: SourceName;
  alerts: Alert[];
  /** Alertmanager/Grafana groupKey (Grafana's prefixed with its `org=<orgId>/`); used for dedupe. */
  groupKey?: string;
  /** Alerts the sender cut (Alertmanager's truncatedAlerts). */
  truncatedAlerts: number;
  /** Explicit alert type requested by the sender (generic `type` / `alert_type`, or the URL's `:type`). */
  requestedType?: string;
  /** Sender-provided dedupe key (generic `dedupe_key`). */
  dedupeKey?: string;
  /**
   * The group's state (status and note) is its dedupe identity, not its alerts: a sender that posts once per
   * state change and names no alerts when it ends, nor any start time (legacy Grafana; routing/dedupe-key.ts).
   */
  dedupeByState?: boolean;
  /** Sender's link back (Alertmanager externalURL). */
  externalUrl?: string;
  /** Pings the sender asked for (library); otherwise the alert type's configured mentions apply. */
  mentions?: { here?: boolean; everyone?: boolean; roles?: string[]; users?: string[] };
  /** Alerts the source recognised but does not deliver (Grafana pending/paused), for history. */
  skipped?: number;
}
