import { z } from 'zod';
import { alertmanagerAlertSchema } from '../alertmanager/schema.js';
import { boundedArray, stringMap, wireText } from '../normalize.js';

/**
 * Grafana webhook contact point payloads. Grafana's Test button and unlinked rules send `""` and `null`
 * (generatorURL "", dashboardURL "", panelURL "", values null, no imageURL), so every URL and value here is
 * optional text: a schema that demanded URLs would reject the Test button. Unknown fields are accepted.
 */

/** A unified alert: Alertmanager's core plus Grafana's links and values (payload version "1"). */
export const grafanaUnifiedAlertSchema = alertmanagerAlertSchema.extend({
  /** firing|resolved in practice; mapped through the Grafana state table, default the group's. */
  status: wireText,
  silenceURL: wireText,
  dashboardURL: wireText,
  panelURL: wireText,
  /** `[ var='A' labels={…} value=2.4 ]`, shown as a "Value" field. */
  valueString: wireText,
  /** refId → value (`{"A": 2.4, "C": 1}`), read when `valueString` is empty; any other shape is ignored. */
  values: z.unknown().optional(),
  imageURL: wireText,
});

/** Unified alerting's body (Grafana 9+): the Alertmanager group plus `state`, `title`, `message`. */
export const grafanaUnifiedSchema = z.object({
  status: wireText,
  state: wireText,
  /** The organization whose Alertmanager sent the group (webhook v1 always sends it). */
  orgId: wireText,
  groupKey: wireText,
  externalURL: wireText,
  truncatedAlerts: z.number().int().nonnegative().nullish(),
  alerts: boundedArray(grafanaUnifiedAlertSchema),
});

/** One series that matched a legacy rule's condition. */
export const grafanaEvalMatchSchema = z.object({
  metric: wireText,
  /** A number, or null for no value. */
  value: wireText,
  tags: stringMap,
});

/** Legacy alerting's body (Grafana ≤ 10): one request per rule state change, no `alerts`. */
export const grafanaLegacySchema = z.object({
  title: wireText,
  ruleId: wireText,
  ruleName: wireText,
  ruleUrl: wireText,
  /** ok|paused|alerting|pending|no_data. */
  state: wireText,
  message: wireText,
  imageUrl: wireText,
  tags: stringMap,
  evalMatches: boundedArray(grafanaEvalMatchSchema).nullish(),
});

export type GrafanaUnifiedAlertWire = z.output<typeof grafanaUnifiedAlertSchema>;
export type GrafanaUnifiedWire = z.output<typeof grafanaUnifiedSchema>;
export type GrafanaLegacyWire = z.output<typeof grafanaLegacySchema>;

/** Legacy payloads are recognised by `ruleName`/`evalMatches` and the absence of `alerts`. */
export function isGrafanaLegacy(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  return !Object.hasOwn(body, 'alerts') && (Object.hasOwn(body, 'ruleName') || Object.hasOwn(body, 'evalMatches'));
}
