import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../../src/store/redis/connection.js';
import { AofDurability } from '../../../src/store/redis/durability.js';

interface FakeServer {
  version: string;
  aof: boolean;
  appendfsync: string;
  /** COMMAND INFO WAITAOF knows the command. */
  waitaof: boolean;
  /** What WAITAOF answers: [numlocal, numreplicas]. */
  fsynced: number;
  /** WAITAOF answers this error instead (Redis' own words). */
  refuseWaitaof?: string;
}

/** Just what AofDurability calls on its connection, recording commands. */
function fakeRedis(server: FakeServer): { redis: Redis; calls: unknown[][]; emit(event: string): void } {
  const calls: unknown[][] = [];
  const listeners = new Map<string, (() => void)[]>();
  const redis = {
    on(event: string, fn: () => void) {
      listeners.set(event, [...(listeners.get(event) ?? []), fn]);
      return redis;
    },
    async info(section: string) {
      return section === 'server' ? `# Server\r\nredis_version:${server.version}\r\n` : `# Persistence\r\naof_enabled:${server.aof ? 1 : 0}\r\n`;
    },
    async call(...args: unknown[]) {
      calls.push(args);
      const [command] = args;
      if (command === 'config') return ['appendfsync', server.appendfsync];
      if (command === 'command') return server.waitaof ? [['waitaof', 4]] : [null];
      if (command === 'waitaof') {
      if (server.refuseWaitaof) throw Object.assign(new Error(server.refuseWaitaof), { name: 'ReplyError' });
      return [server.fsynced, 0];
    }
      throw new Error(`unexpected ${String(command)}`);
    },
  };
  return { redis: redis as unknown as Redis, calls, emit: (event) => listeners.get(event)?.forEach((fn) => fn()) };
}

const server = (over: Partial<FakeServer> = {}): FakeServer => ({ version: '7.2.4', aof: true, appendfsync: 'everysec', waitaof: true, fsynced: 1, ...over });

describe('durability: fsync', () => {
  it('waits with WAITAOF 1 0 on a server that has it, below the command timeout', async () => {
    const { redis, calls } = fakeRedis(server());
    const { durability, warnings } = watched(redis);
    await durability.confirm();
    expect(calls.filter((c) => c[0] === 'waitaof')).toEqual([['waitaof', 1, 0, 1_300]]);
    expect(warnings).toEqual([]);
  });

  it('rejects as "store unavailable" (503) when the AOF was not fsynced in time', async () => {
    const { redis } = fakeRedis(server({ fsynced: 0 }));
    const durability = new AofDurability(redis, { commandTimeoutMs: 1_500, onWarning: () => undefined });
    await expect(durability.confirm()).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('adds nothing under appendfsync always, and warns once (not per enqueue) where WAITAOF is missing', async () => {
    const always = fakeRedis(server({ appendfsync: 'always' }));
    await new AofDurability(always.redis, { commandTimeoutMs: 1_500, onWarning: () => undefined }).confirm();
    expect(always.calls.some((c) => c[0] === 'waitaof')).toBe(false);

    const old = fakeRedis(server({ version: '7.0.15', waitaof: false }));
    const { durability, warnings } = watched(old.redis);
    await durability.confirm();
    await durability.confirm();
    old.emit('ready'); // a reconnect detects again, without a second warning for the same reason
    await durability.confirm();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('Redis 7.0.15');
  });

  // Only an error answer (an ACL refusing INFO / COMMAND) is for good; a timeout or a lost connection during
  // the detection fails that enqueue (503, the sender retries) and the next one asks again.
  it('a detection cut short by a timeout is not taken for "unmet": no warning, and the next enqueue detects again and waits', async () => {
    const { redis, calls } = fakeRedis(server());
    const info = redis.info.bind(redis);
    let timeouts = 1;
    (redis as unknown as { info: (section: string) => Promise<string> }).info = async (section) => {
      if (timeouts-- > 0) throw new Error('Command timed out');
      return info(section);
    };
    const { durability, warnings } = watched(redis);
    await expect(durability.confirm()).rejects.toThrow('Command timed out');
    await durability.confirm();
    expect(calls.filter((c) => c[0] === 'waitaof')).toHaveLength(1);
    expect(warnings).toEqual([]);
  });

  // As with a refused detection: an error answer is the same for every enqueue, and rethrown it was a 503 for
  // every alert (while /readyz said ready) until the process restarted.
  it('a server that refuses WAITAOF itself (the AOF turned off since the connect, an ACL denying it): warned once, and ingest goes on', async () => {
    const s = server();
    const { redis } = fakeRedis(s);
    const { durability, warnings } = watched(redis);
    await durability.confirm();
    s.aof = false; // CONFIG SET appendonly no
    s.refuseWaitaof = 'ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.';
    await durability.confirm();
    await durability.confirm();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('appendonly is disabled');
  });

  // An ACL may deny alertcord's user WAITAOF while COMMAND INFO still lists it: refused alike every time, so the
  // server's own policy until the next reconnect, not a WAITAOF (and a 503) per enqueue.
  it('an ACL denying WAITAOF (NOPERM): warned once, no more WAITAOF, and ingest goes on', async () => {
    const s = server({ refuseWaitaof: "NOPERM User alertcord has no permissions to run the 'waitaof' command" });
    const { redis, calls } = fakeRedis(s);
    const { durability, warnings } = watched(redis);
    await durability.confirm();
    await durability.confirm();
    expect(calls.filter((c) => c[0] === 'waitaof')).toHaveLength(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('NOPERM');
  });

  it('a passing refusal of WAITAOF (BUSY: a long script runs) fails that enqueue only (503), and durability stays', async () => {
    const s = server({ refuseWaitaof: 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.' });
    const { redis, calls } = fakeRedis(s);
    const { durability, warnings } = watched(redis);
    await expect(durability.confirm()).rejects.toThrow('BUSY');
    s.refuseWaitaof = undefined;
    await durability.confirm();
    expect(calls.filter((c) => c[0] === 'waitaof')).toHaveLength(2);
    expect(warnings).toEqual([]);
  });
});

/** A durability check on `redis` whose warnings are kept. */
function watched(redis: ConstructorParameters<typeof AofDurability>[0]): { durability: AofDurability; warnings: string[] } {
  const warnings: string[] = [];
  return { durability: new AofDurability(redis, { commandTimeoutMs: 1_500, onWarning: (m) => warnings.push(m) }), warnings };
}
