/**
 * Webhook tokens live in URLs: no URL may survive into error text, config problems or logs (architecture
 * "Secrets … redacted in … errors, history"; Alertmanager `notify/util.go` redacts URLs the same way).
 * Shared by delivery (failure details) and config (problems that may quote what was written).
 */

const URL_REDACTED = '[url redacted]';

/** Absolute URLs, plain or percent-encoded, up to whitespace, a quote or a bracket. */
const URL_PATTERNS: readonly RegExp[] = [/\bhttps?:\/\/[^\s"'<>`]+/gi, /\bhttps?%3A%2F%2F[^\s"'<>`&]+/gi];

/**
 * A webhook path without a scheme (`/api/v10/webhooks/{id}/{token}` in an error message), its slashes
 * plain, JSON-escaped (`\/`), percent-encoded (once or twice) or HTML entities: a proxy's or a 404 page's
 * body may echo the request path in any of them.
 */
const WEBHOOK_PATH = /(\\?\/|%2F|%252F|&#x2F;|&#47;)webhooks\1\d+\1[^\s"'<>`/?#%&\\]+/gi;

/**
 * Replace every `http(s)://…` URL (also percent-encoded) with `[url redacted]` and every
 * `/webhooks/{id}/{token}` path with `/webhooks/[redacted]` (its slashes written as they were).
 */
export function redactUrls(text: string): string {
  let out = text;
  for (const pattern of URL_PATTERNS) out = out.replace(pattern, URL_REDACTED);
  return out.replace(WEBHOOK_PATH, (_path, slash: string) => `${slash}webhooks${slash}[redacted]`);
}

