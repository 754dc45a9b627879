import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRedisStore, type RedisStoreOptions } from '../../src/store/redis/index.js';
import { redisKeys } from '../../src/store/redis/keys.js';
import { ACKED_KEPT_MS, ANNOUNCE_EVERY_MS } from '../../src/store/redis/queue.js';
import type { Store } from '../../src/store/types.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { startBridge } from '../helpers/bridge.js';
import { notification } from './store-contract.js';

const Q = '123456789012345678';
const VISIBILITY_MS = 300;
/** The promise of issue 6: with Redis gone, ingest answers (503) within 2 s; 500 ms of slack for a busy CI. */
const FAILURE_BOUND_MS = 2_500;

let server: RedisServer;
let admin: Redis;
const stores: Store[] = [];

function open(consumerName: string, extra: Partial<RedisStoreOptions> = {}): Store {
  const store = createRedisStore({
    url: server.url, queueSize: 1_000, historyMaxEntries: 100, historyRetentionMs: 3_600_000,
    consumerName, visibilityTimeoutMs: VISIBILITY_MS, ...extra,
  });
  stores.push(store);
  return store;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => Promise<boolean>, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not true within ${withinMs} ms`);
    await sleep(50);
  }
}

/** Enqueues `id` on Q and keeps Redis busy for `ms` (a slow fsync, a fork, a long script) in one script. */
async function enqueueAndStall(id: string, ms: number): Promise<void> {
  const stall = `redis.call('XADD', KEYS[1], '*', 'n', ARGV[1], 't', ARGV[2])
local t = redis.call('TIME')
local start = t[1] * 1000000 + t[2]
repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] - start > tonumber(ARGV[3])
return 0`;
  await admin.eval(stall, 1, redisKeys('alertcord').stream(Q), JSON.stringify(notification(id)), Date.now(), ms * 1000);
}

beforeAll(async () => {
  // `always`: the outage tests SIGKILL redis-server and count on every acknowledged write (see the option).
  server = await startRedis({ appendfsync: 'always' });
  // No offline queue and a short retry: the admin client must not hang across the restarts below.
  admin = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
  admin.on('error', () => undefined);
});

afterAll(async () => {
  admin?.disconnect();
  await server?.destroy();
});

beforeEach(async () => {
  await eventually(async () => (await admin.ping().catch(() => '')) === 'PONG', 5_000);
  await admin.flushall();
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

describe('redis queue: entries that are not notifications', () => {
  it('drops (and reports) an entry whose JSON lacks the shape of a notification, and reads on past it', async () => {
    const errors: string[] = [];
    const store = open('c1', { onError: (err) => errors.push(err.message) });
    await store.queue.enqueue(Q, notification('first'));
    // e.g. written by hand, or by a version with another shape: rendering it would throw on every batch
    const stream = `alertcord:{q:${Q}}:stream`;
    await admin.xadd(stream, '*', 'n', JSON.stringify({ id: 'bad' }), 't', String(Date.now()));
    await admin.xadd(stream, '*', 'n', JSON.stringify({ ...notification('odd'), alerts: [{ title: 'no labels' }] }), 't', String(Date.now()));
    await store.queue.enqueue(Q, notification('second'));
    const items = await store.queue.read(Q, 10, 0);
    expect(items.map((i) => i.notification.id)).toEqual(['first', 'second']);
    expect(errors.join('\n')).toContain('dropped 2 unreadable queue entries');
    expect(await admin.xlen(stream)).toBe(2);
  });
});

describe('redis queue: queues of webhooks no longer configured', () => {
  it('once drained, cost no replica a worker or a connection: they leave the queue set, and come back with an enqueue', async () => {
    const old = open('old-replica');
    const gone = Array.from({ length: 20 }, (_, i) => `90000000000000${String(i).padStart(4, '0')}`);
    for (const q of gone) {
      await old.queue.enqueue(q, notification(`n-${q}`));
      await old.queue.ack(q, (await old.queue.read(q, 10, 0)).map((x) => x.entryId));
    }
    expect(await admin.scard('alertcord:queues')).toBe(20);
    const clients = async () => String(await admin.call('client', 'list')).trim().split('\n').length;
    const before = await clients();
    const bridge = await startBridge({ types: ['general'], store: open('replica') });
    try {
      await expect.poll(() => bridge.runtime.delivery.queueKeys().filter((k) => gone.includes(k)), { timeout: 10_000 }).toEqual([]);
      expect(await admin.smembers('alertcord:queues')).not.toEqual(expect.arrayContaining([gone[0]]));
      expect((await clients()) - before).toBeLessThanOrEqual(4); // the replica's own connections, not one per old queue
      // Work for such a queue brings it back at once from the replica that forgot it (another replica that
      // enqueues names it again within ANNOUNCE_EVERY_MS, and works it meanwhile itself).
      await bridge.runtime.store.queue.enqueue(gone[0]!, notification('late'));
      expect(await admin.smembers('alertcord:queues')).toContain(gone[0]);
    } finally {
      await bridge.close();
    }
  });
});

describe('redis queue: the queue set other replicas discover queues by', () => {
  it('is told of a queue on its first enqueue, not on every one, and again a minute later should it be lost', async () => {
    let now = 1_800_000_000_000;
    const store = open('replica-a', { now: () => now });
    const other = open('replica-b');
    await store.queue.enqueue(Q, notification('n1'));
    expect(await other.queue.queueKeys()).toEqual([Q]);
    await admin.del('alertcord:queues'); // lost (a FLUSHALL of that key, a failover)
    await store.queue.enqueue(Q, notification('n2'));
    expect(await other.queue.queueKeys()).toEqual([]); // one SADD per queue per minute, not per request
    now += ANNOUNCE_EVERY_MS;
    await store.queue.enqueue(Q, notification('n3'));
    expect(await other.queue.queueKeys()).toEqual([Q]);
    expect(await other.queue.depth(Q)).toBe(3);
  });
});

describe('redis queue: consumers and leases', () => {
  it('a renewal keeps what it holds, drops what another consumer took, and keeps all when Redis lost the stream', async () => {
    const a = open('a');
    const b = open('b');
    for (const id of ['x', 'y']) await a.queue.enqueue(Q, notification(id));
    const held = await a.queue.read(Q, 10, 0);
    const ids = held.map((i) => i.entryId);
    expect(await a.queue.touch!(Q, ids)).toEqual(ids);
    await sleep(VISIBILITY_MS + 100);
    expect((await b.queue.read(Q, 1, 0)).map((i) => i.entryId)).toEqual([ids[0]]); // b takes x over
    expect(await a.queue.touch!(Q, ids)).toEqual([ids[1]]);
    // FLUSHALL (or a restart without persistence): nobody else holds them; this process has the only copy.
    await admin.flushall();
    expect(await a.queue.touch!(Q, ids)).toEqual(ids);
    // Also once a new alert brought the stream and its group back (they are pending under nobody).
    await a.queue.enqueue(Q, notification('z'));
    expect(await a.queue.touch!(Q, ids)).toEqual(ids);
  });

  it('a renewal after a stall drops what another consumer took over and already delivered: it is not sent twice', async () => {
    const a = open('a');
    const b = open('b');
    await a.queue.enqueue(Q, notification('x'));
    const held = (await a.queue.read(Q, 10, 0)).map((i) => i.entryId);
    // a stalls past the visibility timeout (CPU throttled, cut off from Redis): b takes x over and delivers it.
    let taken: string[] = [];
    await eventually(async () => (taken = (await b.queue.read(Q, 10, 0)).map((i) => i.entryId)).length > 0, 5_000);
    expect(taken).toEqual(held);
    await b.queue.ack(Q, taken);
    expect(await a.queue.touch!(Q, held)).toEqual([]);
    // What tells it expires once acks stop: no key left behind for good.
    const ttl = await admin.pttl(redisKeys('alertcord').acked(Q));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(ACKED_KEPT_MS);
  });

  it('acknowledged ids are remembered for ACKED_KEPT_MS, then trimmed by later acks (the set does not grow for good)', async () => {
    let now = 1_800_000_000_000;
    const a = open('a', { now: () => now });
    const acked = redisKeys('alertcord').acked(Q);
    await a.queue.enqueue(Q, notification('old'));
    const [old] = (await a.queue.read(Q, 10, 0)).map((i) => i.entryId);
    await a.queue.ack(Q, [old!]);
    expect(await admin.zscore(acked, old!)).not.toBeNull();
    now += ACKED_KEPT_MS + 1;
    await a.queue.enqueue(Q, notification('new'));
    const [fresh] = (await a.queue.read(Q, 10, 0)).map((i) => i.entryId);
    await a.queue.ack(Q, [fresh!]);
    expect(await admin.zrange(acked, '0', '-1')).toEqual([fresh]);
  });

  it("a dead consumer's entries go to another consumer after the visibility timeout", async () => {
    const a = open('replica-a');
    const b = open('replica-b');
    for (const id of ['n1', 'n2']) await a.queue.enqueue(Q, notification(id));
    expect((await a.queue.read(Q, 10, 0)).map((i) => i.notification.id)).toEqual(['n1', 'n2']);
    await a.close(); // dies without acknowledging
    expect(await b.queue.read(Q, 10, 0)).toEqual([]);
    await sleep(VISIBILITY_MS + 100);
    const taken = await b.queue.read(Q, 10, 0);
    expect(taken.map((i) => i.notification.id)).toEqual(['n1', 'n2']);
    await b.queue.ack(Q, taken.map((i) => i.entryId));
    expect(await b.queue.depth(Q)).toBe(0);
  });

  it('touch keeps entries from being taken over; once taken, touch does not steal them back', async () => {
    const a = open('replica-a');
    const b = open('replica-b');
    await a.queue.enqueue(Q, notification('n1'));
    const [held] = await a.queue.read(Q, 10, 0);
    for (let i = 0; i < 4; i++) {
      await sleep(VISIBILITY_MS / 2);
      expect(await a.queue.touch?.(Q, [held!.entryId])).toEqual([held!.entryId]);
    }
    expect(await b.queue.read(Q, 10, 0)).toEqual([]);
    await sleep(VISIBILITY_MS + 100);
    expect((await b.queue.read(Q, 10, 0)).map((i) => i.entryId)).toEqual([held!.entryId]);
    expect(await a.queue.touch?.(Q, [held!.entryId])).toEqual([]);
  });

  it("release makes entries claimable at once by another replica's read", async () => {
    const a = open('replica-a');
    const b = open('replica-b', { visibilityTimeoutMs: 60_000 });
    await a.queue.enqueue(Q, notification('n1'));
    const items = await a.queue.read(Q, 10, 0);
    await a.queue.release(Q, items.map((i) => i.entryId));
    expect((await b.queue.read(Q, 10, 0)).map((i) => i.notification.id)).toEqual(['n1']);
  });

  // The claim scan resumes where the last read stopped; an entry handed back behind that point (a replica
  // shutting down releases its batch) is found by looking from the start once more, before anything new:
  // else the resolve queued after it went out first, and the channel said the alert still fired.
  it('a read takes an entry released behind its claim cursor before new ones', async () => {
    const a = open('replica-a', { visibilityTimeoutMs: 60_000 });
    const b = open('replica-b', { visibilityTimeoutMs: 60_000 });
    for (const id of ['n1', 'n2', 'n3']) await a.queue.enqueue(Q, notification(id));
    const held = await a.queue.read(Q, 10, 0);
    await a.queue.release(Q, [held[0]!.entryId]);
    const [n1] = await b.queue.read(Q, 1, 0); // b's claim cursor now points past n1 (at n2, still a's)
    expect(n1?.notification.id).toBe('n1');
    await b.queue.release(Q, [n1!.entryId]);
    await a.queue.enqueue(Q, notification('n4'));
    expect((await b.queue.read(Q, 10, 0)).map((i) => i.notification.id)).toEqual(['n1', 'n4']);
  });

  it('a restarted process with the same consumer name takes back its unfinished work at once', async () => {
    const first = open('replica-a', { visibilityTimeoutMs: 60_000 });
    await first.queue.enqueue(Q, notification('n1'));
    expect(await first.queue.read(Q, 10, 0)).toHaveLength(1);
    await first.close(); // "kill -9": nothing acknowledged
    const second = open('replica-a', { visibilityTimeoutMs: 60_000 });
    expect((await second.queue.read(Q, 10, 0)).map((i) => i.notification.id)).toEqual(['n1']);
  });

  it('a live process with the same consumer name (two containers: same hostname, pid 1) keeps its work: a namesake starting up takes none of it', async () => {
    const warnings: string[] = [];
    const first = open('host-1', { visibilityTimeoutMs: 60_000 });
    await first.queue.enqueue(Q, notification('n1'));
    expect((await first.queue.read(Q, 10, 0)).map((i) => i.notification.id)).toEqual(['n1']); // being delivered
    const namesake = open('host-1', { visibilityTimeoutMs: 60_000, onWarning: (m) => warnings.push(m) });
    await namesake.queue.enqueue(Q, notification('n2'));
    expect((await namesake.queue.read(Q, 10, 0)).map((i) => i.notification.id)).toEqual(['n2']);
    expect(warnings.join('\n')).toMatch(/another live process uses the consumer name "host-1"/);
  });

  it('forgets consumers of past replicas that hold nothing, and never one that still holds an entry', async () => {
    const stream = redisKeys('alertcord').stream(Q);
    const gone = open('pod-of-last-deploy');
    await gone.queue.enqueue(Q, notification('n1'));
    await gone.queue.read(Q, 10, 0); // holds n1
    const idle = open('pod-before-that');
    await idle.queue.read(Q, 10, 0); // reads nothing: holds nothing
    await new Promise((resolve) => setTimeout(resolve, 60));
    const next = open('pod-of-this-deploy', { forgetConsumersIdleMs: 50 });
    await next.queue.enqueue(Q, notification('n2'));
    await next.queue.read(Q, 10, 0);
    const consumers = (await admin.call('xinfo', 'consumers', stream, 'alertcord')) as string[][];
    const names = consumers.map((c) => c[c.indexOf('name') + 1]).sort();
    expect(names).toEqual(['pod-of-last-deploy', 'pod-of-this-deploy']); // n1 is still pending under its reader
  });

  // Only what a read had given up on is handed back: entries a blocked read returns are the worker's, and
  // released they would go to another replica too (sent twice).
  it('entries a blocked read returns in time stay held: another replica cannot take them', async () => {
    const a = open('replica-a', { visibilityTimeoutMs: 60_000 });
    const b = open('replica-b', { visibilityTimeoutMs: 60_000 });
    await a.queue.read(Q, 10, 0);
    const reading = a.queue.read(Q, 10, 2_000);
    await sleep(50);
    await b.queue.enqueue(Q, notification('n1'));
    expect((await reading).map((i) => i.notification.id)).toEqual(['n1']);
    await a.queue.depth(Q); // after anything the read set off on a's connection
    expect(await b.queue.read(Q, 10, 0)).toEqual([]);
  });

  it('a blocked read does not delay enqueues on the same store', async () => {
    const a = open('replica-a');
    const reading = a.queue.read('idle-queue', 10, 2_000);
    const started = Date.now();
    for (let i = 0; i < 20; i++) await a.queue.enqueue(Q, notification(`n${i}`));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await reading).toEqual([]);
  });
});

describe('redis queue: keys', () => {
  it('keys one queue under one hash tag (its webhook id), and a full enqueue leaves no dedupe key', async () => {
    const store = open('replica-a', { queueSize: 1 });
    expect(await store.queue.enqueue(Q, notification('n1'), { key: 'generic:general:k1', windowMs: 60_000 })).toBe('queued');
    expect(await store.queue.enqueue(Q, notification('n2'), { key: 'generic:general:k2', windowMs: 60_000 })).toBe('full');
    expect((await admin.keys('*')).sort()).toEqual([
      `alertcord:queues`,
      `alertcord:{q:${Q}}:dedupe:generic:general:k1`,
      `alertcord:{q:${Q}}:stream`,
    ]);
    expect(await admin.pttl(`alertcord:{q:${Q}}:dedupe:generic:general:k1`)).toBeGreaterThan(59_000);
  });
});

describe('redis queue: outages and persistence', () => {
  it('Redis killed → enqueue rejects within the bound and ping is false; back → works again on the same store', async () => {
    const store = open('replica-a');
    expect(await store.queue.enqueue(Q, notification('before'))).toBe('queued');
    await server.kill();
    // At once (the client has not noticed yet) and a moment later (the client is reconnecting).
    for (const pause of [0, 300]) {
      await sleep(pause);
      const started = Date.now();
      await expect(store.queue.enqueue(Q, notification('during'))).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(FAILURE_BOUND_MS);
      expect(await store.ping()).toEqual({ ok: false, message: 'redis unreachable' });
    }
    await expect(store.queue.read(Q, 10, 500)).rejects.toThrow();

    await server.restart();
    await eventually(async () => (await store.ping()).ok, 5_000);
    expect(await store.queue.enqueue(Q, notification('after'))).toBe('queued');
    expect((await store.queue.read(Q, 10, 0)).map((i) => i.notification.id)).toEqual(['before', 'after']);
  });

  it('a read blocked when its stream vanishes (FLUSHALL, a manual DEL) waits on for the next entry instead of failing', async () => {
    const store = open('replica-a');
    await store.queue.read(Q, 10, 0); // the stream and its group exist
    const reading = store.queue.read(Q, 10, 3_000);
    await sleep(200);
    await admin.flushall(); // Redis 7 unblocks the read: "UNBLOCKED the stream key no longer exists"
    await sleep(100);
    await store.queue.enqueue(Q, notification('after'));
    expect((await reading).map((i) => i.notification.id)).toEqual(['after']);
  });

  it('a read blocked when Redis dies settles instead of hanging', async () => {
    const store = open('replica-a');
    const started = Date.now();
    const reading = store.queue.read(Q, 10, 3_000).catch(() => 'rejected' as const);
    await sleep(200);
    await server.kill();
    await reading;
    expect(Date.now() - started).toBeLessThan(6_000);
    await server.restart();
  });

  it('entries a stalled Redis hands over after the client gave up on its blocked read are not held back until the visibility timeout', async () => {
    // A live, idle replica; another one would take its entries over only after this (long) timeout.
    const store = open('replica-a', { visibilityTimeoutMs: 60_000, commandTimeoutMs: 200 });
    await store.queue.read(Q, 10, 0);
    const reading = store.queue.read(Q, 10, 100).catch(() => []); // gives up at BLOCK + the command timeout
    await sleep(30);
    // Redis stalls for a second (a slow fsync, a fork, a long script) right after an enqueue: the blocked read
    // is answered with the entry when the stall ends, long after the client stopped waiting for it.
    await enqueueAndStall('late', 1_000);
    let got = (await reading).map((i) => i.notification.id); // [] (given up on), unless this machine is slower than the stall
    await eventually(async () => (got = [...got, ...(await store.queue.read(Q, 10, 100).catch(() => [])).map((i) => i.notification.id)]).length > 0, 5_000);
    expect(got).toEqual(['late']);
  });

  // The connection's answer may never come (Redis stalled, a connection that died silently): the read ends at
  // its BLOCK time plus the command timeout, and the worker goes on, instead of waiting on Redis for good.
  it('a blocked read that Redis does not answer gives up at its bound instead of waiting for the answer', async () => {
    const store = open('replica-a', { visibilityTimeoutMs: 60_000, commandTimeoutMs: 200 });
    await store.queue.read(Q, 10, 0);
    const settled: string[] = [];
    const reading = store.queue.read(Q, 10, 100).then((items) => settled.push(`read ${items.length}`), () => settled.push('read failed'));
    await sleep(30);
    await enqueueAndStall('late', 3_000);
    settled.push('stall over');
    await reading;
    expect(settled).toEqual([expect.stringMatching(/^read (0|failed)$/), 'stall over']);
  });

  it('queued entries and dedupe claims survive a graceful restart (AOF)', async () => {
    const store = open('replica-a');
    for (const id of ['n1', 'n2', 'n3']) await store.queue.enqueue(Q, notification(id), { key: `k-${id}`, windowMs: 60_000 });
    await server.stop();
    await server.restart();
    await eventually(async () => (await store.ping()).ok, 5_000);
    expect(await store.queue.enqueue(Q, notification('n1'), { key: 'k-n1', windowMs: 60_000 })).toBe('duplicate');
    expect((await store.queue.read(Q, 10, 0)).map((i) => i.notification.id)).toEqual(['n1', 'n2', 'n3']);
  });

  it('acknowledged enqueues survive kill -9 of redis-server (AOF fsynced before the reply)', async () => {
    const store = open('replica-a');
    for (const id of ['n1', 'n2']) expect(await store.queue.enqueue(Q, notification(id))).toBe('queued');
    await server.kill();
    await server.restart();
    await eventually(async () => (await store.ping()).ok, 5_000);
    expect(await store.queue.depth(Q)).toBe(2);
  });
});
