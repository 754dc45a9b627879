import type { AlertField, AlertLink } from '../model/alert.js';
import { httpUrl, linkAppender, nonBlank } from './normalize.js';

/**
 * The annotations a rule author wrote beyond the ones an alert already shows (summary as title,
 * description or message as message, runbook and dashboard as links): `impact`, `action`, `value`,
 * `playbook` … Alertmanager's own Discord message lists every annotation, so dropping them would lose what
 * the author meant on-call to read. Each becomes a field named by its key, in the payload's order; one
 * whose value is an http(s) URL becomes a link of that name instead (added to `links`, never twice).
 * Skipped: blank values, values already shown as the title or message, and Grafana's internal
 * `__…__` annotations (`__dashboardUid__`, `__panelId__`, `__value_string__`).
 */
export function annotationExtras(annotations: Record<string, string>, shown: { title: string; message: string }, links: AlertLink[]): AlertField[] {
  const fields: AlertField[] = [];
  const addLink = linkAppender(links);
  // Keys, not Object.entries: no [key, value] array per annotation (every alert ingested).
  for (const key of Object.keys(annotations)) {
    if (key.startsWith('__')) continue;
    const value = nonBlank(annotations[key]);
    if (value === undefined || value === shown.title || value === shown.message) continue;
    if (httpUrl(value)) addLink(key, value);
    else fields.push({ name: key, value });
  }
  return fields;
}
