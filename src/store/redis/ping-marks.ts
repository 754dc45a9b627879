import type { Redis } from 'ioredis';
import type { PingMarks } from '../types.js';
import { whenReady } from './connection.js';
import type { RedisKeys } from './keys.js';

/** Ping marks shared by every replica: one key per mark with its life (PX), in its queue's hash slot. */
export class RedisPingMarks implements PingMarks {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Pick<RedisKeys, 'pinged'>,
    private readonly commandTimeoutMs: number,
  ) {}

  async unmarked(queueKey: string, keys: readonly string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    await whenReady(this.redis, this.commandTimeoutMs);
    const found = await this.redis.mget(keys.map((key) => this.keys.pinged(queueKey, key)));
    return keys.filter((_, i) => found[i] === null);
  }

  async mark(queueKey: string, keys: readonly string[], ttlMs: number): Promise<void> {
    if (keys.length === 0) return;
    await whenReady(this.redis, this.commandTimeoutMs);
    const batch = this.redis.pipeline();
    for (const key of keys) batch.set(this.keys.pinged(queueKey, key), '1', 'PX', Math.max(1, Math.round(ttlMs)));
    const results = (await batch.exec()) ?? [];
    const failed = results.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
  }
}
