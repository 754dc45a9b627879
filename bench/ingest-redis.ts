import { Redis } from 'ioredis';
import { int } from './format.js';
import { measureIngest } from './ingest.js';
import { benchRedis, queueStream, REDIS_NOTE, redisVersion } from './redis-support.js';
import { WEBHOOK } from './storm.js';
import type { ScenarioOutput } from './types.js';

/** Issue 7's target: Redis costs a round trip per request, so less than the memory store's 0.6. */
export const INGEST_REDIS_TARGET_RATIO = 0.3;

/**
 * Scenario 2b: the ingest comparison of `ingest.ts` with the Redis store (REDIS_URL): every 202 means the
 * notification is in a Redis Stream. Same bodies, rounds and bare Hono baseline. Skipped without redis-server.
 */
export async function runIngestRedis(): Promise<ScenarioOutput[] | { skip: string }> {
  const redis = await benchRedis();
  if ('skip' in redis) return redis;
  try {
    const version = await redisVersion(redis.url);
    const outputs = await measureIngest({ table: 'ingest-redis', system: 'Redis store', env: { REDIS_URL: redis.url }, targetRatio: INGEST_REDIS_TARGET_RATIO });
    const client = new Redis(redis.url);
    try {
      const queued = await client.xlen(queueStream(WEBHOOK.id));
      const memory = /used_memory:(\d+)/.exec(await client.info('memory'))?.[1];
      const note = `Redis ${version}: ${REDIS_NOTE}; one connection per alertcord for commands (plus one per queue for blocking reads); ${int(queued)} notifications in the webhook's stream at the end, Redis used_memory ${Math.round(Number(memory ?? 0) / 1024 ** 2)} MB.`;
      return outputs.map((o) => ({ ...o, notes: [...o.notes, note] }));
    } finally {
      client.disconnect();
    }
  } finally {
    await redis.destroy();
  }
}
