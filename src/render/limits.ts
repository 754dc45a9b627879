import type { DiscordEmbed } from './discord-message.js';

/*
 * Discord's limits, counted in Unicode code points (`[...s].length`), never UTF-16 units.
 * Embed limits: https://discord.com/developers/docs/resources/message#embed-object-embed-limits
 * Body limits:  https://discord.com/developers/docs/resources/webhook#execute-webhook
 */

/** Message `content` (resources/webhook, Execute Webhook: "the message contents (up to 2000 characters)"). */
export const MAX_CONTENT = 2000;
/** Webhook `username` override: 1-80 characters (resources/webhook, Execute Webhook; resources/user "Usernames"). */
export const MAX_USERNAME = 80;
/** Embeds per message (resources/webhook, Execute Webhook: "up to 10 embed objects"). */
export const MAX_EMBEDS = 10;
/** Embed `title` (resources/message, Embed Limits: title 256 characters). */
export const MAX_TITLE = 256;
/** Embed `description` (resources/message, Embed Limits: description 4096 characters). */
export const MAX_DESCRIPTION = 4096;
/** Fields per embed (resources/message, Embed Limits: up to 25 field objects). */
export const MAX_FIELDS = 25;
/** Field `name` (resources/message, Embed Limits: field.name 256 characters). */
export const MAX_FIELD_NAME = 256;
/** Field `value` (resources/message, Embed Limits: field.value 1024 characters). */
export const MAX_FIELD_VALUE = 1024;
/** `footer.text` (resources/message, Embed Limits: footer.text 2048 characters). */
export const MAX_FOOTER = 2048;
/** `author.name` (resources/message, Embed Limits: author.name 256 characters). */
export const MAX_AUTHOR = 256;
/**
 * Sum of title, description, field names and values, footer text and author name across ALL embeds of
 * one message (resources/message, Embed Limits: "must not exceed 6000 characters").
 */
export const MAX_TOTAL = 6000;
/** `thread_name` names a new forum post: a channel name, 1-100 characters (resources/channel). */
export const MAX_THREAD_NAME = 100;
/** Ids per `allowed_mentions.roles` / `.users` list (resources/message, Allowed Mentions: max size 100). */
export const MAX_MENTION_IDS = 100;
/**
 * URLs in embeds. Not in the limits table: Discord answers 50035 "Must be 2048 or fewer in length" for
 * longer ones, so we drop (never cut) longer URLs.
 */
export const MAX_URL = 2048;
/** Largest embed colour (resources/message, Embed Object: color is an integer RGB value). */
export const MAX_COLOR = 0xffffff;

/** What we append to text we cut, so a cut is never silent. */
export const ELLIPSIS = '…';

/** UTF-16 units of the code point starting at `i` (2 for a valid surrogate pair, else 1). */
function unitsAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
}

/** Length as Discord counts it: Unicode code points. */
export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i += unitsAt(s, i)) n++;
  return n;
}

/**
 * `s` cut to at most `max` code points, ending with "…" when cut. Works on code points, so an astral
 * character (emoji) is never split into a lone surrogate, and backs off to the start of the character
 * as a reader sees it (grapheme cluster: 👨‍👩‍👧, 🇫🇷, e + ◌́), so a cut never leaves half a family emoji,
 * one regional-indicator letter or an accent without its letter. Reads only the first `max` code points.
 */
export function truncate(s: string, max: number): string {
  if (max <= 0) return '';
  if (s.length <= max) return s; // UTF-16 length ≥ code points
  let cut = 0;
  let n = 0;
  for (let i = 0; i < s.length; i += unitsAt(s, i)) {
    if (n === max - 1) cut = i;
    if (n === max) return s.slice(0, graphemeStartAt(s, cut)) + ELLIPSIS;
    n++;
  }
  return s;
}

/**
 * `s` cut to at most `max` code points keeping its END, starting with "…" when cut: for tracebacks,
 * whose last lines matter most. The kept end starts on a grapheme boundary, like {@link truncate}'s cut.
 */
export function truncateStart(s: string, max: number): string {
  if (max <= 0) return '';
  const points = [...s];
  if (points.length <= max) return s;
  const from = s.length - points.slice(points.length - (max - 1)).join('').length;
  return ELLIPSIS + s.slice(graphemeEndAt(s, from));
}

/**
 * How far (UTF-16 units) a cut may back off to a cluster start: the longest emoji sequences (a family with
 * skin tones, a subdivision flag) are under 32. A longer cluster (Zalgo text) is cut at a code point, which
 * keeps the cut cheap and the kept text close to the limit.
 */
const GRAPHEME_WINDOW = 32;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** True when a regional indicator (U+1F1E6..U+1F1FF, one letter of a flag) starts at unit index `i`. */
function isRegionalIndicator(s: string, i: number): boolean {
  const low = s.charCodeAt(i + 1);
  return s.charCodeAt(i) === 0xd83c && low >= 0xdde6 && low <= 0xddff;
}

/**
 * Where the window looking at unit index `at` starts. Regional indicators pair into flags counting from the
 * start of their run, so a window starting on the second letter of a flag would pair every flag after it
 * shifted by one and cut one in half: inside a row of flags, the window starts on a flag's first letter.
 */
function windowStart(s: string, at: number): number {
  let from = Math.max(0, at - GRAPHEME_WINDOW);
  if (from > 0 && (s.charCodeAt(from) & 0xfc00) === 0xdc00) from--; // never on a surrogate pair's second half
  if (!isRegionalIndicator(s, from)) return from;
  let run = from;
  while (run >= 2 && isRegionalIndicator(s, run - 2)) run -= 2;
  return from - ((from - run) % 4); // a flag is two indicators, four UTF-16 units
}

/** Boundaries of the grapheme clusters around unit index `at`, looked at through a window of text. */
function boundariesAround(s: string, at: number): { start: number; end: number } | undefined {
  const from = windowStart(s, at);
  const segment = graphemes.segment(s.slice(from, at + GRAPHEME_WINDOW)).containing(at - from);
  if (!segment) return undefined;
  const start = from + segment.index;
  // A cluster that may reach past the window's start is not trusted: keep the code-point cut.
  if (start === from && from > 0) return undefined;
  return { start, end: start + segment.segment.length };
}

/** The start of the grapheme cluster that holds unit index `at` (`at` itself when it starts one). */
function graphemeStartAt(s: string, at: number): number {
  if (at <= 0 || at >= s.length) return at;
  return boundariesAround(s, at)?.start ?? at;
}

/** The first grapheme boundary at or after unit index `at`. */
function graphemeEndAt(s: string, at: number): number {
  if (at <= 0 || at >= s.length) return at;
  const around = boundariesAround(s, at);
  return around === undefined || around.start === at ? at : Math.min(around.end, s.length);
}

/** The characters of one embed that Discord counts toward the 6000 total (see MAX_TOTAL). */
export function embedSize(embed: DiscordEmbed): number {
  let n = codePointLength(embed.title ?? '') + codePointLength(embed.description ?? '');
  for (const f of embed.fields ?? []) n += codePointLength(f.name) + codePointLength(f.value);
  n += codePointLength(embed.footer?.text ?? '') + codePointLength(embed.author?.name ?? '');
  return n;
}

/** The counted characters of several embeds (one message). */
export function embedsSize(embeds: readonly DiscordEmbed[]): number {
  let n = 0;
  for (const e of embeds) n += embedSize(e);
  return n;
}
