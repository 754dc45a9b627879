import { BUILTIN_ALERT_TYPES } from '../model/alert-type.js';
import { compileRoutes } from '../routing/rules.js';
import { buildAlertTypes } from './build-alert-types.js';
import { buildStoreConfig } from './build-store.js';
import type { EnvConfig } from './env.js';
import { buildIngestAuth } from './ingest-auth.js';
import type { ConfigIssue } from './issues.js';
import { placeholderIssues } from './placeholder.js';
import { fileSchema, type FileConfig } from './schema.js';
import { buildWatchdog } from './watchdog.js';

/**
 * The checks that span sections (webhook URLs, mentions that cannot all ping, routes, the watchdog's type,
 * store and ingest secrets), run while another section or a variable is malformed, on the sections that
 * parse alone: otherwise one run listed the malformed part, and only the next run the rest. A check whose
 * section did not parse is skipped (the schema reported it); names are taken from the raw file, so a
 * malformed `alert_types` or `time_intervals` entry does not make every route naming it "unknown" too.
 * `envConfig` is absent when the variables themselves did not parse.
 */
export function partialIssues(raw: Record<string, unknown>, env: Record<string, string | undefined>, envConfig?: EnvConfig): ConfigIssue[] {
  const section = <K extends keyof FileConfig>(key: K): FileConfig[K] | undefined => {
    const parsed = fileSchema.shape[key].safeParse(raw[key]);
    return parsed.success ? (parsed.data as FileConfig[K]) : undefined;
  };
  const issues: ConfigIssue[] = [];
  const [alertTypes, discord] = [section('alert_types'), section('discord')];
  if (alertTypes && discord) issues.push(...buildAlertTypes({ alert_types: alertTypes, discord }, env).issues);
  const known = new Set([...BUILTIN_ALERT_TYPES, ...declaredNames(raw.alert_types)]);
  const watchdog = section('watchdog');
  if (watchdog) issues.push(...buildWatchdog(watchdog, known).issues);
  if (Array.isArray(raw.routes)) {
    // Not a list: the schema said so.
    const routes = compileRoutes(raw.routes, known, 'routes', declaredIntervals(raw.time_intervals));
    if (!routes.ok) issues.push(...routeIssues(routes.issues));
  }
  if (!envConfig) return issues;
  const [store, sources] = [section('store'), section('sources')];
  if (store) issues.push(...buildStoreConfig(store.redis, envConfig).issues);
  if (sources) issues.push(...buildIngestAuth(sources, envConfig).issues);
  return [...issues, ...placeholderIssues({ ADMIN_TOKEN: env.ADMIN_TOKEN })];
}

/** Route issues with their full path (`routes.1.type`). */
export function routeIssues(found: readonly ConfigIssue[]): ConfigIssue[] {
  return found.map((i) => ({ ...i, path: i.path.startsWith('routes') ? i.path : `routes.${i.path}` }));
}

/** The keys under `alert_types` however malformed their entries. */
function declaredNames(raw: unknown): string[] {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? Object.keys(raw) : [];
}

/** The names under `time_intervals` however malformed the rest, trimmed as the schema trims them. */
function declaredIntervals(raw: unknown): Map<string, () => boolean> {
  const list = Array.isArray(raw) ? raw : [];
  return new Map(list.flatMap((e: unknown) => (typeof e === 'object' && e !== null && typeof (e as { name?: unknown }).name === 'string' ? [[(e as { name: string }).name.trim(), () => false] as const] : [])));
}
