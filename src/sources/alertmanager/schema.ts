import { z } from 'zod';
import { stringMap, wireText } from '../normalize.js';

/**
 * Alertmanager webhook payload, version "4" (prometheus/alertmanager `notify/webhook`). Only the fields
 * we use are declared; unknown ones (`notification_reason` 0.32+, `routeLabels` 0.34+, `receiver`,
 * `commonLabels` …) are accepted and dropped, so a newer Alertmanager is never answered 4xx (a 4xx makes
 * it drop the notification). The version is not checked for the same reason: the shape decides.
 */

/** An alert's status as Alertmanager spells it. */
export const alertmanagerStatusSchema = z.enum(['firing', 'resolved']);

/** One alert: the core Grafana's unified payload shares. */
export const alertmanagerAlertSchema = z.object({
  status: alertmanagerStatusSchema,
  labels: stringMap,
  annotations: stringMap,
  startsAt: wireText,
  /** `0001-01-01T00:00:00Z` while firing. */
  endsAt: wireText,
  generatorURL: wireText,
  /** 16 hex digits; we fall back to a hash of the labels when absent. */
  fingerprint: wireText,
});

/** The whole POST body. One group may hold firing and resolved alerts together. */
export const alertmanagerPayloadSchema = z.object({
  groupKey: wireText,
  externalURL: wireText,
  /** Alerts cut by the receiver's `max_alerts`. */
  truncatedAlerts: z.number().int().nonnegative().nullish(),
  alerts: z.array(alertmanagerAlertSchema),
});

export type AlertmanagerAlertWire = z.output<typeof alertmanagerAlertSchema>;
export type AlertmanagerPayloadWire = z.output<typeof alertmanagerPayloadSchema>;
