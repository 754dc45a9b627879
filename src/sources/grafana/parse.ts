import type { Alert, AlertGroup } from '../../model/alert.js';
import { coreAlert } from '../alertmanager/parse.js';
import { parseWith, rejected } from '../issues.js';
import { addLink, httpUrl, nonBlank } from '../normalize.js';
import type { ParseResult } from '../types.js';
import { parseGrafanaLegacy } from './legacy.js';
import { grafanaUnifiedSchema, isGrafanaLegacy, type GrafanaUnifiedAlertWire } from './schema.js';
import { ERROR_NOTE, grafanaDelivery, NO_DATA_NOTE } from './state.js';

/** Labels of the alert Grafana's contact-point Test button sends. */
const TEST_ALERT_LABELS = { alertname: 'TestAlert', instance: 'Grafana' } as const;

/**
 * The alertname Grafana (unified alerting) gives the alert of a rule that returned no data or failed to
 * evaluate (state NoData / Error; the rule's own alertname moves to the `rulename` label), and the note
 * each gets. The alert arrives as plain `firing`, with the rule's annotations: without the note an Error
 * alert reads as the rule's condition being met.
 */
const SPECIAL_ALERTNAME_NOTES: ReadonlyMap<string, string> = new Map([
  ['DatasourceNoData', NO_DATA_NOTE],
  ['DatasourceError', ERROR_NOTE],
]);

/**
 * The annotation in which Grafana says why an alert is in its state when that is not its condition
 * (ngalert `StateReasonAnnotation`): a rule whose no-data or error handling is set to "Alerting" fires under
 * its own name, with `NoData` or `Error` here (`NoData, KeepLast` with "keep last state"). Without a note
 * "CPU above 90%" reads as CPU being high when the query returned nothing or failed.
 */
const STATE_REASON = 'grafana_state_reason';
const STATE_REASON_NOTES: ReadonlyMap<string, string> = new Map([
  ['nodata', NO_DATA_NOTE],
  ['error', ERROR_NOTE],
]);

function stateReasonNote(reason: string | undefined): string | undefined {
  for (const part of (reason ?? '').split(',')) {
    const note = STATE_REASON_NOTES.get(part.trim().toLowerCase());
    if (note) return note;
  }
  return undefined;
}

/**
 * Parses a Grafana webhook body, unified (version "1", has `alerts`) or legacy (Grafana ≤ 10,
 * `ruleName`/`evalMatches`), into one alert group. pending/paused alerts are counted in `skipped`.
 */
export function parseGrafana(body: unknown): ParseResult {
  return isGrafanaLegacy(body) ? parseGrafanaLegacy(body) : parseGrafanaUnified(body);
}

/** Unified alerting: the Alertmanager group shape plus Grafana's per-alert links and values. */
export function parseGrafanaUnified(body: unknown): ParseResult {
  const parsed = parseWith(grafanaUnifiedSchema, body);
  if (!parsed.ok) return rejected(parsed.issues);
  const payload = parsed.data;
  const groupState = payload.status ?? payload.state;
  const alerts: Alert[] = [];
  let skipped = 0;
  for (const wire of payload.alerts) {
    const alert = unifiedAlert(wire, groupState);
    if (alert) alerts.push(alert);
    else skipped += 1;
  }
  const group: AlertGroup = { source: 'grafana', alerts, truncatedAlerts: payload.truncatedAlerts ?? 0 };
  if (skipped > 0) group.skipped = skipped;
  if (payload.groupKey) group.groupKey = orgGroupKey(payload.orgId, payload.groupKey);
  const externalUrl = httpUrl(payload.externalURL);
  if (externalUrl) group.externalUrl = externalUrl;
  return { ok: true, groups: [group] };
}

/**
 * The groupKey scoped by the organization. Each Grafana org has its own Alertmanager, and its groupKey
 * names the contact point and group labels, never the org: a rule provisioned into two orgs with the same
 * UID has the same fingerprint too, and evaluated on the same tick the same start. Without the org, the
 * second org's notification would be taken for an HA repeat of the first (routing/dedupe-key.ts).
 */
function orgGroupKey(orgId: string | undefined, groupKey: string): string {
  const org = nonBlank(orgId);
  return org ? `org=${org}/${groupKey}` : groupKey;
}

/** One unified alert, or undefined when its state is not delivered (pending, paused). */
function unifiedAlert(wire: GrafanaUnifiedAlertWire, groupState: string | undefined): Alert | undefined {
  const delivery = grafanaDelivery(wire.status ?? groupState);
  if (!delivery.deliver) return undefined;
  const alert = coreAlert(wire, 'grafana', delivery.status);
  // A resolved alert has nothing to silence (as Alertmanager's get no Silence link).
  if (alert.status === 'firing') addLink(alert.links, 'Silence', wire.silenceURL);
  addLink(alert.links, 'Dashboard', wire.dashboardURL);
  addLink(alert.links, 'Panel', wire.panelURL);
  const value = nonBlank(wire.valueString) ?? valuesText(wire.values);
  if (value) alert.fields.push({ name: 'Value', value });
  const imageUrl = httpUrl(wire.imageURL);
  if (imageUrl) alert.presentation = { imageUrl };
  if (isTestAlert(alert.labels)) alert.isTest = true;
  const special = SPECIAL_ALERTNAME_NOTES.get(alert.labels['alertname'] ?? '');
  // Only while it fires: resolved, the data (or the datasource) is back, and "RESOLVED (no data)" says otherwise.
  const stateNote = delivery.stateNote ?? (alert.status === 'firing' ? (special ?? stateReasonNote(alert.annotations[STATE_REASON])) : undefined);
  if (stateNote) alert.stateNote = stateNote;
  // "DatasourceError" says which state, not which rule: without a summary, the rule's name is the title.
  const ruleName = nonBlank(alert.labels['rulename']);
  if (special && ruleName && nonBlank(alert.annotations['summary']) === undefined) alert.title = ruleName;
  return alert;
}

/**
 * `values` as text ("A=2.4, C=1"), for a Grafana that sends them without `valueString` (marked for removal in
 * Grafana's webhook payload): the Value field would otherwise vanish. Finite numbers only; undefined when none.
 */
function valuesText(values: unknown): string | undefined {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return undefined;
  const parts = Object.entries(values)
    .filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]))
    .map(([refId, v]) => `${refId}=${v}`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** Grafana's contact-point test sends alertname=TestAlert, instance=Grafana (docs/sources.md). */
function isTestAlert(labels: Record<string, string>): boolean {
  return labels['alertname'] === TEST_ALERT_LABELS.alertname && labels['instance'] === TEST_ALERT_LABELS.instance;
}
