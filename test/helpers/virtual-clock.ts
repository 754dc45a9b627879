import type { Clock } from '../../src/delivery/clock.js';

/** A clock whose sleeps complete at once, advancing `now`; records every sleep. */
export function virtualClock(start = 1_800_000_000_000): Clock & { sleeps: number[]; advance(ms: number): void } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    async sleep(ms, signal) {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      now += ms;
    },
  };
}
