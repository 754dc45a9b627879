import { z } from 'zod';
import { boundedArray, plainStringMap, stringMap, wireText } from '../normalize.js';

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
  alerts: boundedArray(alertmanagerAlertSchema),
});

export type AlertmanagerAlertWire = z.output<typeof alertmanagerAlertSchema>;
export type AlertmanagerPayloadWire = z.output<typeof alertmanagerPayloadSchema>;

/**
 * What {@link alertmanagerPayloadSchema} returns, read without zod, for the plain shape Alertmanager sends
 * (text fields as strings or null, label maps of plain values, a known status, a safe count); undefined
 * for anything else, which the schema then judges and reports. Accepts only what the schema accepts, with
 * the same result (test/property/alertmanager-plain.property.test.ts). Why: once other schemas have run
 * (config, other sources) zod's shared pipe/union code is megamorphic: ~40 µs per 3-alert body on the
 * ingest path (bench "ingest" profile; 11 µs before), the largest part of a request.
 */
export function readPlainPayload(body: unknown): AlertmanagerPayloadWire | undefined {
  if (!isRecord(body)) return undefined;
  const { groupKey, externalURL, truncatedAlerts, alerts } = body;
  if (!isText(groupKey) || !isText(externalURL) || !Array.isArray(alerts)) return undefined;
  if (truncatedAlerts != null && !(Number.isSafeInteger(truncatedAlerts) && (truncatedAlerts as number) >= 0)) return undefined;
  const out: AlertmanagerAlertWire[] = [];
  for (const alert of alerts as unknown[]) {
    if (!isRecord(alert)) return undefined;
    const { status, startsAt, endsAt, generatorURL, fingerprint } = alert;
    if (status !== 'firing' && status !== 'resolved') return undefined;
    if (!isText(startsAt) || !isText(endsAt) || !isText(generatorURL) || !isText(fingerprint)) return undefined;
    const labels = plainStringMap(alert.labels);
    const annotations = plainStringMap(alert.annotations);
    if (!labels || !annotations) return undefined;
    out.push({ status, labels, annotations, startsAt: startsAt ?? undefined, endsAt: endsAt ?? undefined, generatorURL: generatorURL ?? undefined, fingerprint: fingerprint ?? undefined });
  }
  return { groupKey: groupKey ?? undefined, externalURL: externalURL ?? undefined, truncatedAlerts: truncatedAlerts as number | null | undefined, alerts: out };
}

/** A string, or absent (null/undefined, which `wireText` reads as absent). Numbers and booleans: left to zod. */
function isText(value: unknown): value is string | null | undefined {
  return value == null || typeof value === 'string';
}

/** What zod's object schema accepts as an object. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
