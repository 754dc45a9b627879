import { afterAll, beforeAll, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startBridge, type Bridge } from '../helpers/bridge.js';
import { duplicatesOf, markerCounts, missingFrom } from '../helpers/delivered.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';

/** The promise of issue 6: with Redis gone, ingest answers 503 within 2 s. */
const ANSWER_BOUND_MS = 2_000;
const CONCURRENCY = 8;
const marker = (i: number): string => `OUTAGE${i}X`;

let redis: RedisServer;
let bridge: Bridge;

beforeAll(async () => {
  // `always`: Redis is SIGKILLed mid-burst and every 202 must survive it (see the option).
  redis = await startRedis({ appendfsync: 'always' });
  bridge = await startBridge({
    types: ['general'],
    env: { REDIS_URL: redis.url, DISCORD_RATE_LIMIT: '6000' },
    // A short lease: entries a worker held when Redis died are taken back in seconds, not a minute.
    yaml: 'store:\n  redis:\n    visibility_timeout: 4s\n',
    fake: { rateLimits: { webhook: false, channel: false, global: false } },
  });
});

afterAll(async () => {
  await bridge?.close();
  await redis?.destroy();
});

interface Answer {
  marker: string;
  status: number;
  ms: number;
}

/** Posts one generic alert per marker index, CONCURRENCY at a time, until `until()` says stop. */
async function burst(from: number, until: (answers: Answer[]) => boolean): Promise<Answer[]> {
  const answers: Answer[] = [];
  let next = from;
  const lane = async (): Promise<void> => {
    while (!until(answers)) {
      const m = marker(next++);
      const started = performance.now();
      const res = await bridge.post('/webhook/generic', { title: `Queue lag ${m}`, message: 'outage test' });
      await res.arrayBuffer();
      answers.push({ marker: m, status: res.status, ms: performance.now() - started });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return answers;
}

async function readyz(): Promise<{ status: number; store?: { ok: boolean; message?: string } }> {
  const res = await fetch(`${bridge.url}/readyz`);
  const body = (await res.json()) as { checks?: { store?: { ok: boolean; message?: string } } };
  return { status: res.status, store: body.checks?.store };
}

it('Redis killed mid-burst: 503s within 2 s and never a false 202; Redis back: ingest and delivery resume, nothing lost', { timeout: 60_000 }, async () => {
  expect(bridge.runtime.store.kind).toBe('redis');
  expect((await readyz()).status).toBe(200);

  // A burst; Redis dies (SIGKILL) after the first 100 answers, and the burst goes on for 3 s of outage.
  let killedAt = 0;
  const during = burst(0, (answers) => {
    if (answers.length >= 100 && killedAt === 0) {
      killedAt = performance.now();
      void redis.kill();
    }
    return killedAt > 0 && performance.now() - killedAt > 3_000;
  });
  const answers = await during;
  expect(answers.every((a) => a.status === 202 || a.status === 503)).toBe(true);
  const refused = answers.filter((a) => a.status === 503);
  expect(refused.length).toBeGreaterThan(0);
  const slowest503 = Math.max(...refused.map((a) => a.ms));
  expect(slowest503).toBeLessThan(ANSWER_BOUND_MS);

  const down = await readyz();
  expect(down.status).toBe(503);
  expect(down.store).toEqual({ ok: false, message: 'redis unreachable' });

  // Redis back on the same port and directory: the AOF brings back every acknowledged entry.
  const restartedAt = performance.now();
  await redis.restart();
  await expect.poll(async () => (await readyz()).status, { timeout: 10_000, interval: 100 }).toBe(200);
  const after = await burst(100_000, (a) => a.length >= 50);
  const recoveredMs = performance.now() - restartedAt;
  expect(after.every((a) => a.status === 202)).toBe(true);

  const acknowledged = [...answers, ...after].filter((a) => a.status === 202).map((a) => a.marker);
  await expect
    .poll(() => missingFrom(markerCounts(bridge.fake.messages, /OUTAGE\d+X/), acknowledged), { timeout: 30_000, interval: 200 })
    .toEqual([]);
  const counts = markerCounts(bridge.fake.messages, /OUTAGE\d+X/);
  console.info(
    `redis outage: ${acknowledged.length} acknowledged (all delivered), ${refused.length} refused with 503 (slowest ${Math.round(slowest503)} ms), ` +
      `ingest back ${Math.round(recoveredMs)} ms after restart, ${duplicatesOf(counts)} duplicates, ${counts.size - acknowledged.length} refused-but-stored delivered too`,
  );
});

it('Redis up but refusing writes (NOREPLICAS, as a demoted or out-of-memory server would): /readyz 503 naming the error, ingest 503; writes back: ready again', { timeout: 30_000 }, async () => {
  await expect.poll(async () => (await readyz()).status, { timeout: 10_000, interval: 100 }).toBe(200);
  const admin = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await admin.connect();
  try {
    // Readiness writes a small key with a TTL (README "Key layout"): no trace left for good.
    const probeTtl = await admin.pttl('alertcord:ready-probe');
    expect(probeTtl).toBeGreaterThan(0);
    expect(probeTtl).toBeLessThanOrEqual(60_000);
    // PING still answers PONG: only a write shows the problem.
    await admin.config('SET', 'min-replicas-to-write', '1');
    expect(await admin.ping()).toBe('PONG');
    const refusing = await readyz();
    expect(refusing.status).toBe(503);
    expect(refusing.store).toMatchObject({ ok: false, message: expect.stringMatching(/^redis refuses writes: NOREPLICAS/) });
    const res = await bridge.post('/webhook/generic', { title: 'while redis refuses writes' });
    expect(res.status).toBe(503);
  } finally {
    await admin.config('SET', 'min-replicas-to-write', '0');
    admin.disconnect();
  }
  await expect.poll(async () => (await readyz()).status, { timeout: 10_000, interval: 100 }).toBe(200);
});
