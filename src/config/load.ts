import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { redactUrls } from '../lib/redact-urls.js';
import { Secret } from '../lib/secret.js';
import { DEFAULT_ROUTES_CONFIG } from '../routing/default-routes.js';
import { compileRoutes } from '../routing/rules.js';
import { buildAlertTypes } from './build-alert-types.js';
import { buildStoreConfig } from './build-store.js';
import { applyEnvOverrides, envSchema, FILE_VARIABLES, resolveFileVariables, WEBHOOK_ENV, type EnvConfig } from './env.js';
import { buildIngestAuth } from './ingest-auth.js';
import { interpolateEnv, interpolationIssues, referencedVariables } from './interpolate.js';
import { ConfigError, fromZodIssues, type ConfigIssue } from './issues.js';
import { partialIssues, routeIssues } from './partial-issues.js';
import { placeholderIssues } from './placeholder.js';
import { fileSchema, type FileConfig } from './schema.js';
import { unsetWebhookVariables } from './unset-webhook-variables.js';
import type { AlertTypeConfig, Config } from './types.js';
import { buildWatchdog } from './watchdog.js';

export const DEFAULT_CONFIG_FILE = 'config/alertcord.yaml';

export interface LoadOptions {
  env?: Record<string, string | undefined>;
  /** YAML text given directly (tests, library); otherwise the file named by CONFIG_FILE is read. */
  yaml?: string;
  file?: string;
  readFile?: (path: string) => string;
  /**
   * An empty (or blank) config file is an issue instead of the built-in defaults: a reload that read an
   * editor's save caught mid-write (the file truncated, not yet written) would drop every webhook and route.
   */
  refuseEmptyFile?: boolean;
}

export type LoadResult = { ok: true; config: Config; warnings: string[] } | { ok: false; issues: ConfigIssue[] };

/**
 * Loads YAML + environment into one validated Config, reporting every problem at once with its path.
 * Never throws for bad input; `loadConfigOrThrow` is the fail-fast variant used at start.
 */
export function loadConfig(options: LoadOptions = {}): LoadResult {
  const readFile = options.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const issues: ConfigIssue[] = [];
  const env = resolveFileVariables(options.env ?? {}, readFile, issues);
  const envParsed = envSchema.safeParse(env);
  if (!envParsed.success) issues.push(...fromZodIssues(envParsed.error.issues));
  const envValid = envParsed.success ? envParsed.data : validVariables(env, envParsed.error.issues);
  const named = options.file ?? env.CONFIG_FILE;
  // Only a file someone named must exist: without one, the default file is read when the working directory
  // has it (alertcord's checkout, the image); a program using the library, or the CLI run elsewhere, runs on
  // the built-in defaults and the environment, as the Python service did.
  const wanted = options.yaml === undefined ? (named ?? DEFAULT_CONFIG_FILE) : undefined;
  const text = wanted === undefined ? undefined : readText(wanted, readFile, issues, named === undefined, options.refuseEmptyFile);
  const file = text === undefined ? undefined : wanted;
  const raw = readYaml(options.yaml ?? text ?? '', issues);
  issues.push(...interpolationIssues(raw));
  const referenced = referencedVariables(raw).filter((name) => !FILE_VARIABLES.includes(name));
  const withReferenced = resolveFileVariables(env, readFile, issues, referenced);
  const interpolated = interpolateEnv(raw, withReferenced) as Record<string, unknown>;
  if (envValid) applyEnvOverrides(interpolated, envValid, env);
  const parsed = fileSchema.safeParse(interpolated);
  if (!parsed.success) issues.push(...fromZodIssues(parsed.error.issues));
  // Whatever stops the build here, the checks it would make on the parts that are fine are listed too.
  if (!parsed.success || !envParsed.success || issues.length > 0) {
    return { ok: false, issues: [...issues, ...partialIssues(interpolated, env, envValid)] };
  }
  const built = buildConfig(parsed.data, env, envParsed.data, file);
  if (built.ok) built.warnings.push(...unsetWebhookVariables(raw, interpolated, withReferenced));
  if (built.ok && wanted !== undefined && file === undefined) built.warnings.push(`no ${DEFAULT_CONFIG_FILE} in ${process.cwd()} and no CONFIG_FILE: the built-in defaults and the environment apply`);
  return built;
}

/**
 * The variables that parse, when some do not: the checks on the rest (webhook URLs, the Redis URL, ingest
 * secrets) still run. Without it one typo such as `PORT=80a` hid every other problem until the next run.
 */
function validVariables(env: Record<string, string | undefined>, bad: readonly { path: readonly PropertyKey[] }[]): EnvConfig | undefined {
  const names = new Set(bad.map((i) => String(i.path[0])));
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([name]) => !names.has(name))));
  return parsed.success ? parsed.data : undefined;
}

/** loadConfig, throwing a ConfigError listing every problem: the start fails fast. */
export function loadConfigOrThrow(options: LoadOptions = {}): { config: Config; warnings: string[] } {
  const result = loadConfig(options);
  if (!result.ok) throw new ConfigError(result.issues);
  return result;
}

/**
 * The file's text. A file nobody named (`optional`: the default) may be missing: undefined. Any other
 * failure is an issue (a named file that is missing, a default one that cannot be read), and so is an
 * empty one when `refuseEmpty` (see {@link LoadOptions.refuseEmptyFile}).
 */
function readText(file: string, readFile: (p: string) => string, issues: ConfigIssue[], optional: boolean, refuseEmpty = false): string | undefined {
  try {
    const text = readFile(file);
    if (refuseEmpty && text.trim() === '') issues.push({ path: 'CONFIG_FILE', message: `${file} is empty (a save not yet written, or a truncated file); a config of the built-in defaults is written {}` });
    return text;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (optional && code === 'ENOENT') return undefined;
    issues.push({ path: 'CONFIG_FILE', message: `cannot read ${file}: ${code ?? String(err)}` });
    return '';
  }
}

function readYaml(text: string, issues: ConfigIssue[]): Record<string, unknown> {
  try {
    const doc = parseYaml(text) as unknown;
    if (doc === null || doc === undefined) return {};
    if (containsItself(doc)) issues.push({ path: '(yaml)', message: 'an alias refers to a node that contains it (a cycle, like `a: &a [*a]`)' });
    else if (typeof doc === 'object' && !Array.isArray(doc)) return doc as Record<string, unknown>;
    else issues.push({ path: '(root)', message: 'the YAML document must be a mapping' });
  } catch (err) {
    // Its first line names no value, but for an unresolved alias (`webhook: *https://…`), which is redacted.
    issues.push({ path: '(yaml)', message: redactUrls((err as Error).message.split('\n')[0] ?? 'invalid YAML') });
  }
  return {};
}

/**
 * True when a node of the parsed tree contains itself (an alias inside its own anchor): YAML allows it, and
 * every walk over the tree (interpolation, validation) would recurse until the stack overflows — a throw
 * that a reload did not survive. Shared, non-cyclic aliases are fine.
 */
function containsItself(value: unknown, ancestors = new Set<object>(), clear = new Set<object>()): boolean {
  if (value === null || typeof value !== 'object' || clear.has(value)) return false;
  if (ancestors.has(value)) return true;
  ancestors.add(value);
  const found = Object.values(value).some((v) => containsItself(v, ancestors, clear));
  ancestors.delete(value);
  clear.add(value); // an alias used many times is looked into once
  return found;
}

function buildConfig(file: FileConfig, env: Record<string, string | undefined>, envConfig: EnvConfig, source?: string): LoadResult {
  const store = buildStoreConfig(file.store.redis, envConfig);
  const ingest = buildIngestAuth(file.sources, envConfig);
  const issues: ConfigIssue[] = [...store.issues, ...ingest.issues, ...placeholderIssues({ ADMIN_TOKEN: env.ADMIN_TOKEN })];
  const warnings: string[] = [...store.warnings, ...ingest.warnings];
  const { discord } = file;
  const types = buildAlertTypes(file, env);
  const { alertTypes } = types;
  issues.push(...types.issues);

  const routes = compileRoutes(file.routes ?? DEFAULT_ROUTES_CONFIG, new Set(alertTypes.keys()), 'routes', file.time_intervals);
  if (!routes.ok) issues.push(...routeIssues(routes.issues));
  const watchdog = buildWatchdog(file.watchdog, new Set(alertTypes.keys()));
  issues.push(...watchdog.issues);
  if (issues.length > 0 || !routes.ok) return { ok: false, issues };

  const dryRunReason = dryRun(types.webhookCount, discord.dry_run && (envConfig.DRY_RUN === true ? 'DRY_RUN' : 'discord.dry_run'), alertTypes, warnings);

  const admin = env.ADMIN_TOKEN?.trim();
  return {
    ok: true,
    warnings,
    config: {
      server: {
        host: file.server.host,
        port: file.server.port,
        bodyLimit: file.server.body_limit,
        maxJsonDepth: file.server.max_json_depth,
        requestTimeoutMs: file.server.request_timeout,
        shutdownDeadlineMs: file.server.shutdown_deadline,
      },
      discord: {
        queueSize: discord.queue_size,
        retryAttempts: discord.retry_attempts,
        timeoutMs: discord.timeout,
        allowedHosts: discord.allowed_hosts,
        breaker: { failureThreshold: discord.circuit_breaker.failure_threshold, cooldownMs: discord.circuit_breaker.cooldown },
        dryRunReason,
      },
      alertTypes,
      routes: routes.routes,
      dedupe: { windowMs: file.dedupe.window },
      history: { maxEntries: file.history.max_entries, retentionMs: file.history.retention },
      store: store.store,
      logLevel: file.log_level,
      admin: { token: admin ? new Secret(admin) : undefined },
      ingest: ingest.auth,
      source: { file: source },
      watchdog: watchdog.config,
      otlp: {
        minSeverity: file.otlp.min_severity,
        flood: { windowMs: file.otlp.flood.window, perServicePerMinute: file.otlp.flood.per_service_per_minute },
      },
    },
  };
}

/**
 * Why alertcord runs dry (no webhook at all, or `forcedBy`: the variable or the config key that set it, so
 * the one to unset is named), with the loud warnings that go with it.
 */
function dryRun(webhookCount: number, forcedBy: false | 'DRY_RUN' | 'discord.dry_run', alertTypes: Map<string, AlertTypeConfig>, warnings: string[]): string | undefined {
  for (const t of alertTypes.values()) {
    if (!t.webhook && webhookCount > 0) warnings.push(`alert type "${t.name}" has no webhook and there is no general webhook: its alerts go to dead letters`);
  }
  if (webhookCount === 0) {
    const reason = `no Discord webhook configured: set ${Object.values(WEBHOOK_ENV).join(', ')} (at least DISCORD_WEBHOOK_GENERAL)`;
    warnings.push(`DRY RUN: ${reason}. Alerts are rendered and logged, not sent.`);
    return reason;
  }
  if (!forcedBy) return undefined;
  warnings.push(`DRY RUN forced by ${forcedBy}: alerts are rendered and logged, not sent.`);
  return forcedBy === 'DRY_RUN' ? 'DRY_RUN is set' : 'discord.dry_run is true in the config file';
}
