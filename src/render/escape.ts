import { ELLIPSIS, MAX_FIELD_VALUE, truncate, truncateStart } from './limits.js';

/** Zero-width space: invisible, but breaks mention and code-fence syntax. */
export const ZWSP = '\u200b';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// C0 controls except tab, newline and carriage return, and DEL: invisible at best, rejected at worst.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
/**
 * Bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): one in a label value would
 * reorder everything shown after it on the line ("Trojan Source", CVE-2021-42574), so `job=node` could
 * read backwards or a value could appear under another key. RTL text needs none of them to show right.
 */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/g;
const MARKDOWN = /[\\*_~`|>#[\]]/g;
/**
 * A bare URL as Discord autolinks it (one token, so a backslash escape inside it becomes part of the
 * link: browsers read "\" as "/"). The pattern is simple-markdown's `url` rule, which discord.py's
 * `escape_markdown(ignore_links=True)` also skips; brackets and backticks end it here, so `[`/`]` (masked
 * links) and backticks are escaped even inside what looks like a URL. Only at a word start: glued to a
 * word (`xhttps://…`) it may not be autolinked, so it is escaped like any text.
 */
const BARE_URL = /(?<![\w\\])https?:\/\/[^\s<[\]`]*[^\s<[\]`.,:;"')]/g;
const MASS_MENTION = /@(?=everyone|here)/gi;
const ID_MENTION = /<(@|#)/g;

/**
 * Text made safe to serialise: lone surrogates become U+FFFD (Discord counts and stores code points,
 * a lone surrogate is not one); control characters other than tab/newline, and bidi controls, are removed.
 */
export function cleanText(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD').replace(CONTROL, '').replace(BIDI_CONTROL, '');
}

/**
 * Backslash-escapes Discord Markdown (`\ * _ ~ \` | > #` and `[`/`]` of masked links) so alert text shows
 * as typed instead of formatting the message (discord.md, Mentions). Bare http(s) URLs are left as they
 * are (see BARE_URL), so a dashboard link in an alert's description stays clickable.
 */
export function escapeMarkdown(s: string): string {
  let out = '';
  let from = 0;
  for (const m of s.matchAll(BARE_URL)) {
    out += s.slice(from, m.index).replace(MARKDOWN, '\\$&') + m[0];
    from = m.index + m[0].length;
  }
  return out + s.slice(from).replace(MARKDOWN, '\\$&');
}

/**
 * Breaks mention syntax with a zero-width space: `@everyone`, `@here`, `<@id>`, `<@&role>`, `<@!id>` and
 * `<#channel>`. Embeds never ping, and we always send `allowed_mentions`; this is the third fence, so
 * alert text cannot ping even if it were ever moved into `content`.
 */
export function neutraliseMentions(s: string): string {
  return s.replace(MASS_MENTION, `@${ZWSP}`).replace(ID_MENTION, `<$1${ZWSP}`);
}

/**
 * Alert text as shown in an embed: cleaned, Markdown escaped, mentions neutralised. With `max`, the
 * result is cut to `max` code points, and the input is cut first (escaping only lengthens text), so a
 * megabyte of alert text costs no more than what is shown.
 */
export function escapeText(s: string, max?: number): string {
  if (max === undefined) return neutraliseMentions(escapeMarkdown(cleanText(s)));
  return withoutDanglingEscape(truncate(neutraliseMentions(escapeMarkdown(cleanText(truncate(s, max)))), max));
}

/**
 * A cut between an escape's backslash and the character it escapes leaves `\…`: Discord shows that
 * backslash, since `…` needs no escape. An odd run of backslashes before the ellipsis means the last one
 * escaped what was cut off; it goes too.
 */
function withoutDanglingEscape(cut: string): string {
  if (!cut.endsWith(ELLIPSIS)) return cut;
  let run = 0;
  for (let i = cut.length - ELLIPSIS.length - 1; i >= 0 && cut[i] === '\\'; i--) run++;
  return run % 2 === 1 ? `${cut.slice(0, cut.length - ELLIPSIS.length - 1)}${ELLIPSIS}` : cut;
}

/**
 * Text for parts Discord shows without Markdown (footer text, author name, usernames): cleaned and
 * mentions neutralised, but not backslash-escaped (the backslashes would show).
 */
export function plainText(s: string): string {
  return neutraliseMentions(cleanText(s));
}

/** Alert text for inline code (`` `text` ``): backticks cannot be escaped there, so they become ˋ. */
export function inlineCode(s: string): string {
  const body = neutraliseMentions(cleanText(s).replace(/`/g, 'ˋ').replace(/\n/g, ' '));
  return body.length === 0 ? '' : `\`${body}\``;
}

/** Options of `codeBlock`. */
export interface CodeBlockOptions {
  /** Total length of the block, fences included (code points). Default: a field value (1024). */
  max?: number;
  /** Which end of the text to keep when it must be cut. `tail` suits tracebacks. Default `head`. */
  keep?: 'head' | 'tail';
  /** Language hint after the opening fence (letters, digits, `+`, `-` only). */
  language?: string;
}

const FENCE = '```';

/**
 * `text` in a fenced code block that the text can never close: no two backticks of the text stay
 * adjacent (a zero-width space goes between them), so no "```" can appear inside. The result, fences
 * included, is at most `max` code points; a cut shows "…".
 */
export function codeBlock(text: string, options: CodeBlockOptions = {}): string {
  const max = options.max ?? MAX_FIELD_VALUE;
  const language = /^[A-Za-z0-9+-]{1,20}$/.test(options.language ?? '') ? options.language : '';
  const open = `${FENCE}${language}\n`;
  const close = `\n${FENCE}`;
  const room = max - open.length - close.length;
  if (room < 1) return '';
  const safe = neutraliseMentions(cleanText(text).replace(/`(?=`)/g, `\`${ZWSP}`));
  const cut = options.keep === 'tail' ? truncateStart(safe, room) : truncate(safe, room);
  // A cut may leave a trailing backtick next to the closing newline: harmless, the fence needs a new line.
  return `${open}${cut.length === 0 ? ZWSP : cut}${close}`;
}
