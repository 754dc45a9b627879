import { describe, expect, it } from 'vitest';
import { compareIds } from '../../../src/store/redis/stream-reply.js';

// A blocking read sorts what it hands out by stream id (queue order): a firing handed back during the wait
// goes before the resolve whose arrival ended it. Entries added within one millisecond differ by sequence.
describe('compareIds', () => {
  it('orders stream ids as Redis does: by time, then by sequence, numerically', () => {
    const ids = ['1700000000001-0', '1700000000000-2', '999-5', '1700000000000-10', '1700000000000-1'];
    expect([...ids].sort(compareIds)).toEqual(['999-5', '1700000000000-1', '1700000000000-2', '1700000000000-10', '1700000000001-0']);
    expect(compareIds('1700000000000-1', '1700000000000-1')).toBe(0);
  });
});
