import type { Alert, AlertGroup, AlertStatus, SourceName } from '../../model/alert.js';
import { shortHash, stableStringify } from '../../lib/hash.js';
import { severityFromLabels } from '../../routing/severity.js';
import { parseWith, rejected } from '../issues.js';
import { annotationExtras } from '../annotation-extras.js';
import { addLink, httpUrl, isoTime, nonBlank, summaryTitle } from '../normalize.js';
import type { ParseResult } from '../types.js';
import { alertmanagerPayloadSchema, readPlainPayload } from './schema.js';

/** The Alertmanager alert core, as Grafana's unified payload repeats it. */
export interface CoreAlertWire {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt?: string | undefined;
  endsAt?: string | undefined;
  generatorURL?: string | undefined;
  fingerprint?: string | undefined;
}

/** Title when an alert has neither a summary nor an alertname. */
const UNNAMED_ALERT = 'Unnamed alert';

/**
 * The annotation shown as an alert's message: `description`, then `message`, then `summary`, so a rule
 * whose only text is `message` (Loki's mixin and Helm chart rules, older kube-prometheus rules) reads as
 * prose, not as a field. The other annotations become fields (see annotationExtras).
 */
function alertMessage(annotations: Record<string, string>): string {
  return nonBlank(annotations['description']) ?? nonBlank(annotations['message']) ?? nonBlank(annotations['summary']) ?? '';
}

/**
 * One Alertmanager-style alert as our `Alert`: title from summary or alertname, message from description,
 * message or summary, links to the generator, runbook and dashboard, the other annotations as fields (or
 * links), severity from labels (default warning).
 * Exported for Grafana's unified payload, which is this core plus extras.
 */
export function coreAlert(wire: CoreAlertWire, source: SourceName, status: AlertStatus): Alert {
  const { labels, annotations } = wire;
  const links = addLink([], 'Source', wire.generatorURL);
  addLink(links, 'Runbook', annotations['runbook_url']);
  addLink(links, 'Dashboard', annotations['dashboard_url'] ?? annotations['dashboard']);
  const title = summaryTitle(labels, annotations, UNNAMED_ALERT);
  const message = alertMessage(annotations);
  const alert: Alert = {
    source,
    status,
    severity: severityFromLabels(labels, 'warning'),
    title,
    message,
    labels,
    annotations,
    links,
    fields: annotationExtras(annotations, { title, message }, links),
    fingerprint: nonBlank(wire.fingerprint) ?? shortHash(stableStringify(labels)),
  };
  const startsAt = isoTime(wire.startsAt);
  if (startsAt) alert.startsAt = startsAt;
  const endsAt = status === 'resolved' ? isoTime(wire.endsAt) : undefined;
  if (endsAt) alert.endsAt = endsAt;
  return alert;
}

/**
 * Parses an Alertmanager webhook body (payload version 4) into one alert group carrying the groupKey
 * (dedupe), externalURL (rendering links each firing alert's silence there) and truncatedAlerts. Issues carry dotted paths (`alerts.0.status`).
 */
export function parseAlertmanager(body: unknown): ParseResult {
  // The plain shape is read without zod (see readPlainPayload: same result, a fraction of the cost).
  const plain = readPlainPayload(body);
  const parsed = plain ? { ok: true as const, data: plain } : parseWith(alertmanagerPayloadSchema, body);
  if (!parsed.ok) return rejected(parsed.issues);
  const payload = parsed.data;
  const group: AlertGroup = {
    source: 'alertmanager',
    alerts: payload.alerts.map((a) => coreAlert(a, 'alertmanager', a.status)),
    truncatedAlerts: payload.truncatedAlerts ?? 0,
  };
  if (payload.groupKey) group.groupKey = payload.groupKey;
  const externalUrl = httpUrl(payload.externalURL);
  if (externalUrl) group.externalUrl = externalUrl;
  return { ok: true, groups: [group] };
}
