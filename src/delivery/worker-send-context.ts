import type { Config } from '../config/types.js';
import type { Notification } from '../model/notification.js';
import type { AttemptLog } from './attempt-log.js';
import { queueTarget } from './queue-target.js';
import type { SendContext } from './send-with-retry.js';
import type { WorkerDeps } from './worker.js';

/**
 * What a webhook worker hands the retry stage for one message: where it goes now, the sender, state and
 * clock, and who hears of each attempt (metrics, the worker's log, library sends waiting on the queue).
 *
 * `movable`: the message's notifications and the config the batch was planned (and its misplaced work moved)
 * with. A reload while the message waits (a 429's pause, the global gate, an open breaker, a backoff) that gives
 * one of their types another usable webhook ends the send as `unconfigured` when it wakes: the batch is
 * released and its next read moves them (Rerouter.moveMisplaced), instead of posting into the old channel.
 * Judged once per config (a store read per webhook), only after a reload.
 */
export function workerSendContext(queueKey: string, deps: WorkerDeps, attempts: AttemptLog, signal: AbortSignal, movable?: { config: Config; notifications: readonly Notification[] }): SendContext {
  const config = deps.config();
  let judged = movable?.config;
  let misplaced = false;
  return {
    target: async () => {
      const now = deps.config();
      const target = queueTarget(now, queueKey);
      if (target && movable && now !== judged) {
        judged = now;
        misplaced = await deps.rerouter.anyMisplaced(queueKey, movable.notifications, now);
      }
      return misplaced ? undefined : target;
    },
    retryAttempts: config.discord.retryAttempts,
    sender: deps.sender,
    state: deps.state,
    clock: deps.clock,
    random: deps.random,
    signal,
    onAttempt: (...args) => {
      deps.onAttempt?.(...args);
      attempts.attempt(...args);
      // Discord answered (a 400, or a 401/404 for a webhook deleted meanwhile, too): the queue is held by no
      // outage any more (library sends wait again, and learn their message went to dead letters).
      if (args[0] === 'success' || args[0] === 'permanent' || args[0] === 'broken') deps.recorder.answered(queueKey);
    },
    onRetry: deps.onRetry,
    onBroken: attempts.broken,
    onOutage: (detail) => {
      attempts.outage(detail);
      // A library `send()` waiting for this message, or for one queued behind it, answers instead of hanging.
      deps.recorder.held(queueKey, detail);
    },
  };
}
