import {
  COLOR_CRITICAL, COLOR_ERROR, COLOR_GENERAL, COLOR_MONITORING, COLOR_SECURITY, COLOR_TRACKLIST,
} from './colors.js';
import type { DiscordEmbed, DiscordEmbedField, DiscordMessage } from './discord-message.js';
import { codeBlock, escapeText, plainText } from './escape.js';
import { finishEmbed, fitEmbed } from './fit.js';
import { messageIdentity } from './identity.js';
import { MAX_DESCRIPTION, MAX_FIELD_NAME, MAX_FIELD_VALUE, MAX_TITLE, MAX_TOTAL, codePointLength, embedSize, truncate } from './limits.js';
import { buildPing, noMentions } from './mentions.js';
import type { Ping } from './mentions.js';
import type {
  CriticalTemplateData, ErrorTemplateData, GeneralTemplateData, MonitoringTemplateData, SecurityTemplateData,
  TemplateCommon, Track, TracklistTemplateData,
} from './template-types.js';
import { isoTimestamp } from './time.js';

/*
 * The seed's six templates. `xxxEmbed` gives the embed (used by `renderTemplate` for alerts that carry
 * template data); `buildXxx` wraps it in a complete message. All alert-supplied text is escaped, and
 * every embed ends in `finishEmbed`, the one place limits are enforced.
 */

/**
 * What a caller adds around a template's body (an alert's status marker, its own fields and links, its
 * footer, a notification's notes …). A template applies it BEFORE it fits its body to the 6000 total: added
 * afterwards, the final cut would take the body's end (the traceback's last lines and its closing fence,
 * the "+N more tracks" line). A description the frame gives leads the template's own.
 */
export type EmbedFrame = (e: DiscordEmbed) => DiscordEmbed;

/** No frame. */
export const noFrame: EmbedFrame = (e) => e;

/** The framed embed without its description, and that description: the lead paragraph ('' when none). */
function framedWithLead(framing: DiscordEmbed, frame: EmbedFrame): { e: DiscordEmbed; lead: string } {
  const { description, ...e } = frame(framing);
  return { e, lead: description ?? '' };
}

/** Short values sit side by side; long ones get a full row. */
const INLINE_MAX = 40;

function base(common: TemplateCommon, title: string, color: number): DiscordEmbed {
  const e: DiscordEmbed = { title, color };
  const ts = isoTimestamp(common.timestamp);
  if (ts !== undefined) e.timestamp = ts;
  if (common.footer !== undefined) e.footer = { text: plainText(common.footer) };
  return e;
}

/** Escaped name/value fields from a record (own keys only, so `__proto__` is just a name). */
export function recordFields(record: Record<string, string> | undefined): DiscordEmbedField[] {
  return Object.entries(record ?? {}).map(([k, v]) => {
    const value = String(v);
    return { name: escapeText(k, MAX_FIELD_NAME), value: escapeText(value, MAX_FIELD_VALUE), inline: codePointLength(value) <= INLINE_MAX };
  });
}

/** Error: orange; message, then the traceback's END in a code block the traceback cannot close. */
export function errorEmbed(d: ErrorTemplateData, frame: EmbedFrame = noFrame): DiscordEmbed {
  const framing = base(d, `❌ ${escapeText(d.title ?? 'Error', MAX_TITLE)}`, COLOR_ERROR);
  const fields = recordFields(d.errorDetails);
  if (fields.length > 0) framing.fields = fields;
  const { e, lead } = framedWithLead(framing, frame);
  const message = (lead ? `${lead}\n\n` : '') + escapeText(d.errorMessage, MAX_DESCRIPTION);
  if (!d.traceback) return finishEmbed({ ...e, description: message });
  const head = `${truncate(message, MAX_DESCRIPTION / 2)}\n\n**Traceback**\n`;
  // Long details fitted first could take the whole 6000 and the traceback vanished without a mark: they
  // get what the message and the traceback (up to a field value's worth) leave, cut with "…".
  const wanted = codePointLength(head) + codePointLength(codeBlock(d.traceback, { max: MAX_FIELD_VALUE, keep: 'tail' }));
  const framed = fitEmbed(e, MAX_TOTAL - Math.min(MAX_DESCRIPTION, wanted));
  const room = Math.min(MAX_DESCRIPTION, MAX_TOTAL - embedSize(framed)) - codePointLength(head);
  const block = codeBlock(d.traceback, { max: room, keep: 'tail' });
  return finishEmbed({ ...framed, description: block === '' ? message : head + block });
}

/** Critical: red, with impact and action required. */
export function criticalEmbed(d: CriticalTemplateData, frame: EmbedFrame = noFrame): DiscordEmbed {
  const e = base(d, `🚨 ${escapeText(d.title, MAX_TITLE)}`, COLOR_CRITICAL);
  e.description = escapeText(d.message, MAX_DESCRIPTION);
  const fields: DiscordEmbedField[] = [];
  if (d.impact) fields.push({ name: 'Impact', value: escapeText(d.impact, MAX_FIELD_VALUE) });
  if (d.actionRequired) fields.push({ name: 'Action required', value: escapeText(d.actionRequired, MAX_FIELD_VALUE) });
  if (fields.length > 0) e.fields = fields;
  return finishEmbed(frame(e));
}

function trackLine(t: Track, i: number): string {
  const time = t.time ? `\`${plainText(t.time).replace(/`/g, 'ˋ')}\` ` : '';
  const artist = t.artist ? `**${escapeText(t.artist, 150)}** – ` : '';
  return `${i + 1}. ${time}${artist}${escapeText(t.title, 150)}`.replace(/\n/g, ' ');
}

/** Tracklist: teal; a numbered list of whole lines while they fit, then "+N more tracks". */
export function tracklistEmbed(d: TracklistTemplateData, frame: EmbedFrame = noFrame): DiscordEmbed {
  const framing = base(d, `🎵 ${escapeText(d.title ?? 'Tracklist', MAX_TITLE)}`, COLOR_TRACKLIST);
  if (d.url !== undefined) framing.url = d.url;
  const { e, lead } = framedWithLead(framing, frame);
  // The list must fit beside the title, fields and footer (6000 in all), or finishEmbed would cut its last lines
  // and the "+N more tracks" line with them.
  const room = Math.min(MAX_DESCRIPTION, MAX_TOTAL - embedSize(finishEmbed(e)));
  const lines: string[] = lead ? [lead, ''] : [];
  if (d.description) lines.push(escapeText(d.description, Math.floor(room / 2)), '');
  let used = lines.reduce((n, l) => n + codePointLength(l) + 1, 0);
  for (const [i, track] of d.tracks.entries()) {
    const line = truncate(trackLine(track, i), 300);
    const reserve = i < d.tracks.length - 1 ? 24 : 0; // room for "+N more tracks"
    if (used + codePointLength(line) + 1 + reserve > room) {
      lines.push(`+${d.tracks.length - i} more tracks`);
      break;
    }
    lines.push(line);
    used += codePointLength(line) + 1;
  }
  e.description = lines.length > 0 ? lines.join('\n') : 'No tracks';
  return finishEmbed(e);
}

/** Monitoring: purple; the description (when given), then metric, current value, threshold and status fields. */
export function monitoringEmbed(d: MonitoringTemplateData, frame: EmbedFrame = noFrame): DiscordEmbed {
  const unit = d.unit ? ` ${d.unit}` : '';
  const e = base(d, `📊 ${escapeText(d.title ?? d.metricName, MAX_TITLE)}`, COLOR_MONITORING);
  if (d.description) e.description = escapeText(d.description, MAX_DESCRIPTION);
  e.fields = [
    { name: 'Metric', value: escapeText(d.metricName, MAX_FIELD_VALUE), inline: true },
    { name: 'Current value', value: escapeText(`${String(d.currentValue)}${unit}`, MAX_FIELD_VALUE), inline: true },
    { name: 'Threshold', value: escapeText(`${String(d.threshold)}${unit}`, MAX_FIELD_VALUE), inline: true },
    { name: 'Status', value: escapeText(d.status, MAX_FIELD_VALUE), inline: true },
  ];
  return finishEmbed(frame(e));
}

/** Security: yellow; the event (then the description, when given), severity, source and details. */
export function securityEmbed(d: SecurityTemplateData, frame: EmbedFrame = noFrame): DiscordEmbed {
  const e = base(d, `🔒 ${escapeText(d.title ?? 'Security event', MAX_TITLE)}`, COLOR_SECURITY);
  e.description = escapeText(d.description ? `${d.event}\n\n${d.description}` : d.event, MAX_DESCRIPTION);
  const fields: DiscordEmbedField[] = [];
  if (d.severity) fields.push({ name: 'Severity', value: escapeText(d.severity, MAX_FIELD_VALUE), inline: true });
  if (d.source) fields.push({ name: 'Source', value: escapeText(d.source, MAX_FIELD_VALUE), inline: true });
  if (typeof d.details === 'string' && d.details !== '') fields.push({ name: 'Details', value: escapeText(d.details, MAX_FIELD_VALUE) });
  else if (typeof d.details === 'object') fields.push(...recordFields(d.details));
  if (fields.length > 0) e.fields = fields;
  return finishEmbed(frame(e));
}

/** General: blue; a title and a message. */
export function generalEmbed(d: GeneralTemplateData, frame: EmbedFrame = noFrame): DiscordEmbed {
  return finishEmbed(frame({ ...base(d, escapeText(d.title, MAX_TITLE), COLOR_GENERAL), description: escapeText(d.message, MAX_DESCRIPTION) }));
}

/** A message of one template embed: identity from `common`, and no ping unless `ping` says so. */
export function templateMessage(embed: DiscordEmbed, common: TemplateCommon, ping?: Ping): DiscordMessage {
  const msg: DiscordMessage = { ...messageIdentity(common), embeds: [embed], allowed_mentions: ping?.allowedMentions ?? noMentions() };
  if (ping && ping.content !== '') msg.content = ping.content;
  return msg;
}

/** The error template as a message. */
export function buildErrorMessage(d: ErrorTemplateData): DiscordMessage {
  return templateMessage(errorEmbed(d), d);
}
/** The critical template as a message: `@here` in content, allowed_mentions parse ['everyone']. */
export function buildCriticalMessage(d: CriticalTemplateData): DiscordMessage {
  return templateMessage(criticalEmbed(d), d, buildPing(d.mentions ?? { here: true }));
}
/** The tracklist template as a message. */
export function buildTracklistMessage(d: TracklistTemplateData): DiscordMessage {
  return templateMessage(tracklistEmbed(d), d);
}
/** The monitoring template as a message. */
export function buildMonitoringMessage(d: MonitoringTemplateData): DiscordMessage {
  return templateMessage(monitoringEmbed(d), d);
}
/** The security template as a message. */
export function buildSecurityMessage(d: SecurityTemplateData): DiscordMessage {
  return templateMessage(securityEmbed(d), d);
}
/** The general template as a message. */
export function buildGeneralMessage(d: GeneralTemplateData): DiscordMessage {
  return templateMessage(generalEmbed(d), d);
}
