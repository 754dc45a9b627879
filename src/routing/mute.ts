/**
 * The mute stage of routing (architecture.md: dedupe → mute → enqueue), as Alertmanager's routes have it:
 * a route's `mute_time_intervals` silence what it matches while one of them holds, its
 * `active_time_intervals` silence it while none holds. A muted route still decides where its alerts go
 * (first match wins); they are only not sent.
 */
import type { TimeIntervalCheck } from './time-intervals.js';

/** Why a route is muted at `at` (epoch ms), or undefined when it is not. */
export type RouteMute = (at: number) => string | undefined;

/** A route's interval names as written (`mute_time_intervals`, `active_time_intervals`). */
export interface MuteConfig {
  mute_time_intervals?: string[];
  active_time_intervals?: string[];
}

/**
 * Resolves a route's interval names against the top-level `time_intervals`; every unknown name is an
 * issue at its path. `mute` is absent for a route that names none, so routing never reads a clock for it.
 */
export function compileMute(config: MuteConfig, intervals: ReadonlyMap<string, TimeIntervalCheck>, path: string): { mute?: RouteMute; quiet?: string; issues: { path: string; message: string }[] } {
  const issues: { path: string; message: string }[] = [];
  const resolve = (key: keyof MuteConfig) =>
    (config[key] ?? []).flatMap((name, i) => {
      const check = intervals.get(name);
      if (check) return [{ name, check }];
      const known = [...intervals.keys()].join(', ') || 'none defined';
      issues.push({ path: `${path}.${key}.${i}`, message: `unknown time interval "${name}" (time_intervals: ${known})` });
      return [];
    });
  const muting = resolve('mute_time_intervals');
  const active = resolve('active_time_intervals');
  if (issues.length > 0 || (muting.length === 0 && active.length === 0)) return { issues };
  const mute: RouteMute = (at) => {
    const during = muting.find((m) => m.check(at));
    if (during) return `mute_time_intervals: ${during.name}`;
    if (active.length > 0 && !active.some((a) => a.check(at))) return `outside active_time_intervals: ${active.map((a) => a.name).join(', ')}`;
    return undefined;
  };
  const quiet = [muting.length > 0 ? `mute_time_intervals: ${muting.map((m) => m.name).join(', ')}` : '', active.length > 0 ? `active_time_intervals: ${active.map((a) => a.name).join(', ')}` : ''].filter(Boolean).join('; ');
  return { mute, quiet, issues };
}
