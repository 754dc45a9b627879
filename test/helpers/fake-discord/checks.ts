import type { ErrorTree, FieldPath } from './error-tree.js';
import { FAKE_DISCORD_LIMITS, codePointLength } from './limits.js';

/** Options of {@link checkString}. */
export interface StringRule {
  readonly max: number;
  /** With `min`, a bad length reads "Must be between min and max in length." */
  readonly min?: number;
  /** Absent, null, empty or whitespace-only is "This field is required". */
  readonly required?: boolean;
}

/** True for a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Absent or null: Discord treats both as "not given" for optional fields. */
export function isAbsent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

/** Checks an optional/required string against its limits; returns it when it is a string. */
export function checkString(tree: ErrorTree, path: FieldPath, value: unknown, rule: StringRule): string | undefined {
  if (isAbsent(value) || (rule.required === true && typeof value === 'string' && value.trim() === '')) {
    if (rule.required === true) tree.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
    return typeof value === 'string' ? value : undefined;
  }
  if (typeof value !== 'string') {
    tree.add(path, 'BASE_TYPE_STRING', 'Must be a string.');
    return undefined;
  }
  const length = codePointLength(value);
  if (rule.min !== undefined && (length < rule.min || length > rule.max)) {
    tree.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${rule.min} and ${rule.max} in length.`);
  } else if (length > rule.max) {
    tree.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${rule.max} or fewer in length.`);
  }
  return value;
}

/** Checks an optional http(s) URL (Discord: URL_TYPE_INVALID_URL / URL_TYPE_INVALID_SCHEME). */
export function checkUrl(tree: ErrorTree, path: FieldPath, value: unknown, required = false): void {
  if (isAbsent(value)) {
    if (required) tree.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
    return;
  }
  if (typeof value !== 'string') {
    tree.add(path, 'BASE_TYPE_STRING', 'Must be a string.');
    return;
  }
  if (codePointLength(value) > FAKE_DISCORD_LIMITS.url) {
    tree.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${FAKE_DISCORD_LIMITS.url} or fewer in length.`);
    return;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    tree.add(path, 'URL_TYPE_INVALID_URL', 'Not a well formed URL.');
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    const scheme = url.protocol.replace(/:$/, '');
    tree.add(
      path,
      'URL_TYPE_INVALID_SCHEME',
      `Scheme "${scheme}" is not supported. Scheme must be one of ('http', 'https').`,
    );
  } else if (url.hostname === '' || !WELL_FORMED_URL.test(value)) {
    tree.add(path, 'URL_TYPE_INVALID_URL', 'Not a well formed URL.');
  }
}

/**
 * What Discord's validator calls well formed: `scheme://host` written out, no whitespace anywhere. The WHATWG
 * parser is kinder (`http:example.com`, `https:/x`, `https:\\x`, surrounding or inner spaces all parse), Discord is not.
 */
const WELL_FORMED_URL = /^https?:\/\/[^\s/\\?#]+(?:[/?#]\S*)?$/i;

/** Checks an optional integer within [min, max]; returns it when valid. */
export function checkInt(tree: ErrorTree, path: FieldPath, value: unknown, min: number, max: number): number | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    tree.add(path, 'NUMBER_TYPE_COERCE', `Value "${String(value)}" is not int.`);
    return undefined;
  }
  if (value < min) {
    tree.add(path, 'NUMBER_TYPE_MIN', `int value should be greater than or equal to ${min}.`);
    return undefined;
  }
  if (value > max) {
    tree.add(path, 'NUMBER_TYPE_MAX', `int value should be less than or equal to ${max}.`);
    return undefined;
  }
  return value;
}

/** Checks an optional boolean. */
export function checkBoolean(tree: ErrorTree, path: FieldPath, value: unknown): void {
  if (!isAbsent(value) && typeof value !== 'boolean') {
    tree.add(path, 'BOOLEAN_TYPE_CONVERT', 'Must be either true or false.');
  }
}

/** Checks an optional JSON object; returns it when it is one. */
export function checkObject(tree: ErrorTree, path: FieldPath, value: unknown): Record<string, unknown> | undefined {
  if (isAbsent(value)) return undefined;
  if (!isObject(value)) {
    tree.add(path, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
    return undefined;
  }
  return value;
}

/** Checks an optional array of at most `max` items; returns it when it is one. */
export function checkArray(tree: ErrorTree, path: FieldPath, value: unknown, max: number): unknown[] | undefined {
  if (isAbsent(value)) return undefined;
  if (!Array.isArray(value)) {
    tree.add(path, 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
    return undefined;
  }
  if (value.length > max) tree.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  return value;
}

/** ISO 8601 date-time as Discord's embed `timestamp` accepts it (date, time, optional zone). */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

/** Checks an optional ISO 8601 timestamp. */
export function checkTimestamp(tree: ErrorTree, path: FieldPath, value: unknown): void {
  if (isAbsent(value)) return;
  if (typeof value !== 'string' || !ISO_8601.test(value) || !isRealDate(value)) {
    tree.add(path, 'DATE_TYPE_PARSE', `Could not parse ${String(value)}. Should be ISO8601.`);
  }
}

/** Parses, and refuses days that do not exist (`2024-02-30` would otherwise roll over). */
function isRealDate(value: string): boolean {
  if (Number.isNaN(Date.parse(value))) return false;
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  if (year === undefined || month === undefined || day === undefined) return false;
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}
