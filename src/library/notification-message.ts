import { mentionsSchema } from '../config/schema.js';
import type { AlertType } from '../model/alert-type.js';
import type { Track } from '../render/template-types.js';

/** One embed field, as the seed's library took it. */
export interface NotificationField {
  name: string;
  value: string;
  inline?: boolean;
}

/**
 * The seed's `NotificationMessage`: what a program hands `DiscordNotificationService.send`. Rendered in its
 * alert type's colour unless `color` is given, through the type's template when it carries `template` data;
 * text is escaped and kept within Discord's limits.
 */
export interface NotificationMessage {
  alertType: AlertType;
  title: string;
  message: string;
  fields?: NotificationField[];
  color?: number;
  url?: string;
  /** Date, ISO 8601 text or epoch milliseconds. */
  timestamp?: Date | string | number;
  author?: { name: string; url?: string; iconUrl?: string };
  thumbnail?: string;
  image?: string;
  footer?: string;
  severity?: 'critical' | 'error' | 'warning' | 'info';
  /**
   * The seed's template data, shown by the alert type's template: error `traceback`; critical `impact`,
   * `action_required`; tracklist `tracks` ({@link Track}s, or "Artist - Title" lines); monitoring
   * `metric_name`, `current_value`, `threshold`, `unit`, `status`; security `event`, `source`, `details`.
   */
  template?: Record<string, string | number | boolean | Track[]>;
  /** Who to ping (only when firing); defaults to the alert type's configured mentions. */
  mentions?: { here?: boolean; everyone?: boolean; roles?: string[]; users?: string[] };
  /**
   * Sends with the same key (and status) within `dedupe.window` post once: a retry after `rate_limited`
   * whose first try did reach the queue, or two processes reporting one event. Without it every send posts.
   */
  dedupeKey?: string;
}

/** What `send` resolves to: when Discord answered, or when the last retry failed. */
export interface DeliveryResult {
  success: boolean;
  /**
   * sent: Discord stored it. queued: accepted, delivery pending (`enqueue`; from `send`, with `success: false`
   * and the reason in `error`, when its retries are used and Discord does not answer at all: it stays queued
   * and is sent once Discord answers). failed: refused for good or out
   * of retries (it is in dead letters). rate_limited: the queue is full (backpressure) or the store cannot be
   * reached; try again later.
   * dry_run: rendered and logged, not sent. muted: accepted, and not sent because the route it matched is
   * muted now (`mute_time_intervals` / `active_time_intervals`, README "Mute windows").
   * duplicate: a send with the same `dedupeKey` was accepted within `dedupe.window`; nothing new queued.
   */
  status: 'sent' | 'queued' | 'failed' | 'rate_limited' | 'dry_run' | 'muted' | 'duplicate';
  notificationId?: string;
  messageId?: string;
  attempts: number;
  responseTimeMs?: number;
  error?: string;
  /** What was delivered other than asked, e.g. an alert type that is not configured, routed as if unnamed. */
  warnings?: string[];
}

/** The seed's message as the generic source's wire shape, so the library and scripts render alike. */
export function toGenericWire(m: NotificationMessage): Record<string, unknown> {
  const ts = wireTimestamp(m.timestamp);
  return {
    alert_type: m.alertType,
    title: m.title,
    message: m.message,
    severity: m.severity,
    fields: m.fields,
    color: m.color,
    url: m.url,
    timestamp: ts,
    author: m.author ? { name: m.author.name, url: m.author.url, icon_url: m.author.iconUrl } : undefined,
    thumbnail: m.thumbnail,
    image: m.image,
    footer: m.footer,
    template: m.template,
    dedupe_key: m.dedupeKey,
  };
}

/**
 * The message's time as the generic source reads it: a Date or epoch milliseconds become ISO 8601 (the
 * wire reads small numbers as Unix seconds); an invalid Date stays text the schema refuses, so `send`
 * answers `failed` instead of throwing toISOString's RangeError.
 */
function wireTimestamp(t: NotificationMessage['timestamp']): string | undefined {
  if (t === undefined || typeof t === 'string') return t;
  const date = t instanceof Date ? t : new Date(t);
  return Number.isNaN(date.getTime()) ? `invalid time ${String(t)}` : date.toISOString();
}

/**
 * The message's `mentions` checked as the YAML's are (snowflake ids, numbers taken as text), since they
 * bypass the generic source's schema: from plain JavaScript, `roles: '123'` was queued and then failed to
 * render, or pinged roles 1, 2 and 3 once packed in a batch; an id that is not one was dropped unsaid.
 */
export function parseMentions(m: NotificationMessage): { ok: true; mentions: NotificationMessage['mentions'] } | { ok: false; error: string } {
  if (m.mentions === undefined) return { ok: true, mentions: undefined };
  const parsed = mentionsSchema.safeParse(m.mentions);
  if (parsed.success) return { ok: true, mentions: parsed.data };
  return { ok: false, error: parsed.error.issues.map((i) => `${['mentions', ...i.path].join('.')}: ${i.message}`).join('; ') };
}
