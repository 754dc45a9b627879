import type { Notification } from '../model/notification.js';
import { worstSeverity } from '../model/severity.js';
import { renderAlertEmbed } from './alert-embed.js';
import { withSilenceLink } from './silence-link.js';
import { statusColor } from './colors.js';
import type { DiscordEmbed, DiscordMessage } from './discord-message.js';
import { escapeText } from './escape.js';
import { finishEmbed, packEmbeds } from './fit.js';
import { FIRING_MARKER, RESOLVED_MARKER, reroutedNote, truncatedNote } from './format.js';
import { messageIdentity } from './identity.js';
import { MAX_CONTENT, codePointLength } from './limits.js';
import { buildPing, noMentions, type Ping } from './mentions.js';
import type { MentionOptions, RenderOptions } from './render-options.js';
import { noFrame, type EmbedFrame } from './templates.js';

/** "**3 firing** — critical": the plain summary next to a ping (counts and severity only, no alert text). */
export function pingSummary(n: Pick<Notification, 'alerts'>): string {
  const firing = n.alerts.filter((a) => a.status === 'firing');
  if (firing.length === 0) return '';
  return `**${firing.length} firing** — ${worstSeverity(firing.map((a) => a.severity))}`;
}

/** The mentions a notification may use: only a firing notification pings, resolved ones never do. */
export function mentionsFor(n: Pick<Notification, 'status'>, mentions: MentionOptions | undefined): MentionOptions | undefined {
  return n.status === 'firing' ? mentions : undefined;
}

function placeholderEmbed(n: Notification, opts: RenderOptions, frame: EmbedFrame): DiscordEmbed {
  const marker = n.status === 'firing' ? FIRING_MARKER : RESOLVED_MARKER;
  return finishEmbed(frame({
    title: `${marker}: ${escapeText(opts.alertType)}`,
    description: 'No alerts in this notification.',
    color: statusColor(n.status, opts.color),
  }));
}

/**
 * The notification's notes for its embed at `index` of `count`: the rerouted line first in the first
 * embed's description, "+N alerts not sent by …" first in the last embed's footer. A frame, so each embed
 * is fitted with its note in it: a note put on a finished embed made the cut take the embed's end (an
 * error template's traceback line and closing fence).
 */
export function notesFrame(n: Pick<Notification, 'reroutedFrom' | 'truncatedAlerts' | 'source'>, index: number, count: number): EmbedFrame {
  const rerouted = index === 0 && n.reroutedFrom ? reroutedNote(n.reroutedFrom) : undefined;
  const truncated = index === count - 1 && n.truncatedAlerts > 0 ? truncatedNote(n.truncatedAlerts, n.source) : undefined;
  if (rerouted === undefined && truncated === undefined) return noFrame;
  return (e) => {
    const out = { ...e };
    if (rerouted !== undefined) out.description = e.description ? `${rerouted}\n\n${e.description}` : rerouted;
    if (truncated !== undefined) out.footer = { ...e.footer, text: e.footer?.text ? `${truncated} · ${e.footer.text}` : truncated };
    return out;
  };
}

/** "(part 2/3)" when a notification needs several messages, else ''. */
function partLabel(index: number, total: number): string {
  return total > 1 ? `(part ${index + 1}/${total})` : '';
}

/**
 * The first message's ping and part label. The config admits mentions whose tokens fill the whole 2,000
 * characters (build-alert-types.ts), so the label "(part 1/N)" goes when keeping it would cost a ping:
 * the next message's "(part 2/N)" still tells the group is split; a role left unpinged tells nobody.
 */
function firstContent(n: Notification, opts: RenderOptions, part: string): { ping: Ping; part: string } {
  const mentions = mentionsFor(n, opts.mentions);
  const ping = buildPing(mentions, pingSummary(n), MAX_CONTENT - (part === '' ? 0 : codePointLength(part) + 1));
  if (part === '' || ping.content === '') return { ping, part };
  const tokensBeside = buildPing(mentions, '', MAX_CONTENT - codePointLength(part) - 1).content;
  if (tokensBeside === buildPing(mentions, '', MAX_CONTENT).content) return { ping, part };
  return { ping: buildPing(mentions, pingSummary(n), MAX_CONTENT), part: '' };
}

/**
 * One notification as Discord messages, in order. Every alert gets its own embed; a group too big for
 * one message (more than 10 embeds or more than 6000 counted characters) is split across messages, so
 * no alert is ever dropped. Only the first message pings, and only when the notification fires and
 * `opts.mentions` asks; content holds only configured mentions, a plain count summary and "(part i/n)"
 * (part 1's label only where the pings leave room for it).
 * `allowed_mentions` is on every message (`{ parse: [] }` unless pinging).
 * Forum channels: each message carries `thread_name`; the worker sends parts 2..n into the post part 1
 * opened (delivery/forum-post.ts).
 */
export function renderNotification(n: Notification, opts: RenderOptions): DiscordMessage[] {
  // An alert without a time of its own (a script's, the library's) is dated when alertcord received it, as its
  // packed form is: dated by the send, one held by a Discord outage or replayed from dead letters read as new.
  const alertOpts: RenderOptions = { ...opts, now: () => n.receivedAt };
  const embeds = n.alerts.length === 0
    ? [placeholderEmbed(n, opts, notesFrame(n, 0, 1))]
    : n.alerts.map((a, i, all) => renderAlertEmbed(withSilenceLink(a, n), alertOpts, notesFrame(n, i, all.length)));
  const groups = packEmbeds(embeds);
  const identity = messageIdentity(opts);
  return groups.map((group, i): DiscordMessage => {
    const first = i === 0 ? firstContent(n, opts, partLabel(i, groups.length)) : undefined;
    const part = first ? first.part : partLabel(i, groups.length);
    const content = [first?.ping.content ?? '', part].filter((s) => s !== '').join(' ');
    const msg: DiscordMessage = { ...identity, embeds: group, allowed_mentions: first?.ping.allowedMentions ?? noMentions() };
    if (content !== '') msg.content = content;
    return msg;
  });
}
