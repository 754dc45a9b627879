/**
 * The routes alertcord ships with, written as the YAML would be so `config/alertcord.yaml` can document
 * exactly the same list. They reproduce the seed's behaviour: an explicit type wins, then security,
 * then severity, then monitoring sources, then general.
 */
import { BUILTIN_ALERT_TYPES } from '../model/alert-type.js';
import { compileRoutes } from './rules.js';
import type { Route, RouteConfigInput } from './rules.js';

/** The default route list, in evaluation order, as raw YAML-equivalent objects. */
export const DEFAULT_ROUTES_CONFIG: readonly RouteConfigInput[] = Object.freeze([
  // 1. The sender named a type (generic `type`, URL `:type`, or an `alert_type` label) and it exists.
  { type_from_label: 'alert_type' },
  // 2. Security alerts go to the security channel whatever their severity.
  { match: ['category="security"'], type: 'security' },
  // 3./4. Severity (normalized, so `page`, `p1`, `fatal` … count as critical).
  { match: ['severity="critical"'], type: 'critical' },
  { match: ['severity="error"'], type: 'error' },
  // 5. Anything else from a monitoring system.
  { match: ['source=~"alertmanager|grafana"'], type: 'monitoring' },
  // 6. Everything else.
  { match: [], type: 'general' },
]);

/**
 * Compiles {@link DEFAULT_ROUTES_CONFIG}. `extraTypes` are user-defined alert types that the
 * `type_from_label` route should also accept; the built-ins are always known.
 * Throws only if the shipped defaults are themselves invalid, which is a bug.
 */
export function defaultRoutes(extraTypes: Iterable<string> = []): Route[] {
  const known = new Set<string>([...BUILTIN_ALERT_TYPES, ...extraTypes]);
  const result = compileRoutes(DEFAULT_ROUTES_CONFIG, known);
  if (!result.ok) {
    throw new Error(`bug: default routes invalid: ${result.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  }
  return result.routes;
}
