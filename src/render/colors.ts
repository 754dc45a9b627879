import type { AlertStatus } from '../model/alert.js';
import { MAX_COLOR } from './limits.js';

/** Seed colour of the `general` alert type (blue). */
export const COLOR_GENERAL = 0x3498db;
/** Seed colour of the `error` alert type (orange). */
export const COLOR_ERROR = 0xe67e22;
/** Seed colour of the `critical` alert type (red). */
export const COLOR_CRITICAL = 0xe74c3c;
/**
 * Colour of the `tracklist` alert type: teal (0x1ABC9C) rather than the seed's green, so a tracklist
 * never looks like a resolved alert (RESOLVED_COLOR).
 */
export const COLOR_TRACKLIST = 0x1abc9c;
/** Seed colour of the `monitoring` alert type (purple). */
export const COLOR_MONITORING = 0x9b59b6;
/** Seed colour of the `security` alert type (yellow). */
export const COLOR_SECURITY = 0xf1c40f;
/** Every resolved alert is green, whatever its type (the colour Alertmanager's Discord integration uses). */
export const RESOLVED_COLOR = 0x2ecc71;

/** The built-in types' colours; unknown types fall back to `general`. */
export const TYPE_COLORS: Readonly<Record<string, number>> = Object.freeze({
  general: COLOR_GENERAL,
  error: COLOR_ERROR,
  critical: COLOR_CRITICAL,
  tracklist: COLOR_TRACKLIST,
  monitoring: COLOR_MONITORING,
  security: COLOR_SECURITY,
});

/** True for a colour Discord accepts: an integer 0..0xFFFFFF. */
export function isValidColor(c: unknown): c is number {
  return typeof c === 'number' && Number.isInteger(c) && c >= 0 && c <= MAX_COLOR;
}

/** The colour of a built-in alert type (general's blue for any other type). */
export function colorForType(alertType: string): number {
  return Object.hasOwn(TYPE_COLORS, alertType) ? (TYPE_COLORS[alertType] ?? COLOR_GENERAL) : COLOR_GENERAL;
}

/**
 * The embed colour for a status: resolved is always green; firing uses the sender's explicit colour when
 * valid, else the alert type's colour.
 */
export function statusColor(status: AlertStatus, typeColor: number, explicit?: number): number {
  if (status === 'resolved') return RESOLVED_COLOR;
  if (isValidColor(explicit)) return explicit;
  return isValidColor(typeColor) ? typeColor : COLOR_GENERAL;
}
