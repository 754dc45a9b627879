import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { statusReport } from '../../src/ops/status.js';
import { systemClock } from '../../src/delivery/clock.js';
import type { DiscordSender } from '../../src/delivery/discord-sender.js';
import { OutcomeRecorder } from '../../src/delivery/recorder.js';
import { Rerouter } from '../../src/delivery/reroute.js';
import { WebhookWorker } from '../../src/delivery/worker.js';
import { createRedisStore, type RedisStore } from '../../src/store/redis/index.js';
import { RedisWebhookState } from '../../src/store/redis/webhook-state.js';
import { historyEntry } from './history-fixtures.js';
import { LIMITS } from './webhook-state-fixtures.js';
import { startBridge } from '../helpers/bridge.js';
import { useRedisForFile } from '../helpers/redis-for-file.js';
import { invalidBodyAnswer, okAnswer, workerNotification } from '../helpers/worker-harness.js';

/**
 * A Redis that ran out of memory under `noeviction` (Redis' default, and what README asks for): a storm or a
 * long Discord outage filled it. Ingest must answer 503 and lose nothing; delivery must go on, since draining
 * the queues is what frees the memory.
 */

const GENERAL = '1';
const STORM = 'storm-webhook';

const redis = useRedisForFile({ appendonly: false, maxmemory: '8mb', maxmemoryPolicy: 'noeviction' }, async (admin) => {
  await admin.config('SET', 'maxmemory', '8mb');
  await admin.flushall();
});

function redisStore(consumerName = 'full'): RedisStore {
  const store = createRedisStore({ url: redis.server.url, queueSize: 100_000, historyMaxEntries: 100, historyRetentionMs: 3_600_000, consumerName, commandTimeoutMs: 1_500 });
  redis.opened.push(store);
  return store;
}

/**
 * Fills Redis through the queue of another webhook until it refuses with OOM, then holds it full: its limit
 * is set just under what it now uses, so every write Redis refuses when full is refused for sure.
 */
async function fillRedis(store: RedisStore): Promise<string> {
  const big = { ...workerNotification('storm'), alerts: [{ ...workerNotification('storm').alerts[0]!, message: 'm'.repeat(8_000) }] };
  for (let i = 0; i < 10_000; i++) {
    try {
      await store.queue.enqueue(STORM, { ...big, id: `storm-${i}`, dedupeKey: `storm-${i}` });
    } catch (err) {
      await pinFull();
      return (err as Error).message;
    }
  }
  throw new Error('Redis never ran out of memory');
}

/** Holds Redis full: its limit set just under what it uses (a write of a few bytes could pass at the edge). */
async function pinFull(): Promise<void> {
  const used = Number(/used_memory:(\d+)/.exec(await redis.admin.info('memory'))![1]);
  await redis.admin.config('SET', 'maxmemory', String(used - 512 * 1024));
}

function worker(store: RedisStore, yaml = '') {
  const config = loadConfigOrThrow({ env: { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/general-token' }, yaml }).config;
  const state = new RedisWebhookState({ redis: store.connection, keyPrefix: 'alertcord' });
  const logger = pino({ level: 'silent' });
  const recorder = new OutcomeRecorder({ store, now: Date.now, logger });
  const posts: string[] = [];
  // Discord's answer carries its rate-limit headers, as every real answer does; it refuses a message
  // carrying a notification named `refused…` (400: dead letter).
  const sender: DiscordSender = {
    post: async (_w, message) => (posts.push(JSON.stringify(message)), posts.at(-1)!.includes('refused') ? invalidBodyAnswer : okAnswer(posts.length)),
    get: async () => okAnswer(0),
  };
  const rerouter = new Rerouter({ store, state, recorder, logger, now: Date.now });
  return { posts, worker: new WebhookWorker(GENERAL, { config: () => config, store, state, sender: () => sender, recorder, rerouter, clock: systemClock, random: () => 0.5, logger }) };
}

/** Runs the worker until GENERAL's queue is empty (after queueing `id`, when given), and a little longer. */
async function runUntil(w: WebhookWorker, depth: () => Promise<number>, store?: RedisStore, id?: string): Promise<void> {
  if (store && id) await store.queue.enqueue(GENERAL, workerNotification(id));
  const stop = new AbortController();
  const running = w.run(stop.signal);
  try {
    await expect.poll(depth).toBe(0);
    // Past the worker's pause after a failed batch (1 s): a batch released after Discord took it would come back.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
  } finally {
    stop.abort();
    await running;
  }
}

describe('Redis out of memory (noeviction)', () => {
  it.each([
    ['token_bucket (the default)', ''],
    ['sliding_window', 'alert_types:\n  general:\n    rate_limit: { algorithm: sliding_window, per_minute: 30 }\n'],
  ])('a queued notification still goes to Discord exactly once and leaves the queue, %s', async (_name, yaml) => {
    const store = redisStore();
    const { posts, worker: w } = worker(store, yaml);
    // Running before Redis filled up: the webhook's rate-limit state exists, as on any live deployment.
    await runUntil(w, () => store.queue.depth(GENERAL), store, 'earlier');
    expect(await store.queue.enqueue(GENERAL, workerNotification('queued-before'))).toBe('queued');
    expect(await fillRedis(store)).toMatch(/^OOM command not allowed .*maxmemory/);
    await runUntil(w, () => store.queue.depth(GENERAL));
    expect(posts.filter((p) => p.includes('queued-before'))).toHaveLength(1);
  });

  it('a replica started while Redis is full (a restart, a new pod) reads and delivers what is queued', async () => {
    const before = redisStore('before');
    // The enqueue made the stream and its consumer group.
    expect(await before.queue.enqueue(GENERAL, workerNotification('queued-before'))).toBe('queued');
    expect(await fillRedis(before)).toMatch(/^OOM/);
    const store = redisStore('started-when-full');
    const { posts, worker: w } = worker(store);
    await runUntil(w, () => store.queue.depth(GENERAL));
    expect(posts.filter((p) => p.includes('queued-before'))).toHaveLength(1);
  });

  it('a notification Discord refuses (400) is dead-lettered once, not posted again every second, and it leaves the queue', async () => {
    const store = redisStore();
    const { posts, worker: w } = worker(store);
    await runUntil(w, () => store.queue.depth(GENERAL), store, 'earlier');
    expect(await store.queue.enqueue(GENERAL, workerNotification('refused-one'))).toBe('queued');
    expect(await fillRedis(store)).toMatch(/^OOM/);
    await runUntil(w, () => store.queue.depth(GENERAL));
    expect(posts.filter((p) => p.includes('refused-one'))).toHaveLength(1);
    expect((await store.deadLetters.list(10)).map((d) => d.id)).toEqual([expect.stringMatching(/^refused-one/)]);
  });

  // What Discord answers while Redis is full must still be kept: a 5xx streak opens the breaker, a 404 marks the
  // webhook broken (its alerts go to general), a global 429 pauses every webhook, and the unit taken before that
  // pause was seen is given back. Refused, each answer was forgotten and the next batch went to Discord as before.
  it('the webhook state still takes a failure, a broken mark, a global pause and the refund it causes', async () => {
    const store = redisStore();
    const state = new RedisWebhookState({ redis: store.connection, keyPrefix: 'alertcord' });
    const now = Date.now();
    await state.acquire(GENERAL, LIMITS, now);
    await fillRedis(store);
    await state.onFailure(GENERAL, 'server_error', 'HTTP 500', now);
    await state.markBroken('gone-webhook', 'HTTP 404', now);
    expect(await state.isBroken('gone-webhook')).toBe(true);
    await state.onThrottle('other-webhook', 'global', now + 60_000, now);
    expect(await state.acquire(GENERAL, LIMITS, now + 1)).toMatchObject({ ok: false, reason: 'global_pause' });
  });

  it('a history or statistics write it refuses fails with Redis\' own words (OOM … maxmemory), which the log then shows, not EXECABORT', async () => {
    const store = redisStore();
    await fillRedis(store);
    const entry = historyEntry('h1', { receivedAt: Date.now() });
    await expect(store.history.record(entry)).rejects.toThrow(/^OOM command not allowed .*maxmemory/);
    await expect(store.stats.record(entry)).rejects.toThrow(/^OOM command not allowed .*maxmemory/);
  });

  it('a running alertcord: ingest answers 503 with Retry-After, /readyz and /api/status say OOM, one log line for the streak; memory back, the retry is queued', { timeout: 60_000 }, async () => {
    const lines: { msg: string; err?: string }[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line) as { msg: string; err?: string }) });
    // Discord takes one message a minute: the queue grows until Redis is full.
    const bridge = await startBridge({ types: ['general'], env: { REDIS_URL: redis.server.url, DISCORD_RATE_LIMIT: '1' }, logger });
    try {
      const alert = (i: number) => ({ title: `Disk full ${i}`, message: 'm'.repeat(8_000), dedupe_key: `disk-${i}` });
      let refused: Response | undefined;
      let i = 0;
      for (; i < 5_000 && !refused; i++) {
        const res = await bridge.post('/webhook/generic', alert(i));
        if (res.status === 503) refused = res;
        else expect(res.status).toBe(202);
      }
      expect(refused, 'Redis never filled').toBeDefined();
      expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(0);
      await pinFull();
      expect((await bridge.post('/webhook/generic', alert(i + 1))).status).toBe(503); // a second refusal: no second log line
      const ready = await fetch(`${bridge.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(JSON.stringify(await ready.json())).toMatch(/redis refuses writes: OOM command not allowed .*maxmemory/);
      const status = await statusReport({ config: bridge.runtime.config, store: bridge.runtime.store, state: bridge.runtime.state, startedAt: Date.now(), now: Date.now });
      expect(status.store).toMatchObject({ ok: false, message: expect.stringMatching(/OOM .*maxmemory/) });
      const down = lines.filter((l) => l.msg.startsWith('store unavailable'));
      expect(down).toHaveLength(1);
      expect(down[0]!.err).toMatch(/OOM command not allowed .*maxmemory/);
      // The operator raises maxmemory: the sender's retry of the refused alert is queued (no claim was left).
      await redis.admin.config('SET', 'maxmemory', '0');
      expect((await bridge.post('/webhook/generic', alert(i - 1))).status).toBe(202);
    } finally {
      await bridge.close();
    }
  });
});
