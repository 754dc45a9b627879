/**
 * The route engine: which alert type(s) an alert goes to. Routes are walked in order like Alertmanager's
 * routing tree flattened to one level: the first route whose matchers all match decides, unless it says
 * `continue: true`, in which case later routes are tried too and the alert fans out to several types.
 * Nothing matching means `general`. Splitting a group by type here is what makes one Notification per
 * (group, type).
 */
import { z } from 'zod';
import { BUILTIN_ALERT_TYPES } from '../model/alert-type.js';
import type { Alert, AlertGroup } from '../model/alert.js';
import { yamlBoolean } from '../config/yaml-scalars.js';
import { SEVERITIES } from '../model/severity.js';
import { LABEL_NAME_PATTERN, matchValue, matchesLabel, parseMatchers } from './matchers.js';
import { parseSeverity, SEVERITY_SYNONYMS } from './severity.js';
import type { Matcher } from './matchers.js';
import { compileMute, type RouteMute } from './mute.js';
import type { TimeIntervalCheck } from './time-intervals.js';

/** The type an alert gets when no route matches. */
export const FALLBACK_ALERT_TYPE = 'general';

/** Pseudo-labels every rule can match on besides the alert's own labels. */
export const PSEUDO_LABELS = ['source', 'severity', 'status', 'alert_type'] as const;

/**
 * One compiled route. Exactly one of `type` / `typeFromLabel` is set. `knownTypes` (lower-cased name →
 * canonical name) lets a `typeFromLabel` route accept only real types; without it the built-ins are used.
 */
export interface Route {
  readonly matchers: readonly Matcher[];
  readonly type?: string;
  readonly typeFromLabel?: string;
  readonly knownTypes?: ReadonlyMap<string, string>;
  readonly continue: boolean;
  /** Absent unless the route names time intervals (mute.ts); `quiet` names them (check-config). */
  readonly mute?: RouteMute;
  readonly quiet?: string;
}

/**
 * One route as written in YAML (snake_case, like Alertmanager's config): `match` is one matcher list or
 * several, `type` names the alert type, or `type_from_label` names a label that carries it.
 */
export const routeConfigSchema = z
  .strictObject({
    match: z.union([z.string(), z.array(z.string())]).default([]),
    type: z.string().trim().min(1, 'type must not be empty').optional(),
    type_from_label: z
      .string()
      .regex(LABEL_NAME_PATTERN, 'type_from_label must be a label name ([a-zA-Z_:][a-zA-Z0-9_:]*)')
      .optional(),
    continue: yamlBoolean().default(false),
    mute_time_intervals: z.array(z.string()).optional(),
    active_time_intervals: z.array(z.string()).optional(),
  })
  .check((ctx) => {
    const { type, type_from_label: fromLabel } = ctx.value;
    if ((type === undefined) === (fromLabel === undefined)) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        path: type === undefined ? [] : ['type_from_label'],
        message:
          type === undefined
            ? 'a route needs "type" or "type_from_label"'
            : '"type" and "type_from_label" exclude each other: give one',
      });
    }
  });

/** One route as accepted from YAML (before defaults). */
export type RouteConfigInput = z.input<typeof routeConfigSchema>;
/** One route after validation and defaults. */
export type RouteConfig = z.output<typeof routeConfigSchema>;

/** A configuration problem, with its dotted path (`routes.2.match.0`). */
export interface RouteIssue {
  path: string;
  message: string;
}

/** compileRoutes' answer: every route, or every problem found. */
export type CompileRoutesResult = { ok: true; routes: Route[] } | { ok: false; issues: RouteIssue[] };

/**
 * Validates and compiles a YAML route list against the alert types that exist. Reports every problem at
 * once with its path (shape errors, bad matchers, unknown types) rather than stopping at the first, so one
 * `check-config` run shows all of them. Type names are matched case-insensitively and yield the canonical
 * spelling from `knownTypes`.
 */
export function compileRoutes(list: unknown, knownTypes: ReadonlySet<string>, path = 'routes', intervals: ReadonlyMap<string, TimeIntervalCheck> = new Map()): CompileRoutesResult {
  if (!Array.isArray(list)) return { ok: false, issues: [{ path, message: 'routes must be a list' }] };
  const known = typeLookup(knownTypes);
  const routes: Route[] = [];
  const issues: RouteIssue[] = [];
  list.forEach((raw: unknown, i) => {
    const parsed = routeConfigSchema.safeParse(raw);
    if (!parsed.success) {
      issues.push(...zodIssues(parsed.error.issues, [path, i]));
      return;
    }
    const compiled = compileRoute(parsed.data, known, `${path}.${i}`, intervals);
    if ('issues' in compiled) issues.push(...compiled.issues);
    else routes.push(compiled.route);
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, routes };
}

/** Zod findings as dotted paths; an unknown key gets its own path (`routes.3.matchers: unknown key`). */
function zodIssues(found: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[]): RouteIssue[] {
  const dotted = (parts: readonly PropertyKey[]): string => parts.map(String).join('.');
  return found.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: dotted([...prefix, ...issue.path, key]), message: `unknown key "${key}"` }))
      : [{ path: dotted([...prefix, ...issue.path]), message: issue.message }],
  );
}

function compileRoute(
  config: RouteConfig,
  known: ReadonlyMap<string, string>,
  path: string,
  intervals: ReadonlyMap<string, TimeIntervalCheck>,
): { route: Route } | { issues: RouteIssue[] } {
  const { mute, quiet, issues } = compileMute(config, intervals, path);
  const matchers: Matcher[] = [];
  const texts = typeof config.match === 'string' ? [config.match] : config.match;
  texts.forEach((text, j) => {
    const at = typeof config.match === 'string' ? `${path}.match` : `${path}.match.${j}`;
    const result = parseMatchers(text);
    if (!result.ok) return void issues.push({ path: at, message: result.error });
    matchers.push(...result.matchers);
    for (const m of result.matchers) {
      const problem = unmeetableSeverity(m);
      if (problem) issues.push({ path: at, message: problem });
    }
  });
  let type: string | undefined;
  if (config.type !== undefined) {
    type = known.get(config.type.toLowerCase());
    if (type === undefined) {
      const names = [...known.values()].join(', ');
      issues.push({ path: `${path}.type`, message: `unknown alert type "${config.type}" (known: ${names})` });
    }
  }
  if (issues.length > 0) return { issues };
  const route: Route =
    type !== undefined
      ? { matchers, type, continue: config.continue, ...(mute ? { mute, quiet } : {}) }
      : { matchers, typeFromLabel: config.type_from_label ?? 'alert_type', knownTypes: known, continue: config.continue, ...(mute ? { mute, quiet } : {}) };
  return { route };
}

/**
 * Why a `severity` matcher is meaningless, or undefined: rules see the normalized severity (see
 * {@link routingLabels}), so `severity="page"` copied from an Alertmanager route silently matched nothing,
 * and `severity!="page"` (or Watchdog's `!="none"`) silently matched everything, pages included. A negative
 * matcher that excludes none of the four is refused only when it excludes a sender's synonym: `severity!=""`
 * is merely always true.
 */
function unmeetableSeverity(m: Matcher): string | undefined {
  if (m.name !== 'severity') return undefined;
  const meets = SEVERITIES.filter((s) => matchValue(m, s)).length;
  const positive = m.op === '=' || m.op === '=~';
  const prefix = `severity is matched normalized (${SEVERITIES.join(', ')}): "${m.value}"`;
  const meant = m.op === '=' || m.op === '!=' ? parseSeverity(m.value) : undefined;
  const hint = meant ? `; write severity${m.op}"${meant}"` : '';
  if (positive) return meets === 0 ? `${prefix} never matches${hint}` : undefined;
  const excludesSynonym = m.op === '!=' ? meant !== undefined : Object.keys(SEVERITY_SYNONYMS).some((word) => !matchValue(m, word));
  return meets === SEVERITIES.length && excludesSynonym ? `${prefix} is never its value, so this matcher excludes nothing${hint}` : undefined;
}

/**
 * The label set rules see for one alert: its labels, then the pseudo-labels `source`, `severity`
 * (normalized), `status`, and `alert_type` from the group's `requestedType` when it has one (the sender's
 * explicit request wins over an `alert_type` label). Pseudo-labels override labels of the same name so that
 * `severity="critical"` means our normalized severity, whatever synonym the sender used.
 */
export function routingLabels(alert: Alert, group: Pick<AlertGroup, 'requestedType'>): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const name of [...Object.keys(alert.labels), ...PSEUDO_LABELS]) {
    const value = routingLabel(alert, group, name);
    if (value !== undefined) Object.defineProperty(labels, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return labels;
}

/**
 * One label of {@link routingLabels} (undefined when absent), read without building that object: rules ask
 * for a few labels per alert, and on Node 20 `{ ...labels, source, … }` costs ~5 µs per alert (V8's slow
 * path for properties added after a spread): routeGroup was ~15% of intake in the bench "ingest" profile.
 */
export function routingLabel(alert: Alert, group: Pick<AlertGroup, 'requestedType'>, name: string): string | undefined {
  switch (name) {
    case 'source':
      return alert.source;
    case 'severity':
      return alert.severity;
    case 'status':
      return alert.status;
    case 'alert_type':
      if (group.requestedType !== undefined && group.requestedType !== '') return group.requestedType;
  }
  return Object.hasOwn(alert.labels, name) ? alert.labels[name] : undefined;
}

/** Told of an alert a muted route matched: the type it would have gone to, and why it does not. */
export type OnMuted = (type: string, why: string) => void;

/**
 * The alert types one alert goes to, in route order, without duplicates; `['general']` when no route
 * matches. A `typeFromLabel` route matches only when its label names a known type. A matching route that
 * `muted` says is muted still decides (as in Alertmanager) but adds no type: `onMuted` hears of it, unless
 * another matching route sends the alert to that type anyway.
 */
export function routeAlert(alert: Alert, group: Pick<AlertGroup, 'requestedType'>, routes: readonly Route[], muted?: (route: Route) => string | undefined, onMuted?: OnMuted): string[] {
  const label = (name: string) => routingLabel(alert, group, name);
  const types: string[] = [];
  let kept: [type: string, why: string][] | undefined;
  let matched = false;
  for (const route of routes) {
    if (!matchesLabel(route.matchers, label)) continue;
    const type = routeType(route, label);
    if (type === undefined) continue;
    matched = true;
    const why = route.mute && muted?.(route);
    if (why) (kept ??= []).push([type, why]);
    else if (!types.includes(type)) types.push(type);
    if (!route.continue) break;
  }
  // A type that another matching route (before or after, with `continue`) sends the alert to is not muted:
  // the alert goes there, and calling it muted too would count it in `muted` and the metric though sent.
  for (const [type, why] of kept ?? []) if (!types.includes(type)) onMuted?.(type, why);
  return types.length > 0 || matched ? types : [FALLBACK_ALERT_TYPE];
}

const BUILTIN_LOOKUP = typeLookup(new Set(BUILTIN_ALERT_TYPES));

function routeType(route: Route, label: (name: string) => string | undefined): string | undefined {
  if (route.type !== undefined) return route.type;
  if (route.typeFromLabel === undefined) return undefined;
  const value = label(route.typeFromLabel)?.trim().toLowerCase();
  if (!value) return undefined;
  return (route.knownTypes ?? BUILTIN_LOOKUP).get(value);
}

function typeLookup(types: Iterable<string>): Map<string, string> {
  return new Map([...types].map((t) => [t.toLowerCase(), t] as const));
}
