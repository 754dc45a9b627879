/**
 * Routing a whole group: one Notification per (group, alert type), and what muted routes kept back.
 */
import type { Alert, AlertGroup } from '../model/alert.js';
import { routeAlert, type OnMuted, type Route } from './rules.js';

/** Alerts of one type that muted routes kept back, and why (the first reason seen). */
export interface MutedAlerts {
  alerts: Alert[];
  why: string;
}

/** routeGroup's answer: what goes out, by type, and what muted routes kept back. */
export interface Routed {
  byType: Map<string, Alert[]>;
  muted: ReadonlyMap<string, MutedAlerts>;
}

/** What muted routes kept back where no route has a mute window (the usual config): shared, never written. */
const NONE_MUTED: ReadonlyMap<string, MutedAlerts> = new Map();

/**
 * Splits a group by alert type: type → its alerts, in the group's order, types in order of first
 * appearance. Each entry becomes one Notification. `at` is the instant mute windows are read at (each
 * route's answer read once per group).
 */
export function routeGroup(group: AlertGroup, routes: readonly Route[], at: number): Routed {
  const byType = new Map<string, Alert[]>();
  // Without mute windows (the usual config) no closure is made per alert, nor maps for muted routes and
  // their answers: this runs for every alert ingested (bench "ingest").
  const anyMute = routes.some((r) => r.mute !== undefined);
  if (!anyMute) {
    for (const alert of group.alerts) for (const type of routeAlert(alert, group, routes)) addTo(byType, type, alert);
    return { byType, muted: NONE_MUTED };
  }
  const muted = new Map<string, MutedAlerts>();
  const answers = new Map<Route, string | undefined>();
  const isMuted = (route: Route): string | undefined => {
    if (!answers.has(route)) answers.set(route, route.mute?.(at));
    return answers.get(route);
  };
  for (const alert of group.alerts) {
    const onMuted: OnMuted = (type, why) => {
      const kept = muted.get(type);
      if (!kept) muted.set(type, { alerts: [alert], why });
      // Told of an alert's muted routes while it is routed, so a repeat can only be the last one kept:
      // looking through all of them made a muted group quadratic (40,000 alerts: 1.4 s).
      else if (kept.alerts[kept.alerts.length - 1] !== alert) kept.alerts.push(alert);
    };
    for (const type of routeAlert(alert, group, routes, isMuted, onMuted)) addTo(byType, type, alert);
  }
  return { byType, muted };
}

/** Appends `alert` to its type's list, types in order of first appearance. */
function addTo(byType: Map<string, Alert[]>, type: string, alert: Alert): void {
  const list = byType.get(type);
  if (list) list.push(alert);
  else byType.set(type, [alert]);
}

/**
 * Every type the routes send any of `alerts` to, muted routes included (no mute window is consulted): where
 * the same alerts may have gone at another time, so where their dedupe claims may be (counterpartDedupeKeys).
 */
export function typesReached(group: Pick<AlertGroup, 'requestedType'>, alerts: readonly Alert[], routes: readonly Route[]): Set<string> {
  const types = new Set<string>();
  for (const alert of alerts) for (const type of routeAlert(alert, group, routes)) types.add(type);
  return types;
}
