import { NO_DATA_NOTE, type AlertStatus } from '../../model/alert.js';

/**
 * What a Grafana state means for delivery. Legacy alerting (Grafana ≤ 10) sends `state`
 * ok|paused|alerting|pending|no_data; unified alerting sends Alertmanager's firing|resolved per alert.
 * pending and paused are not alerts yet (or any more): they are counted as skipped, never delivered.
 */
export type GrafanaDelivery = { deliver: true; status: AlertStatus; stateNote?: string } | { deliver: false };

/** Grafana's wording for "the query returned no data" and for its Error state, shown with the alert (model: dedupe tells them apart). */
export { ERROR_NOTE, NO_DATA_NOTE } from '../../model/alert.js';

const FIRING: GrafanaDelivery = { deliver: true, status: 'firing' };
const RESOLVED: GrafanaDelivery = { deliver: true, status: 'resolved' };
const NO_DATA: GrafanaDelivery = { deliver: true, status: 'firing', stateNote: NO_DATA_NOTE };
const SKIPPED: GrafanaDelivery = { deliver: false };

const STATES: ReadonlyMap<string, GrafanaDelivery> = new Map<string, GrafanaDelivery>([
  ['alerting', FIRING],
  ['firing', FIRING],
  ['ok', RESOLVED],
  ['resolved', RESOLVED],
  ['no_data', NO_DATA],
  ['nodata', NO_DATA],
  ['pending', SKIPPED],
  ['paused', SKIPPED],
]);

/**
 * The delivery of a Grafana state (case-insensitive). A state we do not know is delivered as firing with
 * the state as its note: a new Grafana state must never lose an alert, nor get a 4xx (Grafana drops it).
 */
export function grafanaDelivery(state: string | undefined): GrafanaDelivery {
  const key = (state ?? '').trim().toLowerCase();
  if (!key) return FIRING;
  return STATES.get(key) ?? { deliver: true, status: 'firing', stateNote: key };
}
