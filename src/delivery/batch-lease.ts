import type { Logger } from 'pino';
import type { NotificationQueue, QueuedItem } from '../store/types.js';

/**
 * The lease on one batch's queue entries. Redis hands entries held past the visibility timeout to another
 * reader, so while the batch runs (a long wait on Discord: breaker open, a long 429) the lease is renewed
 * every third of it, and what a renewal says another consumer holds now (this process stalled past the
 * timeout, or could not renew) is that consumer's to deliver: the batch drops it before sending or settling.
 */
export class BatchLease {
  readonly #lost = new Set<string>();

  constructor(
    private readonly queue: NotificationQueue,
    private readonly queueKey: string,
    private readonly logger: Logger,
  ) {}

  /** Runs `run` while renewing; reads `items` at each renewal, so entries gathered into the batch are kept too. */
  async hold(items: QueuedItem[], run: () => Promise<void>): Promise<void> {
    const { queue } = this;
    if (!queue.touch || !queue.leaseMs) return run();
    let touching = false;
    const timer = setInterval(() => {
      if (touching) return;
      touching = true;
      const asked = items.map((i) => i.entryId);
      queue.touch!(this.queueKey, asked)
        .then((held) => {
          const still = new Set(held);
          for (const id of asked) if (!still.has(id)) this.#lost.add(id);
        })
        .catch((err: unknown) => this.logger.warn({ queue: this.queueKey, err: String(err) }, 'lease renewal failed'))
        .finally(() => (touching = false));
    }, Math.max(100, queue.leaseMs / 3));
    try {
      await run();
    } finally {
      clearInterval(timer);
    }
  }

  /**
   * Drops from `byId` the notifications another consumer took over: it delivers, acks or dead-letters them,
   * so they are neither sent, settled nor released here. True when it dropped any.
   */
  dropTaken(byId: Map<string, QueuedItem>): boolean {
    let dropped = 0;
    for (const [id, item] of byId) {
      if (!this.#lost.has(item.entryId)) continue;
      byId.delete(id);
      dropped++;
    }
    this.#warn(dropped);
    return dropped > 0;
  }

  /** {@link dropTaken} on a batch's item list, in place (the renewal reads the same array). */
  dropTakenItems(items: QueuedItem[]): void {
    const before = items.length;
    for (let i = items.length - 1; i >= 0; i--) if (this.#lost.has(items[i]!.entryId)) items.splice(i, 1);
    this.#warn(before - items.length);
  }

  #warn(count: number): void {
    if (count === 0) return;
    this.logger.warn({ queue: this.queueKey, count }, 'lease lost: another consumer holds these notifications now and delivers them (this process stalled past the visibility timeout)');
  }
}
