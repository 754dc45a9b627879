import { z } from 'zod';
import { parseDuration } from './duration.js';

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
  if (!Number.isInteger(n) || n < 0 || n > 0xffffff || (typeof v === 'string' && !/^(#|0x)?[0-9a-f]{1,6}$/i.test(v))) {
    ctx.addIssue({ code: 'custom', message: `invalid colour "${v}" (use #RRGGBB or 0xRRGGBB)` });
    return z.NEVER;
  }
  return n;
});

const snowflake = z.union([z.string().regex(/^\d{1,25}$/, 'must be a Discord id (digits)'), z.number().int()]).transform(String);

export const rateLimitSchema = z.strictObject({
  algorithm: z.enum(['token_bucket', 'sliding_window']).default('token_bucket'),
  per_minute: z.number().int().positive().optional(),
  burst: z.number().int().positive().optional(),
});

export const mentionsSchema = z.strictObject({
  here: z.boolean().default(false),
  everyone: z.boolean().default(false),
  roles: z.array(snowflake).default([]),
  users: z.array(snowflake).default([]),
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

/** The YAML file (snake_case keys, as in Alertmanager's and Prometheus's configs). */
export const fileSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().default('0.0.0.0'),
      port: z.number().int().min(0).max(65535).default(8080),
      body_limit: z.number().int().positive().default(1024 * 1024),
      max_json_depth: z.number().int().min(2).max(10_000).default(64),
      request_timeout: durationSchema.default(30_000),
      shutdown_deadline: durationSchema.default(8_000),
    })
    .prefault({}),
  discord: z
    .strictObject({
      rate_limit: z.number().int().positive().default(30),
      queue_size: z.number().int().positive().default(10_000),
      retry_attempts: z.number().int().min(0).max(20).default(3),
      timeout: durationSchema.default(10_000),
      allowed_hosts: z.array(z.string().min(1)).default([]),
      dry_run: z.boolean().default(false),
      circuit_breaker: z
        .strictObject({ failure_threshold: z.number().int().min(1).default(5), cooldown: durationSchema.default(60_000) })
        .prefault({}),
    })
    .prefault({}),
  alert_types: z.record(z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'alert type names are lowercase [a-z0-9_-]'), alertTypeSchema.nullable()).default({}),
  routes: z.array(z.unknown()).optional(),
  dedupe: z.strictObject({ window: durationSchema.default(300_000) }).prefault({}),
  history: z
    .strictObject({ max_entries: z.number().int().positive().default(10_000), retention: durationSchema.default(7 * 86_400_000) })
    .prefault({}),
  log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type FileConfig = z.infer<typeof fileSchema>;
export type AlertTypeFileConfig = z.infer<typeof alertTypeSchema>;
