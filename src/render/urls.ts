import { cleanText, escapeText } from './escape.js';
import { MAX_URL, codePointLength } from './limits.js';

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
 * A Markdown masked link `[text](url)` with the text escaped (it cannot close the brackets) and the URL
 * made safe (parentheses encoded so it cannot close the link); undefined when the URL is not http(s).
 */
export function markdownLink(text: string, url: string): string | undefined {
  const href = safeUrl(url);
  if (href === undefined) return undefined;
  const label = escapeText(text.replace(/\s+/g, ' ').trim(), 100) || escapeText(new URL(href).host, 100);
  return `[${label}](${href})`;
}
