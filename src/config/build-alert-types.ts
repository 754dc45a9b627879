import { BUILTIN_ALERT_TYPES } from '../model/alert-type.js';
import { MAX_CONTENT, codePointLength } from '../render/limits.js';
import { buildPing } from '../render/mentions.js';
import { BUILTIN_TYPE_DEFAULTS, CUSTOM_TYPE_COLOR } from './defaults.js';
import { WEBHOOK_ENV } from './env.js';
import type { ConfigIssue } from './issues.js';
import type { AlertTypeFileConfig, FileConfig } from './schema.js';
import type { AlertTypeConfig } from './types.js';
import { parseWebhookUrl, type Webhook } from './webhook-url.js';

/**
 * The six built-in alert types plus the user's, each with its webhook (its own, else general's), colour,
 * identity, mentions and rate limit. Webhook problems are reported at the variable that set the URL.
 */
export function buildAlertTypes(file: Pick<FileConfig, 'alert_types' | 'discord'>, env: Record<string, string | undefined>): { alertTypes: Map<string, AlertTypeConfig>; webhookCount: number; issues: ConfigIssue[] } {
  const declared: Record<string, AlertTypeFileConfig> = {};
  for (const name of BUILTIN_ALERT_TYPES) declared[name] = {};
  for (const [name, entry] of Object.entries(file.alert_types)) declared[name] = entry ?? {};
  const issues: ConfigIssue[] = [];
  const webhooks = new Map<string, Webhook>();
  /** `?thread_id=` of a type's URL: where that URL posts (types falling back to general take general's thread below). */
  const urlThreads = new Map<string, string>();
  for (const [name, entry] of Object.entries(declared)) {
    if (!entry.webhook) continue;
    const parsed = parseWebhookUrl(entry.webhook, file.discord.allowed_hosts);
    const variable = WEBHOOK_ENV[name];
    const where = variable && env[variable]?.trim() ? variable : `alert_types.${name}.webhook`;
    if (!parsed.ok) {
      issues.push({ path: where, message: `webhook URL ${parsed.error}` });
      continue;
    }
    webhooks.set(name, parsed.webhook);
    if (parsed.threadId === undefined) continue;
    urlThreads.set(name, parsed.threadId);
    if (entry.thread_name) issues.push({ path: where, message: `webhook URL has ?thread_id= and alert_types.${name}.thread_name is set: set only one of them` });
    else if (entry.thread_id !== undefined && entry.thread_id !== parsed.threadId) {
      issues.push({ path: where, message: `webhook URL's ?thread_id= differs from alert_types.${name}.thread_id: set only one of them` });
    }
  }
  const alertTypes = new Map<string, AlertTypeConfig>();
  for (const [name, entry] of Object.entries(declared)) {
    const own = webhooks.get(name);
    const type = alertType(name, entry, own, webhooks.get('general'), file.discord.rate_limit);
    // The type's own thread_id / thread_name win; otherwise the thread its webhook URL names.
    const urlThread = own ? urlThreads.get(name) : undefined;
    if (type.threadId === undefined && type.threadName === undefined && urlThread !== undefined) type.threadId = urlThread;
    alertTypes.set(name, type);
    issues.push(...alertTypeIssues(name, entry), ...mentionIssues(name, type.mentions));
  }
  // A type falling back to general's webhook posts into general's channel: without a thread setting of its
  // own it goes where general's messages go (its thread or forum post; a forum refuses neither: 400 220001).
  const general = alertTypes.get('general');
  for (const type of alertTypes.values()) {
    if (!type.fallsBackToGeneral || type.threadId !== undefined || type.threadName !== undefined) continue;
    type.threadId = general?.threadId;
    type.threadName = general?.threadName;
  }
  return { alertTypes, webhookCount: webhooks.size, issues };
}

function alertType(name: string, entry: AlertTypeFileConfig, own: Webhook | undefined, general: Webhook | undefined, defaultPerMinute: number): AlertTypeConfig {
  const defaults = BUILTIN_TYPE_DEFAULTS[name];
  const perMinute = entry.rate_limit?.per_minute ?? defaultPerMinute;
  return {
    name,
    webhook: own ?? general,
    fallsBackToGeneral: !own && name !== 'general',
    color: entry.color ?? defaults?.color ?? CUSTOM_TYPE_COLOR,
    username: entry.username,
    avatarUrl: entry.avatar_url,
    threadId: entry.thread_id,
    threadName: entry.thread_name,
    mentions: { here: false, everyone: false, roles: [], users: [], ...defaults?.mentions, ...definedOnly(entry.mentions ?? {}) },
    rateLimit: {
      algorithm: entry.rate_limit?.algorithm ?? 'token_bucket',
      perMinute,
      burst: entry.rate_limit?.burst ?? Math.max(1, Math.floor(perMinute)),
    },
  };
}

/** The keys the user set (zod leaves absent optional keys out; undefined ones are dropped too). */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Pings go in `content` (2,000 characters): tokens past it were silently left unpinged at 3 a.m. Measured on
 * the type's mentions with its defaults in (critical's `@here` goes first and takes room), as sent.
 */
function mentionIssues(name: string, mentions: AlertTypeConfig['mentions']): ConfigIssue[] {
  const length = codePointLength(buildPing(mentions, '', Number.POSITIVE_INFINITY).content);
  if (length <= MAX_CONTENT) return [];
  return [{ path: `alert_types.${name}.mentions`, message: `these mentions take ${length} characters; a Discord message's content holds ${MAX_CONTENT}: ping fewer roles/users (one role for the on-call group)` }];
}

function alertTypeIssues(name: string, entry: AlertTypeFileConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (entry.username && /discord|clyde/i.test(entry.username)) {
    issues.push({ path: `alert_types.${name}.username`, message: 'Discord refuses usernames containing "discord" or "clyde"' });
  }
  if (entry.thread_id && entry.thread_name) {
    issues.push({ path: `alert_types.${name}.thread_name`, message: 'set thread_id or thread_name, not both' });
  }
  return issues;
}
