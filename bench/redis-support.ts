import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { redisKeys } from '../src/store/redis/keys.js';
import { findBinary } from '../test/helpers/processes.js';
import { startRedis, type RedisServer } from '../test/helpers/redis-server.js';
import { REPO_ROOT } from './paths.js';

/** How the Redis scenarios run Redis, for the notes. */
export const REDIS_NOTE = 'redis-server on 127.0.0.1 started like the tests do (test/helpers/redis-server.ts: AOF on, appendfsync everysec, as in docker-compose.yml)';

/**
 * A redis-server like the tests' (test/helpers/redis-server.ts), or why there is none: the benchmark skips
 * a Redis scenario on a machine without the binary instead of failing the whole run.
 */
export async function benchRedis(): Promise<RedisServer | { skip: string }> {
  if (!(await findBinary('redis-server'))) return { skip: 'redis-server not found (apt-get install -y redis-server)' };
  return startRedis();
}

/** `redis-server --version`'s number, e.g. `7.0.15`, read from the server itself. */
export async function redisVersion(url: string): Promise<string> {
  const client = new Redis(url);
  try {
    const info = await client.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
  } finally {
    client.disconnect();
  }
}

/** Entries in the group's pending list per consumer (`XPENDING key alertcord`). */
export async function pendingByConsumer(client: Redis, stream: string): Promise<Map<string, number>> {
  const summary = (await client.call('xpending', stream, 'alertcord')) as [number, unknown, unknown, [string, string][] | null];
  return new Map((summary[3] ?? []).map(([name, n]) => [name, Number(n)]));
}

/** The stream of a webhook's queue under the default key prefix (the product's own key layout). */
export function queueStream(webhookId: string, prefix = 'alertcord'): string {
  return redisKeys(prefix).stream(webhookId);
}

/**
 * A config file for the children: the shipped config/alertcord.yaml plus a `store.redis` block (settings
 * with no environment variable, e.g. the visibility timeout). Returns its path and a cleanup.
 */
export function configWithRedis(settings: Record<string, string>): { file: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'alertcord-bench-'));
  const file = join(dir, 'alertcord.yaml');
  const block = Object.entries(settings).map(([k, v]) => `    ${k}: ${v}`).join('\n');
  writeFileSync(file, `${readFileSync(join(REPO_ROOT, 'config', 'alertcord.yaml'), 'utf8')}\nstore:\n  redis:\n${block}\n`);
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Requests this replica made to Discord that were answered 2xx, from its own `GET /metrics`. */
export async function discordRequests2xx(baseUrl: string): Promise<number> {
  const res = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5_000) });
  const text = await res.text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('alertcord_discord_requests_total{') && line.includes('class="2xx"')) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/**
 * The text of every entry `consumer` holds (its pending list), e.g. to find which alerts a replica held
 * when it was killed. Reads the entries' fields as the queue stores them (JSON of the notification).
 */
export async function heldEntriesText(client: Redis, stream: string, consumer: string): Promise<string[]> {
  const pending = (await client.call('xpending', stream, 'alertcord', '-', '+', 10_000, consumer)) as [string, string, number, number][];
  const texts: string[] = [];
  for (const [id] of pending) {
    const entries = await client.xrange(stream, id, id);
    for (const [, fields] of entries) texts.push(fields.join('\n'));
  }
  return texts;
}
