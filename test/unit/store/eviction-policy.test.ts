import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { EvictionPolicyCheck, evictionWarning } from '../../../src/store/redis/eviction-policy.js';

/** A connection that answers INFO memory with the policy of the moment, and says 'ready' when told. */
function fakeRedis() {
  const emitter = new EventEmitter();
  let policy = 'allkeys-lru';
  const redis = Object.assign(emitter, { info: async () => `# Memory\r\nused_memory:1000\r\nmaxmemory_policy:${policy}\r\n` });
  return {
    redis: redis as unknown as Redis,
    connect: async (next: string) => {
      policy = next;
      emitter.emit('ready');
      // Past the INFO answer the 'ready' handler waits for.
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('EvictionPolicyCheck', () => {
  // Read at every (re)connect: a Redis that drops connections now and then must not repeat the warning each time.
  it('warns once per policy across reconnects, again when the server changes to another that evicts', async () => {
    const warnings: string[] = [];
    const fake = fakeRedis();
    const check = new EvictionPolicyCheck(fake.redis, (m) => warnings.push(m));
    await fake.connect('allkeys-lru');
    await fake.connect('allkeys-lru');
    expect(warnings).toHaveLength(1);
    expect(check.warning).toBe(warnings[0]);
    await fake.connect('volatile-lru');
    expect(warnings).toHaveLength(2);
    await fake.connect('noeviction');
    expect(check.warning).toBeUndefined();
    expect(warnings).toHaveLength(2);
  });

  // A Redis-compatible server whose INFO has no maxmemory_policy line cannot be judged: no warning naming an empty policy.
  it('says nothing of noeviction or of a policy the server does not name', () => {
    expect(evictionWarning('noeviction')).toBeUndefined();
    expect(evictionWarning('')).toBeUndefined();
  });
});
