import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { queueKeyFor } from '../../src/delivery/queue-key.js';
import { replayDeadLetters } from '../../src/delivery/replay.js';
import { DEAD_LETTERS_MAX } from '../../src/store/redis/dead-letters.js';
import { createRedisStore, type RedisStore } from '../../src/store/redis/index.js';
import { redisKeys } from '../../src/store/redis/keys.js';
import { DEAD_LETTER_HOLD_MS, type DeadLetter } from '../../src/store/types.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { notification } from './store-contract.js';

let server: RedisServer;
let admin: Redis;
const stores: RedisStore[] = [];
const keys = redisKeys('alertcord');
const config = loadConfigOrThrow({ env: { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/general-token' } }).config;

function open(now: () => number = Date.now): RedisStore {
  const store = createRedisStore({ url: server.url, queueSize: 1_000, historyMaxEntries: 100, historyRetentionMs: 3_600_000, consumerName: 'c', visibilityTimeoutMs: 60_000, commandTimeoutMs: 500, now });
  stores.push(store);
  return store;
}

const letter = (id: string): DeadLetter => ({ id, notification: notification(id), reason: 'server_error', error: '503', at: Date.now() });

beforeAll(async () => {
  server = await startRedis();
  admin = new Redis(server.url);
});
afterAll(async () => {
  admin?.disconnect();
  await server?.destroy();
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close().catch(() => undefined)));
  await admin.flushall();
});

describe('replaying dead letters from Redis', () => {
  it('loses none when Redis goes away half way: what was not queued is held, and returns to the list later', async () => {
    const a = open();
    for (let i = 0; i < 5; i++) await a.deadLetters.add(letter(`d${i}`));
    const enqueue = a.queue.enqueue.bind(a.queue);
    let calls = 0;
    a.queue.enqueue = async (...args) => {
      if (++calls === 2) a.connection.disconnect(); // Redis gone after the first one was queued
      return enqueue(...args);
    };
    const result = await replayDeadLetters(a, config, undefined, () => undefined);
    expect(result.replayed).toEqual(['d0']);
    expect(result.failed).toEqual(['d1', 'd2', 'd3', 'd4']);
    // It stopped at the first enqueue the store could not take: the rest would each wait out a command
    // timeout (10,000 entries: hours of a hanging request).
    expect(calls).toBe(2);
    const stream = keys.stream(queueKeyFor(config, 'general'));
    expect(await admin.xlen(stream)).toBe(1);
    // Not queued and not back in the list (Redis was gone when the replay tried): held, still in Redis.
    expect(await admin.xlen(keys.deadLetters) + (await admin.hlen(keys.deadLettersHeld))).toBe(4);

    // Later (past the hold time), any replica's next take puts them back in the list first.
    const b = open(() => Date.now() + DEAD_LETTER_HOLD_MS + 1_000);
    expect(await b.deadLetters.take(['unknown'])).toEqual([]);
    expect((await b.deadLetters.list(10)).map((d) => d.id).sort()).toEqual(['d1', 'd2', 'd3', 'd4']);
    expect(await admin.hlen(keys.deadLettersHeld)).toBe(0);
    expect(await admin.zcard(keys.deadLettersHeldAt)).toBe(0);
  });

  it('a replay that died: past the hold time its dead letters are listed and counted again, before any other replay', async () => {
    const a = open();
    for (let i = 0; i < 3; i++) await a.deadLetters.add(letter(`d${i}`));
    expect(await a.deadLetters.take()).toHaveLength(3); // the replaying process dies here: nothing settles
    expect(await a.deadLetters.count()).toBe(0);
    // The dashboard disables "Replay all" at a count of 0: without a take, they would never be seen again.
    const b = open(() => Date.now() + DEAD_LETTER_HOLD_MS + 1_000);
    expect(await b.deadLetters.count()).toBe(3);
    expect((await b.deadLetters.list(10)).map((d) => d.id).sort()).toEqual(['d0', 'd1', 'd2']);
    expect(await admin.hlen(keys.deadLettersHeld)).toBe(0);
  });

  it('settles as it goes: replayed ones leave the store, the ones it could not queue are dead letters again', async () => {
    const a = open();
    for (let i = 0; i < 3; i++) await a.deadLetters.add(letter(`d${i}`));
    const enqueue = a.queue.enqueue.bind(a.queue);
    a.queue.enqueue = async (key, n, dedupe) => (n.id === 'd1' ? 'full' : enqueue(key, n, dedupe));
    expect(await replayDeadLetters(a, config, ['d0', 'd1', 'd2', 'nope'], () => undefined)).toEqual({ replayed: ['d0', 'd2'], failed: ['d1'], reasons: { d1: 'queue full' }, missing: ['nope'] });
    expect((await a.deadLetters.list(10)).map((d) => d.id)).toEqual(['d1']);
    expect(await admin.hlen(keys.deadLettersHeld)).toBe(0);
    expect(await admin.zcard(keys.deadLettersHeldAt)).toBe(0);
  });

  // Written by hand (redis-cli) or by a version with another shape: listed, kept by a replay that says why,
  // and the others are replayed. A replay used to throw at the first one and stop "Replay all" there.
  it('lists and keeps dead letters written by hand or by another version, reports them in failed, and replays the rest', async () => {
    const a = open();
    await admin.xadd(keys.deadLetters, '*', 'id', 'no-notification', 'd', JSON.stringify({ id: 'no-notification', reason: 'invalid_body', error: 'x', at: 1 }));
    await admin.xadd(keys.deadLetters, '*', 'id', 'no-id-inside', 'd', JSON.stringify({ notification: notification('n1'), reason: 'invalid_body', error: 'x', at: 2 }));
    await admin.xadd(keys.deadLetters, '*', 'id', 'not-json', 'd', '{oops');
    await admin.xadd(keys.deadLetters, '*', 'id', 'null', 'd', 'null');
    await a.deadLetters.add(letter('good'));
    const odd = ['no-notification', 'no-id-inside', 'not-json', 'null'];
    expect((await a.deadLetters.list(10)).map((d) => d.id)).toEqual(['good', ...odd.slice().reverse()]);
    const result = await replayDeadLetters(a, config, undefined, () => undefined);
    expect(result.replayed).toEqual(['no-id-inside', 'good']); // oldest first; the stream's id field names an entry
    expect(result.failed).toEqual(['no-notification', 'not-json', 'null']);
    expect(result.reasons).toEqual(Object.fromEntries(result.failed.map((id) => [id, expect.stringMatching(/not a notification/)])));
    expect((await a.deadLetters.list(10)).map((d) => d.id).sort()).toEqual(['no-notification', 'not-json', 'null']);
    expect(await admin.hlen(keys.deadLettersHeld)).toBe(0);
  });

  // The recorder adds a dead letter, then acks its queue entry; an ack lost in a Redis timeout brings the
  // notification back, maybe to another replica, and it is dead-lettered again. /metrics and /api/status
  // count what the dashboard lists and "Replay all" replays: one dead letter, queued once.
  it('an id dead-lettered twice, by two replicas, is one dead letter: counted, listed and replayed once', async () => {
    const [a, b] = [open(), open()];
    await a.deadLetters.add(letter('d1'));
    await a.deadLetters.add(letter('d2'));
    await b.deadLetters.add({ ...letter('d1'), reason: 'invalid_body', error: 'again' });
    for (const s of [a, b]) expect(await s.deadLetters.count()).toBe(2);
    expect((await b.deadLetters.list(10)).map((d) => [d.id, d.error])).toEqual([['d1', 'again'], ['d2', '503']]);
    expect(await replayDeadLetters(a, config, undefined, () => undefined)).toEqual({ replayed: ['d2', 'd1'], failed: [] });
    expect(await admin.xlen(keys.stream(queueKeyFor(config, 'general')))).toBe(2);
    expect(await b.deadLetters.count()).toBe(0);
    expect(await admin.exists(keys.deadLettersListed)).toBe(0); // nothing left behind for ids no longer listed
  });

  it('a replay that died while its id was dead-lettered again: the hold returns as nothing more than the later copy', async () => {
    const a = open();
    await a.deadLetters.add(letter('d1'));
    expect(await a.deadLetters.take()).toHaveLength(1); // queued it, then died before settling
    await a.deadLetters.add({ ...letter('d1'), error: 'again' }); // and the queued copy failed again
    const b = open(() => Date.now() + DEAD_LETTER_HOLD_MS + 1_000);
    expect(await b.deadLetters.count()).toBe(1);
    expect((await b.deadLetters.list(10)).map((d) => d.error)).toEqual(['again']);
    expect(await admin.hlen(keys.deadLettersHeld)).toBe(0);
  });

  it('stays bounded, and so does the index of listed ids, when more than the most kept are dead-lettered', async () => {
    const a = open();
    for (let start = 0; start <= DEAD_LETTERS_MAX; start += 500) {
      await Promise.all(Array.from({ length: Math.min(500, DEAD_LETTERS_MAX + 1 - start) }, (_, i) => a.deadLetters.add(letter(`d${start + i}`))));
    }
    await a.deadLetters.add(letter('d5000')); // again: replaces its copy, drops nothing
    expect(await a.deadLetters.count()).toBe(DEAD_LETTERS_MAX);
    expect(await admin.hlen(keys.deadLettersListed)).toBe(DEAD_LETTERS_MAX);
    expect(await a.deadLetters.take(['d0'])).toEqual([]); // the oldest fell off
    expect((await a.deadLetters.list(1)).map((d) => d.id)).toEqual(['d5000']);
  });
});
