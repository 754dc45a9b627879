import type { Alert } from '../model/alert.js';
import { colorForType, statusColor } from './colors.js';
import type { DiscordEmbed } from './discord-message.js';
import { plainText } from './escape.js';
import { alertFields, alertTimestamp, linksFields, statusMarker } from './format.js';
import type { Track } from './template-types.js';
import {
  criticalEmbed, errorEmbed, generalEmbed, monitoringEmbed, noFrame, securityEmbed, tracklistEmbed, type EmbedFrame,
} from './templates.js';

/** Template keys renderTemplate knows; anything else renders as `general`. */
export const TEMPLATE_KEYS = ['general', 'error', 'critical', 'tracklist', 'monitoring', 'security'] as const;

/** Options of `renderTemplate`. */
export interface RenderTemplateOptions {
  /** Colour of a firing alert (default: the template's colour; the sender's explicit colour wins). */
  color?: number;
  /** Clock for alerts without times. */
  now?: () => number;
  /** What the caller adds around the alert's embed (a notification's notes), before the template fits it. */
  frame?: EmbedFrame;
}

/** Own value of the first key present (snake_case or camelCase), so `__proto__` and friends are just names. */
function pick(t: Record<string, string>, ...keys: string[]): string | undefined {
  for (const k of keys) if (Object.hasOwn(t, k) && typeof t[k] === 'string' && t[k] !== '') return t[k];
  return undefined;
}

/** Tracks from template data: a JSON array of {artist?, title, time?} or one "Artist - Title" per line. */
export function parseTracks(raw: string | undefined): Track[] {
  if (raw === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    if (Array.isArray(parsed)) {
      return parsed.flatMap((t): Track[] => {
        if (typeof t === 'string') return [{ title: t }];
        if (!t || typeof t !== 'object' || typeof (t as Track).title !== 'string') return [];
        const { artist, title, time } = t as Record<string, unknown>;
        return [{ title: String(title), ...(typeof artist === 'string' ? { artist } : {}), ...(typeof time === 'string' ? { time } : {}) }];
      });
    }
  } catch {
    // not JSON: one track per line
  }
  return raw.split('\n').map((l) => l.trim()).filter((l) => l !== '').map((title) => ({ title }));
}

function templateBody(alert: Alert, key: string, frame: EmbedFrame): DiscordEmbed {
  const t = alert.presentation?.template ?? {};
  switch (key) {
    case 'error':
      return errorEmbed({ title: alert.title, errorMessage: alert.message, ...opt('traceback', pick(t, 'traceback', 'stack', 'stacktrace')) }, frame);
    case 'critical':
      return criticalEmbed({
        title: alert.title, message: alert.message,
        ...opt('impact', pick(t, 'impact')), ...opt('actionRequired', pick(t, 'action_required', 'actionRequired', 'action')),
      }, frame);
    case 'tracklist':
      return tracklistEmbed({ title: alert.title, tracks: parseTracks(pick(t, 'tracks')), ...opt('description', alert.message || undefined) }, frame);
    case 'monitoring':
      return monitoringEmbed({
        title: alert.title,
        metricName: pick(t, 'metric_name', 'metricName', 'metric') ?? alert.title,
        currentValue: pick(t, 'current_value', 'currentValue', 'value') ?? '?',
        threshold: pick(t, 'threshold') ?? '?',
        status: pick(t, 'status') ?? alert.status,
        ...opt('unit', pick(t, 'unit')), ...opt('description', alert.message || undefined),
      }, frame);
    case 'security': {
      // The sender's message is shown whatever the template data names: as the event, or after it.
      const event = pick(t, 'event');
      return securityEmbed({
        title: alert.title, event: event ?? alert.message, severity: pick(t, 'severity') ?? alert.severity,
        ...opt('source', pick(t, 'source')), ...opt('details', pick(t, 'details')),
        ...opt('description', event !== undefined && alert.message !== event ? alert.message || undefined : undefined),
      }, frame);
    }
    default:
      return generalEmbed({ title: alert.title, message: alert.message }, frame);
  }
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * One alert that carries seed template data (`alert.presentation.template`, from the generic source's
 * seed shape or the library) rendered through the template of `typeKey`, with the alert's own fields,
 * links and presentation hints added. A firing alert keeps the seed's look; a resolved one is green and
 * marked "✅ RESOLVED", a test one "[TEST]".
 */
export function renderTemplate(alert: Alert, typeKey: string, options: RenderTemplateOptions = {}): DiscordEmbed {
  // The template fits its body around this frame (see EmbedFrame), so the alert's own parts never cut it.
  const outer = options.frame ?? noFrame;
  return templateBody(alert, typeKey, (body) => outer(framed(body, alert, typeKey, options)));
}

/** The template's embed with the alert's status marker, colour, fields, links, presentation hints and time. */
function framed(body: DiscordEmbed, alert: Alert, typeKey: string, options: RenderTemplateOptions): DiscordEmbed {
  const e: DiscordEmbed = { ...body };
  const p = alert.presentation ?? {};
  if (alert.status === 'resolved' || alert.isTest === true || alert.stateNote) {
    e.title = `${statusMarker(alert)}: ${e.title ?? ''}`;
  }
  e.color = statusColor(alert.status, options.color ?? e.color ?? colorForType(typeKey), p.color);
  const extra = [...alertFields(alert.fields), ...linksFields(alert.links)];
  if (extra.length > 0) e.fields = [...(e.fields ?? []), ...extra];
  if (p.url !== undefined) e.url = p.url;
  if (p.author) e.author = { name: plainText(p.author.name), ...opt('url', p.author.url), ...opt('icon_url', p.author.iconUrl) };
  if (p.thumbnailUrl !== undefined) e.thumbnail = { url: p.thumbnailUrl };
  if (p.imageUrl !== undefined) e.image = { url: p.imageUrl };
  if (p.footer !== undefined) e.footer = { text: plainText(p.footer) };
  const ts = alertTimestamp(alert, options.now);
  if (ts !== undefined) e.timestamp = ts;
  return e;
}
