/**
 * Named time intervals, as Alertmanager's `time_intervals` defines them (its timeinterval package), so a
 * route's `mute_time_intervals` / `active_time_intervals` read the same here: a night, a weekend, a
 * maintenance day. One interval holds when every field it sets holds (times, weekdays, days of month,
 * months, years), read on the wall clock of its `location` (IANA name, UTC when absent), so daylight
 * saving time moves with it. A named set holds when any of its intervals does.
 */
import { z } from 'zod';

/** A `[begin, end]` range, both inclusive (`monday:friday`, `1:5`, `-3:-1`). */
export type Range = readonly [number, number];

/** One interval, compiled. `times` are minutes of the day, the end exclusive (`24:00` is 1440). */
export interface Interval {
  times?: readonly Range[];
  weekdays?: readonly Range[];
  daysOfMonth?: readonly Range[];
  months?: readonly Range[];
  years?: readonly Range[];
  location?: string;
}

/** A named set of intervals: does it hold at `at` (epoch ms)? */
export type TimeIntervalCheck = (at: number) => boolean;

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
/** `HH:MM` from 00:00 to 24:00, as Alertmanager accepts it. */
const CLOCK_TIME = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;

/** A member of a range: a name (case-insensitive) or a whole number; undefined when neither. */
function member(text: string, names: readonly string[] | undefined): number | undefined {
  const lower = text.trim().toLowerCase();
  const named = names?.indexOf(lower) ?? -1;
  if (named >= 0) return names === WEEKDAYS ? named : named + 1;
  return /^-?\d+$/.test(lower) ? Number(lower) : undefined;
}

/** `a` or `a:b` as a range, with the check each field adds; an error message when it is not one. */
function rangeOf(text: string, names: readonly string[] | undefined, check: (r: Range) => string | undefined): Range | string {
  const parts = text.split(':');
  if (parts.length > 2) return `"${text}" is not a range (write a or a:b)`;
  const [begin, end] = [member(parts[0]!, names), member(parts[1] ?? parts[0]!, names)];
  if (begin === undefined || end === undefined) return `"${text}" is not valid here`;
  return check([begin, end]) ?? [begin, end];
}

const within = (lo: number, hi: number, what: string) => (r: Range) =>
  r[0] < lo || r[1] > hi ? `${what} must be between ${lo} and ${hi}` : r[0] > r[1] ? `${what}: the range ends before it begins` : undefined;

/** Days of month: 1..31 or -31..-1 (from the month's end); a negative start needs a negative end. */
function dayOfMonthCheck([begin, end]: Range): string | undefined {
  if (begin === 0 || end === 0 || Math.abs(begin) > 31 || Math.abs(end) > 31) return 'days of month are 1..31, or -31..-1 counted from the end';
  if (begin < 0 && end > 0) return 'a range starting from the month\'s end must end there too (-3:-1)';
  const [b, e] = [begin < 0 ? 28 + begin : begin, end < 0 ? 28 + end : end];
  return b > e ? `the range always ends before it begins` : undefined;
}

/** A zod array of ranges of one kind. */
const ranges = (names: readonly string[] | undefined, check: (r: Range) => string | undefined) =>
  z.array(z.union([z.string(), z.number().int()])).transform((list, ctx): Range[] => {
    const out: Range[] = [];
    list.forEach((item, i) => {
      const r = rangeOf(String(item), names, check);
      if (typeof r === 'string') ctx.addIssue({ code: 'custom', path: [i], message: r });
      else out.push(r);
    });
    return out;
  });

const clockTime = z.string().regex(CLOCK_TIME, 'must be HH:MM, 00:00 to 24:00');

const timeRangeSchema = z
  .strictObject({ start_time: clockTime, end_time: clockTime })
  .transform((t, ctx): Range => {
    const minutes = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
    const range: Range = [minutes(t.start_time), minutes(t.end_time)];
    if (range[0] >= range[1]) ctx.addIssue({ code: 'custom', message: 'start_time must be before end_time (a night across midnight is two ranges: 22:00–24:00 and 00:00–06:00)' });
    return range;
  });

/** '' is UTC, as Alertmanager's time.LoadLocation("") reads it (and an unset `${VAR}` interpolates to ''). */
const locationSchema = z
  .string()
  .refine((name) => name === '' || name === 'Local' || isTimeZone(name), 'unknown time zone: an IANA name such as Europe/Berlin, UTC, or Local')
  .transform((name) => name || undefined);

/** One entry of a named interval's `time_intervals` list, in Alertmanager's YAML. */
const intervalSchema = z
  .strictObject({
    times: z.array(timeRangeSchema).optional(),
    weekdays: ranges(WEEKDAYS, within(0, 6, 'weekdays')).optional(),
    days_of_month: ranges(undefined, dayOfMonthCheck).optional(),
    months: ranges(MONTHS, within(1, 12, 'months')).optional(),
    years: ranges(undefined, within(1, 9999, 'years')).optional(),
    location: locationSchema.optional(),
  })
  .transform((i): Interval => ({ times: i.times, weekdays: i.weekdays, daysOfMonth: i.days_of_month, months: i.months, years: i.years, location: i.location }));

/** The top-level `time_intervals` list: `{ name, time_intervals: [...] }` entries, names unique. */
export const timeIntervalsSchema = z
  .array(z.strictObject({ name: z.string().trim().min(1, 'a time interval needs a name'), time_intervals: z.array(intervalSchema) }))
  .superRefine(
    (list, ctx) => {
      const seen = new Set<string>();
      list.forEach((entry: unknown, i) => {
        const raw = typeof entry === 'object' && entry !== null ? (entry as { name?: unknown }).name : undefined;
        if (typeof raw !== 'string') return;
        const name = raw.trim(); // as the entry's schema trims it
        if (seen.has(name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `time interval "${name}" is defined twice` });
        seen.add(name);
      });
    },
    // Also while an entry is malformed (a bad range aborts zod's checks), so one run lists both problems;
    // never on what is not a list at all (`time_intervals: {}`), which the array's own issue reports.
    { when: (payload) => Array.isArray(payload.value) },
  )
  .transform((list): Map<string, TimeIntervalCheck> => new Map(list.map((e) => [e.name, (at: number) => e.time_intervals.some((i) => holds(i, at))])));

/** True when `interval` contains the instant `at`, on its location's wall clock (Alertmanager's ContainsTime). */
function holds(interval: Interval, at: number): boolean {
  const t = wallClock(at, interval.location);
  const minute = t.hour * 60 + t.minute;
  if (interval.times && !interval.times.some(([s, e]) => minute >= s && minute < e)) return false;
  if (interval.daysOfMonth && !interval.daysOfMonth.some((r) => dayInRange(r, t.day, t.daysInMonth))) return false;
  if (interval.months && !interval.months.some(([b, e]) => t.month >= b && t.month <= e)) return false;
  if (interval.weekdays && !interval.weekdays.some(([b, e]) => t.weekday >= b && t.weekday <= e)) return false;
  if (interval.years && !interval.years.some(([b, e]) => t.year >= b && t.year <= e)) return false;
  return true;
}

/** A day-of-month range with negative ends counted from the month's last day (-1), clamped to the month. */
function dayInRange([begin, end]: Range, day: number, daysInMonth: number): boolean {
  const from = begin < 0 ? daysInMonth + begin + 1 : begin;
  const to = end < 0 ? daysInMonth + end + 1 : end;
  if (from > daysInMonth) return false; // the 31st in a 30-day month
  return day >= Math.max(from, 1) && day <= Math.min(to, daysInMonth);
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  weekday: number;
  hour: number;
  minute: number;
  daysInMonth: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar fields of `at` in time zone `location` (UTC when absent, the process' zone for `Local`). */
export function wallClock(at: number, location = 'UTC'): WallClock {
  let format = formatters.get(location);
  if (!format) {
    const timeZone = location === 'Local' ? undefined : location;
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'long', hour: 'numeric', minute: 'numeric' });
    formatters.set(location, format);
  }
  const parts: Record<string, string> = {};
  for (const p of format.formatToParts(at)) parts[p.type] = p.value;
  const [year, month] = [Number(parts.year), Number(parts.month)];
  return {
    year,
    month,
    day: Number(parts.day),
    weekday: WEEKDAYS.indexOf(parts.weekday!.toLowerCase()),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    daysInMonth: new Date(Date.UTC(year, month, 0)).getUTCDate(),
  };
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
