import type { Logger } from 'pino';
import type { QueuedItem, Store } from '../store/types.js';
import { PING_MARK_TTL_MS, silencedPartialResolves } from './repeat-pings.js';

/**
 * Which partial resolves of the batch in hand ping nobody, because a message already pinged about their
 * firing alerts (repeat-pings.ts), and the marks a message that really pinged leaves for later batches.
 * One per webhook worker; judged anew for each batch.
 */
export class BatchSilence {
  #silenced: ReadonlySet<string> = new Set();

  constructor(private readonly queueKey: string, private readonly deps: { store: Pick<Store, 'pingMarks'>; logger: Logger }) {}

  /** The silenced partial resolves of the current batch, by notification id. */
  get ids(): ReadonlySet<string> {
    return this.#silenced;
  }

  /** Judges a new batch: which of `items` are partial resolves whose firing alerts were pinged about. */
  async judge(items: readonly QueuedItem[]): Promise<void> {
    this.#silenced = await this.#among(items);
  }

  /**
   * Silences the partial resolves still in `byId` that the marks now cover: set by a message of this batch
   * that really pinged (a dry run, a dead letter or a failed send marks nothing, so theirs still ping). True
   * when that silenced any (what is left must then be planned anew).
   */
  async afterPing(byId: ReadonlyMap<string, QueuedItem>): Promise<boolean> {
    const silenced = await this.#among([...byId.values()].filter((i) => !this.#silenced.has(i.notification.id)));
    if (silenced.size === 0) return false;
    this.#silenced = new Set([...this.#silenced, ...silenced]);
    return true;
  }

  /** Remembers the alerts a message pinged about; a failure costs a ping more later, nothing else. */
  async mark(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.deps.store.pingMarks.mark(this.queueKey, keys, PING_MARK_TTL_MS).catch((err: unknown) => this.deps.logger.debug({ queue: this.queueKey, err }, 'ping marks not written'));
  }

  #among(items: readonly QueuedItem[]): Promise<Set<string>> {
    return silencedPartialResolves(items, this.deps.store.pingMarks, this.queueKey, (err) => this.deps.logger.debug({ queue: this.queueKey, err }, 'ping marks unreadable; partial resolves ping'));
  }
}
