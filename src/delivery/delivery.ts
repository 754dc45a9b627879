import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import type { Store } from '../store/types.js';
import type { Clock, Random } from './clock.js';
import type { DiscordSender } from './discord-sender.js';
import { OutcomeRecorder, type OutcomeObserver } from './recorder.js';
import { Rerouter } from './reroute.js';
import type { SendContext } from './send-with-retry.js';
import type { WebhookState } from './webhook-state.js';
import { WebhookWorker } from './worker.js';

export interface DeliveryDeps {
  config: () => Config;
  store: Store;
  state: WebhookState;
  /** The real sender, or the dry-run one: asked before each attempt so a reload can switch. */
  sender: () => DiscordSender;
  clock: Clock;
  random: Random;
  logger: Logger;
  observe?: OutcomeObserver;
  onAttempt?: SendContext['onAttempt'];
  onRetry?: SendContext['onRetry'];
}

/**
 * Runs one worker per webhook queue, started on the first notification for that webhook (and at start
 * for queues a previous process left in a durable store), and stops them within a deadline.
 */
export class Delivery {
  readonly recorder: OutcomeRecorder;
  readonly rerouter: Rerouter;
  readonly #workers = new Map<string, Promise<void>>();
  readonly #abort = new AbortController();

  constructor(private readonly deps: DeliveryDeps) {
    // Every worker listens on this signal while it waits (a read, a request, a backoff), a few listeners
    // per webhook queue: more than Node's default 10 is a deployment with many webhooks, not a leak, and
    // must not print "MaxListenersExceededWarning" on the server's stderr.
    setMaxListeners(0, this.#abort.signal);
    this.recorder = new OutcomeRecorder({ store: deps.store, now: deps.clock.now, observe: deps.observe, logger: deps.logger });
    this.rerouter = new Rerouter({ store: deps.store, state: deps.state, recorder: this.recorder, logger: deps.logger, now: deps.clock.now, onQueued: (k) => this.ensureWorker(k) });
  }

  /** Starts workers for every queue the store already holds (work left by a previous process). */
  async start(): Promise<void> {
    for (const key of await this.deps.store.queue.queueKeys()) this.ensureWorker(key);
  }

  ensureWorker(queueKey: string): void {
    if (this.#workers.has(queueKey) || this.#abort.signal.aborted) return;
    const worker = new WebhookWorker(queueKey, { ...this.deps, recorder: this.recorder, rerouter: this.rerouter });
    const run = worker.run(this.#abort.signal).then(
      // Retired (its queue is empty and no configured webhook uses it): the next enqueue starts another.
      // One that raced the retirement (a reload brought the webhook back) found this worker still listed:
      // look once more.
      () => {
        if (this.#abort.signal.aborted) return;
        this.#workers.delete(queueKey);
        // (Unknown depth: start one anyway; on an empty queue it retires again.)
        void this.deps.store.queue.depth(queueKey).then((depth) => depth > 0 && this.ensureWorker(queueKey), () => this.ensureWorker(queueKey));
      },
      (err: unknown) => {
        this.deps.logger.error({ queue: queueKey, err }, 'worker crashed; restarting');
        this.#workers.delete(queueKey);
        setTimeout(() => this.ensureWorker(queueKey), 1_000).unref();
      },
    );
    this.#workers.set(queueKey, run);
  }

  /** Queue keys with a running worker. */
  queueKeys(): string[] {
    return [...this.#workers.keys()];
  }

  /**
   * Drains until every queue is empty or the deadline passes, then stops the workers (in-flight requests
   * are aborted and their notifications released back to the queue). Returns what is left per queue, -1
   * where the store cannot say (Redis down: the queues there are kept, but nobody can count them now).
   */
  async stop(deadlineMs: number): Promise<Record<string, number>> {
    const until = this.deps.clock.now() + deadlineMs;
    while (this.deps.clock.now() < until && (await this.#totalDepth()) > 0) {
      await new Promise((r) => setTimeout(r, 50));
    }
    this.#abort.abort(new Error('alertcord is stopping'));
    await Promise.allSettled(this.#workers.values());
    return this.#leftOver();
  }

  /**
   * Queue depths read side by side: while Redis is down each read waits out the command timeout, and one
   * after another they pushed the stop a command timeout per webhook past its deadline.
   */
  async #totalDepth(): Promise<number> {
    const depths = await Promise.all([...this.#workers.keys()].map((key) => this.deps.store.queue.depth(key).catch(() => 0)));
    return depths.reduce((a, b) => a + b, 0);
  }

  /**
   * What is left per queue. When the store cannot even list its queues, the queues this process worked are
   * reported as unknown (-1), not as drained: an empty answer made the shutdown log "nothing left".
   */
  async #leftOver(): Promise<Record<string, number>> {
    const keys = await this.deps.store.queue.queueKeys().catch(() => undefined);
    const left: Record<string, number> = {};
    if (!keys) {
      for (const key of this.#workers.keys()) left[key] = -1;
      return left;
    }
    const depths = await Promise.all(keys.map((key) => this.deps.store.queue.depth(key).catch(() => -1)));
    keys.forEach((key, i) => {
      if (depths[i] !== 0) left[key] = depths[i]!;
    });
    return left;
  }
}
