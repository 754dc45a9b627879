import type { Redis } from 'ioredis';
import { latestOfEachId, readDeadLetter } from '../dead-letter-list.js';
import { DEAD_LETTER_HOLD_MS, type DeadLetter, type DeadLetters } from '../types.js';
import { whenReady } from './connection.js';
import type { ScriptCommands } from './scripts.js';
import { parseEntries } from './stream-reply.js';

/** Dead letters kept at most (each add past it drops the oldest: one entry, see ADD_DEAD_LETTER). */
export const DEAD_LETTERS_MAX = 10_000;

/**
 * Dead letters in their own stream, shared by all replicas: each entry carries the dead letter's id (field
 * `id`) and its JSON (field `d`), each id once (DEAD_LETTER_LIST), so XLEN counts what is listed. Bounded
 * like the memory store's; the oldest fall off first.
 */
export class RedisDeadLetters implements DeadLetters {
  /**
   * `key`: the list; `hold.listed`: where each id's copy is in it; `hold.entries`/`takenAt`: where entries a
   * replay took and has not settled are kept, and when each was taken (all in the list's slot, so one script
   * moves between them).
   */
  constructor(
    private readonly redis: Redis & ScriptCommands,
    private readonly key: string,
    private readonly hold: { listed: string; entries: string; takenAt: string },
    private readonly commandTimeoutMs: number,
    private readonly now: () => number,
  ) {}

  async add(entry: DeadLetter): Promise<void> {
    await this.#ready();
    // A script, so a full Redis still takes it (see ADD_DEAD_LETTER).
    await this.redis.alertcordAddDeadLetter(this.key, this.hold.listed, DEAD_LETTERS_MAX, entry.id, JSON.stringify(entry));
  }

  /** The newest `limit` entries, newest first, each id once (holds past the hold time back among them). */
  async list(limit: number): Promise<DeadLetter[]> {
    if (limit <= 0) return [];
    await this.#ready();
    await this.#returnStaleHolds();
    const entries = parseEntries(await this.redis.call('xrevrange', this.key, '+', '-', 'COUNT', limit));
    // Entries without an id or a body are skipped here and dropped by the next take (TAKE_DEAD_LETTERS); an
    // id listed twice (a list written before each id was kept once) shows once, as the take takes it once.
    return latestOfEachId(entries.flatMap(({ fields }) => {
      const [id, body] = [fields.get('id'), fields.get('d')];
      return id !== undefined && body !== undefined ? [readDeadLetter(id, body)] : [];
    }));
  }

  /** See `DeadLetters.take`: moved to the hold in one atomic step, oldest first. */
  async take(ids?: string[]): Promise<DeadLetter[]> {
    if (ids?.length === 0) return [];
    await this.#ready();
    const args = ids ? ['ids', ...ids] : ['all'];
    const now = this.now();
    const reply = await this.redis.alertcordTakeDeadLetters(this.key, this.hold.entries, this.hold.takenAt, this.hold.listed, now, now - DEAD_LETTER_HOLD_MS, ...args);
    const flat = Array.isArray(reply) ? reply.map(String) : []; // id, body, id, body, …
    const taken: DeadLetter[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) taken.push(readDeadLetter(flat[i]!, flat[i + 1]!));
    return taken;
  }

  async settle(outcome: { queued?: string[]; kept?: string[] }): Promise<void> {
    const queued = outcome.queued ?? [];
    const kept = outcome.kept ?? [];
    if (queued.length + kept.length === 0) return;
    await this.#ready();
    await this.redis.alertcordSettleDeadLetters(this.key, this.hold.entries, this.hold.takenAt, this.hold.listed, queued.length, ...queued, ...kept);
  }

  async count(): Promise<number> {
    await this.#ready();
    await this.#returnStaleHolds();
    return this.redis.xlen(this.key);
  }

  /**
   * Holds a replay never settled (it died, or lost Redis) go back to the list once the hold time has passed,
   * on every read, not only at the next `take`: until then they are neither listed nor counted, and nobody
   * replays what the dashboard does not show.
   */
  async #returnStaleHolds(): Promise<void> {
    const now = this.now();
    await this.redis.alertcordReturnStaleDeadLetters(this.key, this.hold.entries, this.hold.takenAt, this.hold.listed, now, now - DEAD_LETTER_HOLD_MS);
  }

  #ready(): Promise<void> {
    return whenReady(this.redis, this.commandTimeoutMs);
  }
}
