/**
 * Largest time an embed timestamp can show: 9999-12-31T23:59:59.999Z. Later years serialise as
 * "+010000-…", which is not the ISO 8601 Discord parses.
 */
export const MAX_TIMESTAMP_MS = 253_402_300_799_999;

/** A date and time of day with no offset or zone (`2024-05-01T10:00:00`, Python's `utcnow().isoformat()`). */
const WITHOUT_OFFSET = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/;

/**
 * Epoch ms of a time as text (ISO 8601 / RFC 3339, or what `Date.parse` reads), NaN when unreadable. A date
 * and time without an offset is read as UTC: `Date.parse` reads it as the host's local time, so the same
 * alert would show another time on a server outside UTC (a script's `datetime.utcnow().isoformat()`).
 */
export function parseTime(text: string): number {
  const bare = WITHOUT_OFFSET.exec(text.trim());
  return Date.parse(bare ? `${bare[1]}T${bare[2]}Z` : text);
}
