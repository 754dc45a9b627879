import type { Redis } from 'ioredis';
import { HEARTBEAT_CLOCK_SLACK_MS, type Heartbeats, type ToldOutage } from '../types.js';
import type { ScriptCommands } from './scripts.js';
import { whenReady } from './connection.js';

/**
 * Heartbeat times shared by every replica: one sorted set (heartbeat name → epoch ms). A script keeps the
 * latest time whichever replica writes last, in one step (scripts.ts, RECORD_HEARTBEAT). The set holds one member per
 * configured heartbeat name, so it needs no expiry; a time that survives a restart is what the watchdog
 * should count from. Told outages are a hash beside it (name → JSON), one field per heartbeat name too.
 */
export class RedisHeartbeats implements Heartbeats {
  constructor(
    private readonly redis: Redis & ScriptCommands,
    private readonly key: string,
    private readonly outagesKey: string,
    private readonly commandTimeoutMs: number,
  ) {}

  async record(name: string, at: number, now = at): Promise<void> {
    await whenReady(this.redis, this.commandTimeoutMs);
    await this.redis.alertcordRecordHeartbeat(this.key, at, name, HEARTBEAT_CLOCK_SLACK_MS, Math.max(at, now));
  }

  async lastSeen(name: string): Promise<number | undefined> {
    await whenReady(this.redis, this.commandTimeoutMs);
    const score = await this.redis.zscore(this.key, name);
    return score === null ? undefined : Number(score);
  }

  async toldOutage(name: string): Promise<ToldOutage | undefined> {
    await whenReady(this.redis, this.commandTimeoutMs);
    return parseOutage(await this.redis.hget(this.outagesKey, name));
  }

  async setToldOutage(name: string, outage: ToldOutage | undefined): Promise<void> {
    await whenReady(this.redis, this.commandTimeoutMs);
    if (outage) await this.redis.hset(this.outagesKey, name, JSON.stringify({ since: outage.since, neverHeard: outage.neverHeard }));
    else await this.redis.hdel(this.outagesKey, name);
  }
}

/** A stored outage; undefined for anything else (a field written by hand, or by a later version). */
function parseOutage(json: string | null): ToldOutage | undefined {
  if (json === null) return undefined;
  try {
    const v = JSON.parse(json) as Partial<ToldOutage>;
    return typeof v.since === 'number' && Number.isFinite(v.since) ? { since: v.since, neverHeard: v.neverHeard === true } : undefined;
  } catch {
    return undefined;
  }
}
