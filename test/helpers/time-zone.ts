import { afterAll, beforeAll } from 'vitest';

/**
 * Runs the calling test file in time zone `tz` (Node reads `process.env.TZ` again when it is set), then
 * puts the old one back: code that read the host's zone instead of a given one shows outside UTC only.
 */
export function inTimeZone(tz: string): void {
  let saved: string | undefined;
  beforeAll(() => {
    saved = process.env.TZ;
    process.env.TZ = tz;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });
}
