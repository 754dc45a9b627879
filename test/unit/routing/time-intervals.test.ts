import { describe, expect, it } from 'vitest';
import { inTimeZone } from '../../helpers/time-zone.js';
import { loadConfig } from '../../../src/config/load.js';
import { timeIntervalsSchema } from '../../../src/routing/time-intervals.js';

/** The named intervals of a `time_intervals` list, compiled; throws on a config problem. */
function intervals(list: unknown): Map<string, (at: number) => boolean> {
  return timeIntervalsSchema.parse(list);
}
const at = (iso: string): number => Date.parse(iso);
const holds = (entry: Record<string, unknown>, iso: string): boolean => intervals([{ name: 'x', time_intervals: [entry] }]).get('x')!(at(iso));

// A host outside UTC, so an interval without a location that read the host's clock would show.
inTimeZone('America/New_York');

describe('time intervals: Alertmanager semantics', () => {
  it('precondition: this process runs outside UTC', () => {
    expect(new Date(Date.parse('2026-01-15T12:00:00Z')).getHours()).toBe(7);
  });

  it('times: start inclusive, end exclusive, 24:00 ends the day; UTC without a location', () => {
    const night = { times: [{ start_time: '22:00', end_time: '24:00' }, { start_time: '00:00', end_time: '06:00' }] };
    expect(holds(night, '2026-11-29T22:00:00Z')).toBe(true);
    expect(holds(night, '2026-11-29T23:59:59Z')).toBe(true);
    expect(holds(night, '2026-11-30T05:59:00Z')).toBe(true);
    expect(holds(night, '2026-11-30T06:00:00Z')).toBe(false);
    expect(holds(night, '2026-11-29T21:59:00Z')).toBe(false);
  });

  it('reads the wall clock of its location, daylight saving time included', () => {
    const evening = { times: [{ start_time: '22:00', end_time: '23:00' }], location: 'Europe/Berlin' };
    // 20:30 UTC is 21:30 in Berlin in winter (CET, +1) and 22:30 in summer (CEST, +2).
    expect(holds(evening, '2026-01-15T20:30:00Z')).toBe(false);
    expect(holds(evening, '2026-07-15T20:30:00Z')).toBe(true);
    // The night the clocks go forward (2026-03-29): 20:30 UTC is already 22:30 local.
    expect(holds(evening, '2026-03-29T20:30:00Z')).toBe(true);
    expect(holds(evening, '2026-03-28T20:30:00Z')).toBe(false);
  });

  it('location Local is the server\'s own zone (here New York), not UTC', () => {
    const evening = { times: [{ start_time: '22:00', end_time: '23:00' }], location: 'Local' };
    expect(holds(evening, '2026-01-16T03:30:00Z')).toBe(true); // 22:30 in New York (EST, -5)
    expect(holds(evening, '2026-01-15T22:30:00Z')).toBe(false); // 22:30 UTC, 17:30 in New York
  });

  // Alertmanager's time.LoadLocation("") is UTC; `location: ${TZ_NAME}` with the variable unset reads "" too.
  it('an empty location is UTC, as in Alertmanager (and an unset ${VAR}), not a config error', () => {
    const evening = { times: [{ start_time: '22:00', end_time: '23:00' }], location: '' };
    expect(holds(evening, '2026-01-15T22:30:00Z')).toBe(true);
    expect(holds(evening, '2026-01-16T03:30:00Z')).toBe(false);
    const yaml = 'time_intervals:\n  - name: nights\n    time_intervals:\n      - location: ${TZ_NAME}\n';
    expect(loadConfig({ env: {}, yaml }).ok).toBe(true);
  });

  it('weekdays are read in the location too: Friday 23:30 in New York is Saturday in UTC', () => {
    const weekend = { weekdays: ['saturday', 'Sunday'], location: 'America/New_York' };
    expect(holds(weekend, '2026-11-28T04:30:00Z')).toBe(false); // Friday 23:30 in New York
    expect(holds(weekend, '2026-11-28T05:30:00Z')).toBe(true); // Saturday 00:30
    expect(holds({ weekdays: ['monday:friday'] }, '2026-11-30T12:00:00Z')).toBe(true); // a Monday
    expect(holds({ weekdays: ['monday:friday'] }, '2026-11-29T12:00:00Z')).toBe(false); // a Sunday
  });

  it('days of month count from the end when negative, by the month\'s own length; a day past it never holds', () => {
    const last = { days_of_month: ['-1'] };
    expect(holds(last, '2026-02-28T12:00:00Z')).toBe(true);
    expect(holds(last, '2028-02-28T12:00:00Z')).toBe(false); // a leap year: the 29th is last
    expect(holds(last, '2028-02-29T12:00:00Z')).toBe(true);
    expect(holds({ days_of_month: ['31'] }, '2026-04-30T12:00:00Z')).toBe(false);
    expect(holds({ days_of_month: ['1:7'] }, '2026-11-07T23:59:00Z')).toBe(true);
    expect(holds({ days_of_month: ['-3:-1'] }, '2026-11-27T00:00:00Z')).toBe(false);
    expect(holds({ days_of_month: ['-3:-1'] }, '2026-11-28T00:00:00Z')).toBe(true);
  });

  it('months by name or number, years as ranges; every field set must hold', () => {
    expect(holds({ months: ['december', '1:2'] }, '2026-01-10T00:00:00Z')).toBe(true);
    expect(holds({ months: ['december', '1:2'] }, '2026-03-10T00:00:00Z')).toBe(false);
    expect(holds({ years: ['2026:2027'], months: ['november'] }, '2026-11-29T00:00:00Z')).toBe(true);
    expect(holds({ years: ['2027'], months: ['november'] }, '2026-11-29T00:00:00Z')).toBe(false);
  });

  it('a named interval holds when any of its entries does', () => {
    const set = intervals([{ name: 'quiet', time_intervals: [{ weekdays: ['saturday'] }, { times: [{ start_time: '00:00', end_time: '01:00' }] }] }]).get('quiet')!;
    expect(set(at('2026-11-28T12:00:00Z'))).toBe(true); // a Saturday
    expect(set(at('2026-11-30T00:30:00Z'))).toBe(true); // Monday, 00:30
    expect(set(at('2026-11-30T12:00:00Z'))).toBe(false);
  });
});

describe('time intervals: every problem is a config issue with its path', () => {
  const issues = (yaml: string): string[] => {
    const result = loadConfig({ env: { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/t' }, yaml });
    return result.ok ? [] : result.issues.map((i) => `${i.path}: ${i.message}`);
  };

  it('bad times, ranges, time zones and duplicate names', () => {
    const found = issues(`time_intervals:
  - name: a
    time_intervals:
      - times: [{ start_time: "22:00", end_time: "06:00" }]
        weekdays: ["friday:monday", "funday"]
        days_of_month: ["0", "-1:5"]
        months: ["13"]
        location: Mars/Olympus
`);
    expect(found.map((f) => f.split(':')[0])).toEqual(expect.arrayContaining([
      'time_intervals.0.time_intervals.0.times.0',
      'time_intervals.0.time_intervals.0.weekdays.0',
      'time_intervals.0.time_intervals.0.weekdays.1',
      'time_intervals.0.time_intervals.0.days_of_month.0',
      'time_intervals.0.time_intervals.0.days_of_month.1',
      'time_intervals.0.time_intervals.0.months.0',
      'time_intervals.0.time_intervals.0.location',
    ]));
    expect(found.join('\n')).toMatch(/a night across midnight is two ranges/);
  });

  it('a name defined twice', () => {
    expect(issues('time_intervals:\n  - name: a\n    time_intervals: []\n  - name: a\n    time_intervals: []\n')).toEqual(['time_intervals.1.name: time interval "a" is defined twice']);
  });

  // The duplicate check ran only on a list whose every entry was valid: fixing a typo revealed it next run.
  it('a name defined twice is reported in the same run as a malformed entry', () => {
    const found = issues('time_intervals:\n  - name: a\n    time_intervals: [{ weekdays: [funday], times: [{ start_time: "10:00", end_time: "09:00" }] }]\n  - name: " a"\n    time_intervals: []\n');
    expect(found.map((f) => f.split(':')[0])).toEqual(['time_intervals.0.time_intervals.0.times.0', 'time_intervals.0.time_intervals.0.weekdays.0', 'time_intervals.1.name']);
    expect(issues('time_intervals: {}\n').map((f) => f.split(':')[0])).toEqual(['time_intervals']);
    expect(issues('time_intervals: [null, { name: a, time_intervals: [] }, { name: a }]\n').map((f) => f.split(':')[0])).toEqual(['time_intervals.0', 'time_intervals.2.time_intervals', 'time_intervals.2.name']);
  });

  it('a route naming an interval that does not exist', () => {
    const found = issues(`time_intervals:
  - name: nights
    time_intervals: [{ times: [{ start_time: "00:00", end_time: "06:00" }] }]
routes:
  - match: ['severity="warning"']
    type: monitoring
    mute_time_intervals: [nights, night]
    active_time_intervals: [office]
`);
    expect(found).toEqual([
      'routes.0.mute_time_intervals.1: unknown time interval "night" (time_intervals: nights)',
      'routes.0.active_time_intervals.0: unknown time interval "office" (time_intervals: nights)',
    ]);
  });
});

describe('check-config names a route\'s mute windows and whether it is muted now', () => {
  it('prints the interval names and the state at the given instant', async () => {
    const { summary } = await import('../../../src/cli/check-config.js');
    const result = loadConfig({
      env: { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/t' },
      yaml: `time_intervals:
  - name: nights
    time_intervals: [{ times: [{ start_time: "00:00", end_time: "06:00" }] }]
routes:
  - match: ['severity="warning"']
    type: monitoring
    mute_time_intervals: [nights]
  - type: general
`,
    });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(summary(result.config, [], {}, at('2026-11-29T03:00:00Z'))).toContain('1. severity="warning" → monitoring [mute_time_intervals: nights: muted now]');
    expect(summary(result.config, [], {}, at('2026-11-29T12:00:00Z'))).toContain('1. severity="warning" → monitoring [mute_time_intervals: nights: sending now]');
    expect(summary(result.config, [], {}, at('2026-11-29T12:00:00Z'))).toMatch(/2\. everything → general\n/);
  });
});
