import { describe, expect, it } from 'vitest';
// @ts-expect-error: the dashboard's browser modules are plain JavaScript without types
import { replayNotice } from '../../../src/dashboard/replay-notice.js';

describe('dashboard replay notice', () => {
  it('says what was queued, what stays and why, and what another tab or replica replayed first', () => {
    expect(replayNotice({ replayed: ['a', 'b'], failed: [] })).toEqual({ text: 'Replayed 2 dead letters.', kind: 'ok' });
    // Not "Replayed 0 dead letters." in green: the one asked for was gone already.
    expect(replayNotice({ replayed: [], failed: [], missing: ['a'] })).toEqual({ text: 'Nothing replayed; 1 dead letter already replayed by another tab or replica (or being replayed now).', kind: 'info' });
    expect(replayNotice({ replayed: [], failed: [] })).toMatchObject({ text: expect.stringMatching(/^Nothing replayed; no dead letters were left/), kind: 'info' });
    expect(replayNotice({ replayed: ['a'], failed: ['b', 'c'], reasons: { b: 'queue full', c: 'queue full' } })).toEqual({ text: 'Replayed 1 dead letter; 2 could not be queued (queue full) and stay dead letters.', kind: 'error' });
  });
});
