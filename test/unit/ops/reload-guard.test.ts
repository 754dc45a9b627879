import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { reloadConfig } from '../../../src/ops/reload.js';

describe('reloadConfig when loading throws', () => {
  // SIGHUP and the file watch run `void runtime.reload()`: a throw from loading was an unhandled rejection,
  // which ends the process, where a failed reload keeps the running config.
  it('answers a failed reload with the reason, counts it, and swaps nothing', async () => {
    const env = new Proxy({}, { ownKeys: () => { throw new Error('env exploded'); } });
    const results: string[] = [];
    let swapped = false;
    const result = await reloadConfig({
      source: { env },
      current: () => { throw new Error('not reached'); },
      swap: () => { swapped = true; },
      state: {} as never,
      delivery: {} as never,
      logger: pino({ level: 'silent' }),
      onResult: (r) => results.push(r),
    }, 'SIGHUP');
    expect(result).toEqual({ ok: false, issues: [{ path: '(reload)', message: 'the config could not be loaded: Error: env exploded' }] });
    expect(results).toEqual(['failed']);
    expect(swapped).toBe(false);
  });
});
