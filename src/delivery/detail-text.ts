/**
 * Turning failure material (error messages, Discord's error bodies) into safe, bounded text for history,
 * logs and dead letters. Webhook tokens live in URLs, so no URL may survive into that text (architecture
 * "Secrets … redacted in … errors, history"; Alertmanager `notify/util.go` redacts URLs the same way).
 */
import { redactUrls } from '../lib/redact-urls.js';

/** Longest detail kept, in Unicode code points: enough for Discord's 50035 error tree, bounded for history. */
export const MAX_DETAIL_CHARS = 1_000;

/** Cut `text` to at most `max` code points (never splitting a surrogate pair), marking the cut with `…`. */
export function truncateText(text: string, max = MAX_DETAIL_CHARS): string {
  const points = [...text];
  if (points.length <= max) return text;
  return `${points.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** Redact, then truncate: the only way a detail string should be made. */
export function safeDetail(text: string, max = MAX_DETAIL_CHARS): string {
  return truncateText(redactUrls(text), max);
}

/** A response body (parsed JSON, text or bytes) as text; `''` when there is none. */
export function bodyToText(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  try {
    return JSON.stringify(body) ?? '';
  } catch {
    return String(body);
  }
}

/** A response body as a plain object: parsed JSON objects pass, JSON text is parsed, anything else is `undefined`. */
export function bodyToRecord(body: unknown): Record<string, unknown> | undefined {
  let value = body;
  if (typeof value === 'string' || value instanceof Uint8Array) {
    try {
      value = JSON.parse(bodyToText(value));
    } catch {
      return undefined;
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return value as Record<string, unknown>;
}
