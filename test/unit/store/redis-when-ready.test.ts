import { EventEmitter } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError, whenReady } from '../../../src/store/redis/connection.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A connection as ioredis shows one while Redis is down: reconnecting forever, never 'ready' nor 'end'. */
function reconnecting(): Redis & EventEmitter {
  return Object.assign(new EventEmitter(), { status: 'reconnecting' }) as unknown as Redis & EventEmitter;
}

/** `count` waits that time out, each error seen only through a WeakRef (nothing here keeps it). */
async function timedOutWaits(redis: Redis, count: number): Promise<{ refs: WeakRef<object>[]; timedOut: number }> {
  const refs: WeakRef<object>[] = [];
  let timedOut = 0;
  for (let i = 0; i < count; i++) {
    const err = await whenReady(redis, 1).then(() => undefined, (e: unknown) => e);
    if (err instanceof StoreUnavailableError) timedOut++;
    refs.push(new WeakRef(err as object));
  }
  return { refs, timedOut };
}

/** How many of `refs` the collector freed (a full collection, after the current job has ended). */
async function collected(refs: WeakRef<object>[]): Promise<number> {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setImmediate(r));
    gc();
  }
  return refs.filter((r) => r.deref() === undefined).length;
}

// Every store call waits for the connection first (whenReady). During a Redis outage each wait times out, and
// each one left its rejected race behind on the connection's one shared "next ready" promise (~1.7 KB with its
// timer and error) until Redis came back: a worker per webhook, every scrape, readiness probe and sender's retried
// POST added more (2,500 POSTs in 50 s of outage kept 4.4 MB), hundreds of MB for an outage of a day.
describe('whenReady during an outage', () => {
  it('keeps nothing of a wait that timed out', async () => {
    const redis = reconnecting();
    const { refs, timedOut } = await timedOutWaits(redis, 20);
    expect(timedOut).toBe(refs.length);
    expect(await collected(refs)).toBe(refs.length);
    expect(redis.listenerCount('ready')).toBeLessThanOrEqual(1);
    expect(redis.listenerCount('end')).toBeLessThanOrEqual(1);
  });

  it('still resolves the waits in time when the connection becomes ready, and rejects them when it ends', async () => {
    const redis = reconnecting();
    const waits = [whenReady(redis, 60_000), whenReady(redis, 60_000)];
    await whenReady(redis, 1).catch(() => undefined); // a timed-out neighbour does not disturb them
    (redis as { status: string }).status = 'ready';
    redis.emit('ready');
    await expect(Promise.all(waits)).resolves.toEqual([undefined, undefined]);
    expect(redis.listenerCount('ready')).toBe(0);

    const other = reconnecting();
    const ended = whenReady(other, 60_000);
    other.emit('end');
    await expect(ended).rejects.toThrow(/closed/);
    expect(other.listenerCount('end')).toBe(0);
  });

  it('says what it waited for when it times out', async () => {
    await expect(whenReady(reconnecting(), 5)).rejects.toThrow('connecting to redis (status reconnecting) timed out after 5 ms');
  });
});
