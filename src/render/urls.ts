import { cleanText, neutraliseMentions } from './escape.js';
import { MAX_URL, codePointLength, truncate } from './limits.js';

/**
 * `url` when it is an absolute http(s) URL Discord will accept (at most MAX_URL long), normalised;
 * undefined otherwise. Anything else (javascript:, relative, empty) is dropped, never passed through.
 */
export function safeUrl(url: string | undefined): string | undefined {
  // Far beyond the limit even before parsing: refuse without the cost of parsing megabytes.
  if (typeof url !== 'string' || url.trim() === '' || url.length > 4 * MAX_URL) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(cleanText(url.trim()));
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  // Parentheses would close a masked link, and a backslash (kept in a query) would escape its `)`.
  const href = parsed.href.replace(/\(/g, '%28').replace(/\)/g, '%29').replace(/\\/g, '%5C');
  return codePointLength(href) <= MAX_URL ? href : undefined;
}

/**
 * A Markdown masked link `[text](url)` with its text made a plain label ({@link linkLabel}) and the URL
 * made safe (parentheses encoded so it cannot close the link); undefined when the URL is not http(s).
 */
export function markdownLink(text: string, url: string): string | undefined {
  const href = safeUrl(url);
  if (href === undefined) return undefined;
  const label = linkLabel(text.replace(/\s+/g, ' ').trim()) || linkLabel(new URL(href).host);
  return `[${label}](${href})`;
}

/** What stands in, in a masked link's text, for a character that would end the text or format it. */
const LABEL_LOOKALIKES: Readonly<Record<string, string>> = { '[': '(', ']': ')', '\\': '∖', '*': '∗', '~': '∼', '|': 'ǀ', '`': 'ˋ', _: '＿' };
/**
 * Characters that would end or format a masked link's text: brackets, a backslash, `*`, `~`, `|`, a
 * backtick, and an underscore not between two letters or digits (inside a word, as in `logs_url`, it
 * formats nothing).
 */
const LABEL_MARKUP = /[[\]\\*~|`]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu;

/**
 * The text of a masked link, at most 100 code points. Not backslash-escaped like other alert text: Discord
 * shows the backslashes inside a masked link's text as typed ("logs\_url", "Run\[book\]"; escaping is off
 * there, discord-api-docs#6185), so the characters that would end or format it are replaced by look-alikes.
 */
export function linkLabel(text: string): string {
  return neutraliseMentions(truncate(cleanText(text), 100).replace(LABEL_MARKUP, (c) => LABEL_LOOKALIKES[c] ?? c));
}
