import { describe, expect, it } from 'vitest';
import { MemoryPingMarks } from '../../../src/store/memory/ping-marks.js';

describe('memory ping marks', () => {
  it('keeps at most `max` marks, dropping the oldest marked first (a lost mark costs one ping more)', async () => {
    let now = 1_000;
    const marks = new MemoryPingMarks({ now: () => now, max: 3 });
    await marks.mark('q', ['a', 'b', 'c'], 60_000);
    now += 10;
    await marks.mark('q', ['a'], 60_000); // renewed: now the newest
    await marks.mark('q', ['d'], 60_000);
    expect(await marks.unmarked('q', ['a', 'b', 'c', 'd'])).toEqual(['b']);
  });

  it('a mark ends with its life, one made later lives on', async () => {
    let now = 1_000;
    const marks = new MemoryPingMarks({ now: () => now, max: 10 });
    await marks.mark('q', ['a', 'b'], 100);
    now += 101;
    expect(await marks.unmarked('q', ['a', 'b'])).toEqual(['a', 'b']);
    await marks.mark('q', ['c'], 100);
    now += 50;
    expect(await marks.unmarked('q', ['a', 'b', 'c'])).toEqual(['a', 'b']);
  });
});
