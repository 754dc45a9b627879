import { z } from 'zod';
import { logLevelSchema } from './log-level.js';
import type { ConfigIssue } from './issues.js';
import { ALLOWED_HOST, ALLOWED_HOST_MESSAGE } from './webhook-url.js';
import { DECIMAL_TEXT } from './yaml-scalars.js';

/** The seed's variable for each built-in alert type (note: type `error`, variable `…_ERRORS`). */
export const WEBHOOK_ENV: Readonly<Record<string, string>> = {
  general: 'DISCORD_WEBHOOK_GENERAL',
  error: 'DISCORD_WEBHOOK_ERRORS',
  critical: 'DISCORD_WEBHOOK_CRITICAL',
  tracklist: 'DISCORD_WEBHOOK_TRACKLIST',
  monitoring: 'DISCORD_WEBHOOK_MONITORING',
  security: 'DISCORD_WEBHOOK_SECURITY',
};

/** Secrets that may also come from a file (`NAME_FILE`), for container secrets. */
export const FILE_VARIABLES = [...Object.values(WEBHOOK_ENV), 'ADMIN_TOKEN', 'INGEST_TOKEN', 'GRAFANA_HMAC_SECRET', 'REDIS_PASSWORD', 'REDIS_URL'];

const flag = z
  .string()
  .trim()
  .regex(/^(1|0|true|false|yes|no|on|off|)$/i, 'must be 1/0, true/false, yes/no or on/off')
  .transform((v) => /^(1|true|yes|on)$/i.test(v));
/** Decimal text only ({@link DECIMAL_TEXT}), as the YAML and the Python service's `int()` read numbers. */
const num = (check: z.ZodNumber) =>
  z.string().trim().min(1, 'must not be empty').regex(DECIMAL_TEXT, 'must be a decimal number').transform(Number).pipe(check.refine(Number.isFinite, 'must be a number'));

/** Environment variables, validated with the variable's name as the issue path. */
export const envSchema = z.object({
  CONFIG_FILE: z.string().optional(),
  HOST: z.string().min(1).optional(),
  PORT: num(z.number().int().min(0).max(65535)).optional(),
  LOG_LEVEL: logLevelSchema.optional(),
  DRY_RUN: flag.optional(),
  DISCORD_RATE_LIMIT: num(z.number().int().positive()).optional(),
  DISCORD_QUEUE_SIZE: num(z.number().int().positive()).optional(),
  DISCORD_RETRY_ATTEMPTS: num(z.number().int().min(0).max(20)).optional(),
  DISCORD_TIMEOUT_SECONDS: num(z.number().positive().max(300)).optional(),
  DISCORD_ALLOWED_HOSTS: z
    .string()
    .transform((v) => v.split(',').map((h) => h.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(ALLOWED_HOST, ALLOWED_HOST_MESSAGE)))
    .optional(),
  ADMIN_TOKEN: z.string().optional(),
  INGEST_TOKEN: z.string().optional(),
  GRAFANA_HMAC_SECRET: z.string().optional(),
  GRAFANA_HMAC_HEADER: z.string().optional(),
  GRAFANA_HMAC_TIMESTAMP_HEADER: z.string().optional(),
  REDIS_URL: z.string().optional(),
  REDIS_HOST: z.string().optional(),
  REDIS_PORT: num(z.number().int().min(1).max(65535)).optional(),
  REDIS_DB: num(z.number().int().min(0).max(1_000_000)).optional(),
  REDIS_PASSWORD: z.string().optional(),
});
export type EnvConfig = z.infer<typeof envSchema>;

/**
 * A copy of `env` without the alertcord variables (and their `NAME_FILE` forms) that are empty or only
 * whitespace: an empty value counts as not set, as compose's `VAR: ${VAR:-}` passes it (README). Without
 * this, `PORT=` failed the start, `CONFIG_FILE=` loaded no file at all, and `INGEST_TOKEN=" "` hid
 * `INGEST_TOKEN_FILE`, leaving ingest open.
 */
function blankAsUnset(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const out = { ...env };
  for (const name of [...Object.keys(envSchema.shape), ...FILE_VARIABLES]) {
    for (const key of [name, `${name}_FILE`]) if (out[key] !== undefined && out[key].trim() === '') delete out[key];
  }
  return out;
}

/**
 * The environment as alertcord reads it: blank alertcord variables removed ({@link blankAsUnset}), then
 * `NAME` filled from the file named by `NAME_FILE` (trimmed) where `NAME` itself is unset, for each of
 * `names` (default: the known secrets; load.ts adds the variables the YAML references as `${NAME}`).
 * Returns a new env object; unreadable files are issues at `NAME_FILE`.
 */
export function resolveFileVariables(
  rawEnv: Record<string, string | undefined>,
  readFile: (path: string) => string,
  issues: ConfigIssue[],
  names: readonly string[] = FILE_VARIABLES,
): Record<string, string | undefined> {
  const env = blankAsUnset(rawEnv);
  const out = { ...env };
  for (const name of names) {
    const path = env[`${name}_FILE`];
    if (!path || (env[name] ?? '') !== '') continue;
    try {
      const value = readFile(path).trim();
      // An empty file is not "unset": whoever set NAME_FILE wants the secret (an empty INGEST_TOKEN_FILE
      // would otherwise leave ingest open without a word).
      if (value === '') issues.push({ path: `${name}_FILE`, message: `${path} is empty` });
      else out[name] = value;
    } catch (err) {
      issues.push({ path: `${name}_FILE`, message: `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}` });
    }
  }
  return out;
}

/** Applies the seed's variables over the parsed YAML tree (before schema validation). */
export function applyEnvOverrides(raw: Record<string, unknown>, env: EnvConfig, rawEnv: Record<string, string | undefined>): void {
  const server = section(raw, 'server');
  const discord = section(raw, 'discord');
  if (env.HOST !== undefined) server.host = env.HOST;
  if (env.PORT !== undefined) server.port = env.PORT;
  if (env.LOG_LEVEL !== undefined) raw.log_level = env.LOG_LEVEL;
  // A blank DRY_RUN never gets here (resolveFileVariables drops blanks): YAML's dry_run stays.
  if (env.DRY_RUN !== undefined) discord.dry_run = env.DRY_RUN;
  if (env.DISCORD_RATE_LIMIT !== undefined) discord.rate_limit = env.DISCORD_RATE_LIMIT;
  if (env.DISCORD_QUEUE_SIZE !== undefined) discord.queue_size = env.DISCORD_QUEUE_SIZE;
  if (env.DISCORD_RETRY_ATTEMPTS !== undefined) discord.retry_attempts = env.DISCORD_RETRY_ATTEMPTS;
  if (env.DISCORD_TIMEOUT_SECONDS !== undefined) discord.timeout = env.DISCORD_TIMEOUT_SECONDS;
  if (env.DISCORD_ALLOWED_HOSTS !== undefined) discord.allowed_hosts = env.DISCORD_ALLOWED_HOSTS;
  const types = section(raw, 'alert_types');
  for (const [type, variable] of Object.entries(WEBHOOK_ENV)) {
    const value = rawEnv[variable]?.trim();
    if (!value) continue;
    // A type written as a scalar (`error: https://…`) is left for the schema to report at its path: writing
    // into it threw, with the scalar (often the URL and its token) in the message.
    section(types, type).webhook = value;
  }
}

/**
 * The YAML section (or alert type entry) `key` to write overrides into: created when absent or empty (`discord:` alone). A section
 * of the wrong shape (a list, a scalar) is left as it is, so the schema reports it with its path; the
 * overrides go into a detached object instead of silently replacing what the file says.
 */
function section(raw: Record<string, unknown>, key: string): Record<string, unknown> {
  const existing = raw[key];
  if (existing && typeof existing === 'object' && !Array.isArray(existing)) return existing as Record<string, unknown>;
  const created: Record<string, unknown> = {};
  if (existing === undefined || existing === null) raw[key] = created;
  return created;
}
