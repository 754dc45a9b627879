import type { Redis } from 'ioredis';
import { whenReady } from './connection.js';
import { namesakeAlive } from './consumer-liveness.js';
import type { RedisKeys } from './keys.js';
import type { ScriptCommands } from './scripts.js';

/** The consumer group every replica reads a queue's stream through. */
export const CONSUMER_GROUP = 'alertcord';
/** Ids per script call: Lua's unpack() has a stack limit of a few thousand values. */
export const IDS_PER_CALL = 500;
/** Consumers idle this long with nothing pending are removed from a queue's group (see FORGET_IDLE_CONSUMERS). */
export const FORGET_CONSUMERS_IDLE_MS = 7 * 24 * 3_600_000;

/** What the preparation needs of the queue's options. */
export interface QueueGroupOptions {
  keys: RedisKeys;
  consumerName: string;
  commandTimeoutMs: number;
  /**
   * This process's connection name (see consumer-liveness.ts): with it, what a previous life of this consumer
   * left pending is released at once, unless another live process uses the same consumer name. Without it,
   * leftovers wait for the visibility timeout like any other consumer's.
   */
  connectionName?: string;
  /** Consumers of a queue's group idle this long with nothing pending are forgotten (default 7 days). */
  forgetConsumersIdleMs?: number;
  /** Told when idle consumers could not be forgotten (housekeeping; the read goes on). */
  onError: (err: Error) => void;
  /** Told once when another live process uses this consumer name (its replicas need unique names). */
  onWarning?: (message: string) => void;
}

/**
 * Makes a queue's stream ready for this consumer, once per queue: the stream and its group exist, what a
 * previous life of this consumer left pending is released (so a restarted replica resumes at once instead
 * of after the visibility timeout; not while another live process uses the same name: its batch would be
 * delivered twice), and consumers gone for good (replicas of past deploys) leave the group.
 */
export class QueueGroups {
  readonly #prepared = new Map<string, Promise<void>>();
  /** Warnings already given (once each). */
  readonly #warned = new Set<string>();

  /** `release` hands entries of this consumer to the next reader at once (the queue's lease with a huge idle time). */
  constructor(
    private readonly redis: Redis & ScriptCommands,
    private readonly options: QueueGroupOptions,
    private readonly release: (queueKey: string, ids: string[]) => Promise<void>,
  ) {}

  prepare(queueKey: string): Promise<void> {
    let prepared = this.#prepared.get(queueKey);
    if (!prepared) {
      prepared = this.#createGroup(queueKey)
        .then(() => this.#releaseLeftovers(queueKey))
        .then(() => this.#forgetIdleConsumers(queueKey));
      this.#prepared.set(queueKey, prepared);
      prepared.catch(() => this.#prepared.delete(queueKey));
    }
    return prepared;
  }

  /** The stream is gone or forgotten: the next `prepare` does it all again. */
  forget(queueKey: string): void {
    this.#prepared.delete(queueKey);
  }

  async #createGroup(queueKey: string): Promise<void> {
    await whenReady(this.redis, this.options.commandTimeoutMs);
    const stream = this.options.keys.stream(queueKey);
    // Asked first: a full Redis (maxmemory, noeviction) refuses XGROUP CREATE with OOM even when the group
    // exists, so a replica started while Redis was full read nothing, and the deliveries that would free
    // the memory never came.
    if (await this.#hasGroup(stream)) return;
    try {
      // At id 0, not $: entries enqueued before the group existed are read too.
      await this.redis.call('xgroup', 'CREATE', stream, CONSUMER_GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith('BUSYGROUP'))) throw err;
    }
  }

  /** False when the stream or its group is missing (XINFO answers an error for a missing stream). */
  async #hasGroup(stream: string): Promise<boolean> {
    const groups = await this.redis.call('xinfo', 'GROUPS', stream).catch(() => []);
    return Array.isArray(groups) && groups.some((g: unknown) => Array.isArray(g) && String(g[1]) === CONSUMER_GROUP);
  }

  /** Housekeeping only: a failure leaves the old consumers for the next start, and the read goes on. */
  async #forgetIdleConsumers(queueKey: string): Promise<void> {
    const idleMs = this.options.forgetConsumersIdleMs ?? FORGET_CONSUMERS_IDLE_MS;
    await this.redis.alertcordForgetIdleConsumers(this.options.keys.stream(queueKey), CONSUMER_GROUP, idleMs, this.options.consumerName).catch((err: unknown) => {
      this.options.onError(new Error(`redis: could not forget idle consumers of ${queueKey}: ${String(err)}`));
    });
  }

  async #releaseLeftovers(queueKey: string): Promise<void> {
    if (!(await this.#ownsConsumerName())) return; // a live namesake's batch, or unknown: the visibility timeout decides
    const stream = this.options.keys.stream(queueKey);
    let from = '-';
    for (;;) {
      const pending = await this.redis.call('xpending', stream, CONSUMER_GROUP, from, '+', IDS_PER_CALL, this.options.consumerName);
      const ids = Array.isArray(pending) ? pending.map((p: unknown) => (Array.isArray(p) ? String(p[0]) : '')).filter(Boolean) : [];
      if (ids.length > 0) await this.release(queueKey, ids);
      const last = ids.at(-1);
      if (ids.length < IDS_PER_CALL || last === undefined) return;
      from = `(${last}`;
    }
  }

  /**
   * True when no other live process uses this consumer name, so what is pending under it was left by a
   * previous life of this one (released at once). False when a namesake is alive (releasing would hand its
   * batch out again: delivered twice) or when the server does not say (CLIENT LIST refused).
   */
  async #ownsConsumerName(): Promise<boolean> {
    const { connectionName, consumerName } = this.options;
    if (connectionName === undefined) return false;
    let shared: boolean;
    try {
      shared = await namesakeAlive(this.redis, consumerName, connectionName);
    } catch (err) {
      this.#warnOnce(`redis: cannot tell whether consumer name "${consumerName}" is in use by another process (CLIENT LIST: ${String(err)}); entries a previous life of this process left pending are taken over after the visibility timeout`);
      return false;
    }
    if (shared) {
      this.#warnOnce(`redis: another live process uses the consumer name "${consumerName}" (same hostname and pid, e.g. containers with host networking): give each replica a unique hostname; its pending entries are left to it`);
    }
    return !shared;
  }

  #warnOnce(message: string): void {
    if (this.#warned.has(message)) return;
    this.#warned.add(message);
    this.options.onWarning?.(message);
  }
}
