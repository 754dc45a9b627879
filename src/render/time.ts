import { MAX_TIMESTAMP_MS, parseTime } from '../lib/parse-time.js';

/**
 * Epoch ms of a date, ISO string or epoch number; undefined when invalid, before 1970 (Alertmanager's
 * `0001-01-01T00:00:00Z` means "unset") or after year 9999.
 */
export function epochMs(value: Date | string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : parseTime(value);
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_TIMESTAMP_MS ? ms : undefined;
}

/** UTC ISO 8601 (`2024-05-01T12:00:00.000Z`) of a time, or undefined when `epochMs` refuses it. */
export function isoTimestamp(value: Date | string | number | undefined): string | undefined {
  const ms = epochMs(value);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}
