import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ToldOutages } from '../../../src/ops/watchdog-told.js';
import { MemoryHeartbeats } from '../../../src/store/memory/heartbeats.js';
import type { Heartbeats } from '../../../src/store/types.js';

/** A logger whose warn lines are kept. */
function capturingLogger() {
  const lines: { msg: string; watchdog?: string; err?: string }[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line) as { msg: string }) });
  return { logger, lines };
}

describe('ToldOutages: the told outage kept in the store', () => {
  it('"back" clears the mark of the same outage only; never-heard outages are one whatever their start', async () => {
    const heartbeats = new MemoryHeartbeats();
    const told = new ToldOutages(heartbeats, pino({ level: 'silent' }));
    const cases = [
      // [marked, told "back" of, cleared]
      [{ since: 1_000, neverHeard: false }, { since: 1_000, neverHeard: false }, true],
      [{ since: 1_000, neverHeard: false }, { since: 2_000, neverHeard: false }, false],
      // Each replica's never-heard outage starts a timeout after its own start: one outage (keyed "never").
      [{ since: 1_000, neverHeard: true }, { since: 2_000, neverHeard: true }, true],
      [{ since: 1_000, neverHeard: true }, { since: 1_000, neverHeard: false }, false],
      [{ since: 1_000, neverHeard: false }, { since: 1_000, neverHeard: true }, false],
    ] as const;
    for (const [marked, back, cleared] of cases) {
      await heartbeats.setToldOutage('Watchdog', marked);
      await told.over('Watchdog', back);
      expect(await heartbeats.toldOutage('Watchdog'), JSON.stringify([marked, back])).toEqual(cleared ? undefined : marked);
    }
  });

  it('a store that cannot be read or written loses only the resumption: read is none, writes are logged, nothing throws', async () => {
    const down: Heartbeats = {
      record: async () => undefined,
      lastSeen: async () => undefined,
      toldOutage: async () => {
        throw new Error('connect ECONNREFUSED');
      },
      setToldOutage: async () => {
        throw new Error('READONLY');
      },
    };
    const { logger, lines } = capturingLogger();
    const told = new ToldOutages(down, logger);
    await expect(told.read('Watchdog')).resolves.toBeUndefined();
    await expect(told.told('Watchdog', { since: 1_000, neverHeard: false })).resolves.toBeUndefined();
    expect(lines).toEqual([expect.objectContaining({ watchdog: 'Watchdog', err: 'Error: READONLY' })]);
    // Without heartbeats to keep it in, nothing is written and nothing is logged.
    await expect(new ToldOutages(undefined, logger).told('Watchdog', { since: 1_000, neverHeard: false })).resolves.toBeUndefined();
    expect(lines).toHaveLength(1);
  });
});
