import { describe, expect, it } from 'vitest';
import { isNoGroupError } from '../../../src/store/redis/connection.js';

// The queue recreates its stream group on NOGROUP (FLUSHALL, a manual DEL). Its reads run in a Lua script,
// and Redis before 7 wraps an error raised there: read as another error, the worker only logged read
// failures until the next enqueue recreated the group.
describe('isNoGroupError', () => {
  it('knows NOGROUP as Redis 7 reports it and as Redis 6.2 wraps it from a script', () => {
    expect(isNoGroupError(new Error("NOGROUP No such key 'alertcord:queue:x' or consumer group 'workers' in XREADGROUP with GROUP option"))).toBe(true);
    expect(isNoGroupError(new Error("ERR Error running script (call to f_1a2b): @user_script:41: NOGROUP No such key 'alertcord:queue:x' or consumer group 'workers'"))).toBe(true);
  });

  it('knows a blocked read unblocked because its stream was deleted (Redis 7)', () => {
    expect(isNoGroupError(new Error('UNBLOCKED the stream key no longer exists'))).toBe(true);
    expect(isNoGroupError(new Error('UNBLOCKED client unblocked via CLIENT UNBLOCK'))).toBe(false);
  });

  it('is not fooled by other errors that mention the word', () => {
    expect(isNoGroupError(new Error('ERR wrong number of arguments'))).toBe(false);
    expect(isNoGroupError(new Error('NOGROUPS is not a command'))).toBe(false);
    expect(isNoGroupError('NOGROUP')).toBe(false);
  });
});
