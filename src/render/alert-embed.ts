import type { Alert } from '../model/alert.js';
import { renderTemplate } from './alert-template.js';
import { statusColor } from './colors.js';
import type { DiscordEmbed, DiscordEmbedField } from './discord-message.js';
import { escapeText, plainText } from './escape.js';
import { finishEmbed } from './fit.js';
import {
  SEVERITY_ICONS, alertFields, alertTimestamp, labelFields, lastedText, linksFields, messageRepeatsTitle, sourceLabel, statusMarker,
} from './format.js';
import { MAX_DESCRIPTION, MAX_FIELDS, MAX_TITLE, codePointLength } from './limits.js';
import type { RenderOptions } from './render-options.js';
import { noFrame, type EmbedFrame } from './templates.js';

/** What one alert's embed needs from the render options. */
export type AlertEmbedOptions = Pick<RenderOptions, 'alertType' | 'color' | 'now'>;

/** "[TEST] 🔥 FIRING (no data): High CPU on web-1": status marker then the escaped title. */
export function alertTitle(alert: Alert): string {
  const title = escapeText(alert.title.replace(/\s+/g, ' ').trim(), MAX_TITLE) || escapeText(alert.labels['alertname'] ?? '', MAX_TITLE) || 'Alert';
  return `${statusMarker(alert)}: ${title}`;
}

/**
 * The fields of one alert, at most 25: severity, duration (resolved), key labels, the sender's fields
 * (the overflow is announced, never silent), and the Links fields last.
 */
export function alertEmbedFields(alert: Alert): DiscordEmbedField[] {
  const head: DiscordEmbedField[] = [{ name: 'Severity', value: `${SEVERITY_ICONS[alert.severity] ?? ''} ${alert.severity}`.trim(), inline: true }];
  const lasted = lastedText(alert);
  if (lasted !== undefined) head.push({ name: 'Resolved', value: lasted, inline: true });
  head.push(...labelFields(alert.labels, alert.title));
  const links = linksFields(alert.links);
  const own = alertFields(alert.fields);
  const room = MAX_FIELDS - head.length - links.length;
  const shown = own.length <= room ? own : [
    ...own.slice(0, room - 1),
    { name: '…', value: `+${own.length - (room - 1)} more fields not shown` },
  ];
  return [...head, ...shown, ...links];
}

/**
 * One alert as one embed within every limit: status-marked title, escaped message as description,
 * severity, duration, key labels, fields, links, presentation hints (url, author, thumbnail, image,
 * footer), the type colour (green when resolved) and its time in UTC. An alert carrying seed template
 * data renders through its type's template instead (`renderTemplate`). `frame` adds what the caller puts
 * around the alert (a notification's notes) before the limits are enforced (see EmbedFrame).
 */
export function renderAlertEmbed(alert: Alert, opts: AlertEmbedOptions, frame: EmbedFrame = noFrame): DiscordEmbed {
  if (alert.presentation?.template) {
    return renderTemplate(alert, opts.alertType, { color: opts.color, frame, ...(opts.now ? { now: opts.now } : {}) });
  }
  const p = alert.presentation ?? {};
  const e: DiscordEmbed = {
    title: alertTitle(alert),
    color: statusColor(alert.status, opts.color, p.color),
    fields: alertEmbedFields(alert),
    footer: { text: plainText(p.footer ?? `${sourceLabel(alert.source)} · ${opts.alertType}`) },
  };
  const description = escapeText(alert.message, MAX_DESCRIPTION);
  const titleWhole = codePointLength(e.title!) <= MAX_TITLE;
  if (description.trim() !== '' && !(titleWhole && messageRepeatsTitle(alert))) e.description = description;
  const ts = alertTimestamp(alert, opts.now);
  if (ts !== undefined) e.timestamp = ts;
  if (p.url !== undefined) e.url = p.url;
  if (p.author) {
    e.author = { name: plainText(p.author.name) };
    if (p.author.url !== undefined) e.author.url = p.author.url;
    if (p.author.iconUrl !== undefined) e.author.icon_url = p.author.iconUrl;
  }
  if (p.thumbnailUrl !== undefined) e.thumbnail = { url: p.thumbnailUrl };
  if (p.imageUrl !== undefined) e.image = { url: p.imageUrl };
  return finishEmbed(frame(e));
}
