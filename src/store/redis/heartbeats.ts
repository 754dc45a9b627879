import type { Redis } from 'ioredis';
import type { Heartbeats } from '../types.js';
import { whenReady } from './connection.js';

/**
 * Heartbeat times shared by every replica: one sorted set (heartbeat name → epoch ms). `ZADD GT` keeps the
 * latest time whichever replica writes last, in one command (Redis ≥ 6.2). The set holds one member per
 * configured heartbeat name, so it needs no expiry; a time that survives a restart is what the watchdog
 * should count from.
 */
export class RedisHeartbeats implements Heartbeats {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly commandTimeoutMs: number,
  ) {}

  async record(name: string, at: number): Promise<void> {
    await whenReady(this.redis, this.commandTimeoutMs);
    await this.redis.zadd(this.key, 'GT', at, name);
  }

  async lastSeen(name: string): Promise<number | undefined> {
    await whenReady(this.redis, this.commandTimeoutMs);
    const score = await this.redis.zscore(this.key, name);
    return score === null ? undefined : Number(score);
  }
}
