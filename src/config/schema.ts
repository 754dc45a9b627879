import { z } from 'zod';
import { parseSeverity } from '../routing/severity.js';
import { timeIntervalsSchema } from '../routing/time-intervals.js';
import { MAX_MENTION_IDS } from '../render/limits.js';
import { SNOWFLAKE } from '../render/mentions.js';
import { parseDuration } from './duration.js';
import { sourcesSchema } from './ingest-auth.js';
import { logLevelSchema } from './log-level.js';
import { yamlBoolean, yamlNumber } from './yaml-scalars.js';
import { watchdogSchema } from './watchdog.js';
import { ALLOWED_HOST, ALLOWED_HOST_MESSAGE } from './webhook-url.js';

/** A duration as Alertmanager users write it ("30s", "5m", "7d"), or a number of seconds. */
export const durationSchema = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `invalid duration "${v}" (use e.g. 30s, 5m, 1h, 7d)` });
    return z.NEVER;
  }
  return ms;
});

/** A colour as 0xRRGGBB integer, "#RRGGBB" or "0xRRGGBB". */
export const colorSchema = z.union([z.number().int(), z.string()]).transform((v, ctx) => {
  const n = typeof v === 'number' ? v : Number.parseInt(v.replace(/^#|^0x/i, ''), 16);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffff || (typeof v === 'string' && !/^(#|0x)?[0-9a-f]{6}$/i.test(v))) {
    ctx.addIssue({ code: 'custom', message: `invalid colour "${v}" (use #RRGGBB or 0xRRGGBB)` });
    return z.NEVER;
  }
  return n;
});


/**
 * A Discord id, as the renderer pings it (SNOWFLAKE: an id it would skip must not load). Unquoted, YAML reads
 * an id of 17+ digits as a number past 2^53 that has already lost its last digits: refused, asking for quotes.
 */
const snowflake = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const text = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v;
  if (typeof text === 'string' && SNOWFLAKE.test(text)) return text;
  const long = typeof text === 'number' && Number.isInteger(text) && text > 0;
  ctx.addIssue({ code: 'custom', message: long ? 'write the id in quotes: YAML reads a number this long without its last digits' : 'must be a Discord id (at most 20 digits)' });
  return z.NEVER;
});

export const rateLimitSchema = z.strictObject({
  algorithm: z.enum(['token_bucket', 'sliding_window']).default('token_bucket'),
  per_minute: yamlNumber(z.number().int().positive()).optional(),
  burst: yamlNumber(z.number().int().positive()).optional(),
});

/**
 * Each key defaults on its own (build-alert-types.ts): setting `roles` must not turn off critical's `here`.
 * Whether the tokens fit `content` is checked there too, with the type's defaults in (critical's `@here`).
 */
export const mentionsSchema = z.strictObject({
  here: yamlBoolean().optional(),
  everyone: yamlBoolean().optional(),
  // discord.md: allowed_mentions lists at most 100 roles and 100 users.
  roles: z.array(snowflake).max(MAX_MENTION_IDS).optional(),
  users: z.array(snowflake).max(MAX_MENTION_IDS).optional(),
});

export const alertTypeSchema = z.strictObject({
  webhook: z.string().optional(),
  color: colorSchema.optional(),
  username: z.string().max(80).optional(),
  avatar_url: z.url({ protocol: /^https?$/ }).optional(),
  thread_id: snowflake.optional(),
  thread_name: z.string().min(1).max(100).optional(),
  mentions: mentionsSchema.optional(),
  rate_limit: rateLimitSchema.optional(),
});

const atLeast = (minMs: number, text: string) => durationSchema.refine((ms) => ms >= minMs, `must be at least ${text}`);

/**
 * `store.redis`: tuning of the Redis store. The store is selected by a URL (here, REDIS_URL or REDIS_HOST);
 * the password never goes in this file (REDIS_PASSWORD / REDIS_PASSWORD_FILE), which build-store.ts checks.
 */
export const redisStoreSchema = z.strictObject({
  url: z.string().min(1).optional(),
  key_prefix: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'use 1-64 of A-Z a-z 0-9 _ . : - (no braces: they delimit hash tags)').default('alertcord'),
  visibility_timeout: atLeast(1_000, '1s').default(60_000),
  command_timeout: atLeast(100, '100ms').refine((ms) => ms <= 60_000, 'must be at most 60s').default(1_500),
  durability: z.enum(['none', 'fsync']).default('none'),
});

/**
 * `otlp`: which OTLP log records become alerts (`min_severity`: our four levels or a synonym such as
 * WARN or FATAL) and flood control (sources/otlp/flood.ts): identical records within `window` fold into
 * one notification with a count (0s turns folding off); at most `per_service_per_minute` notifications
 * per `service.name`, the excess summarized in one message.
 */
export const otlpSchema = z.strictObject({
  min_severity: z
    .string()
    .transform((v, ctx) => {
      const severity = parseSeverity(v);
      if (!severity) {
        ctx.addIssue({ code: 'custom', message: `unknown severity "${v}" (use critical, error, warning or info; WARN, FATAL … also work)` });
        return z.NEVER;
      }
      return severity;
    })
    .default('warning'),
  flood: z
    .strictObject({
      window: durationSchema.default(60_000),
      per_service_per_minute: yamlNumber(z.number().int().positive()).default(30),
    })
    .prefault({}),
});

/** The YAML file (snake_case keys, as in Alertmanager's and Prometheus's configs). */
export const fileSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().default('0.0.0.0'),
      port: yamlNumber(z.number().int().min(0).max(65535)).default(8080),
      body_limit: yamlNumber(z.number().int().positive()).default(8 * 1024 * 1024),
      max_json_depth: yamlNumber(z.number().int().min(2).max(10_000)).default(64),
      request_timeout: durationSchema.default(30_000),
      shutdown_deadline: durationSchema.default(8_000),
    })
    .prefault({}),
  discord: z
    .strictObject({
      rate_limit: yamlNumber(z.number().int().positive()).default(30),
      queue_size: yamlNumber(z.number().int().positive()).default(10_000),
      retry_attempts: yamlNumber(z.number().int().min(0).max(20)).default(3),
      timeout: durationSchema.refine((ms) => ms > 0 && ms <= 300_000, 'must be more than 0s and at most 300s (as DISCORD_TIMEOUT_SECONDS)').default(10_000),
      allowed_hosts: z.array(z.string().trim().regex(ALLOWED_HOST, ALLOWED_HOST_MESSAGE)).default([]),
      dry_run: yamlBoolean().default(false),
      circuit_breaker: z
        .strictObject({ failure_threshold: yamlNumber(z.number().int().min(1)).default(5), cooldown: durationSchema.default(60_000) })
        .prefault({}),
    })
    .prefault({}),
  alert_types: z.record(z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'alert type names are lowercase [a-z0-9_-]'), alertTypeSchema.nullable()).default({}),
  routes: z.array(z.unknown()).optional(),
  /** Named time intervals for routes' `mute_time_intervals` / `active_time_intervals` (Alertmanager's syntax). */
  time_intervals: timeIntervalsSchema.optional(),
  dedupe: z.strictObject({ window: durationSchema.default(300_000) }).prefault({}),
  history: z
    .strictObject({ max_entries: yamlNumber(z.number().int().positive()).default(10_000), retention: durationSchema.default(7 * 86_400_000) })
    .prefault({}),
  store: z.strictObject({ redis: redisStoreSchema.optional() }).prefault({}),
  /** Per-source ingest tokens and Grafana's HMAC (ingest-auth.ts). */
  sources: sourcesSchema,
  log_level: logLevelSchema.default('info'),
  /** The dead man's switch: expect Alertmanager's always-firing Watchdog alert (watchdog.ts); off when absent. */
  watchdog: watchdogSchema.optional(),
  /** OTLP/HTTP logs (`POST /v1/logs`): minimum severity and flood control. */
  otlp: otlpSchema.prefault({}),
});

export type FileConfig = z.infer<typeof fileSchema>;
export type RedisStoreFileConfig = z.infer<typeof redisStoreSchema>;
export type AlertTypeFileConfig = z.infer<typeof alertTypeSchema>;
