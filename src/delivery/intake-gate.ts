import type { Intake, IntakeResult } from './intake-types.js';

/** Seconds a sender refused by a stopping process should wait (another replica, or this one restarted). */
export const SHUTTING_DOWN_RETRY_AFTER_S = 5;

/** Intake that a stopping runtime closes before it drains the queues. */
export interface ClosableIntake extends Intake {
  /**
   * Refuses every later `accept` (503 `shutting_down`: the sender retries) and resolves once the accepts
   * already running have finished, or after `waitMs`.
   */
  close(waitMs: number): Promise<void>;
}

const SHUTTING_DOWN: IntakeResult = {
  ok: false,
  reason: 'shutting_down',
  retryAfterSeconds: SHUTTING_DOWN_RETRY_AFTER_S,
  message: 'alertcord is shutting down; retry on another replica',
};

/**
 * Wraps `inner` so a stop cannot drop what it acknowledges. A request that passed the HTTP shutdown check
 * just before SIGTERM may still be enqueueing: a drain that started meanwhile saw empty queues and stopped
 * the workers, and that request's 202 named a notification nobody would send (memory: lost at exit).
 * The stop therefore waits for such accepts before it drains, and refuses any that start later.
 */
export function closableIntake(inner: Intake): ClosableIntake {
  let closed = false;
  // A count, not a set of the running promises: this wraps every ingest request (bench "ingest").
  let running = 0;
  // Every close waiting for the running accepts is told when they are done (a runtime stopped twice at once).
  const waiting: (() => void)[] = [];
  const finished = () => {
    if (--running === 0) for (const resolve of waiting.splice(0)) resolve();
  };
  return {
    accept(groups, origin) {
      if (closed) return Promise.resolve(SHUTTING_DOWN);
      running++;
      const run = inner.accept(groups, origin);
      run.then(finished, finished);
      return run;
    },
    async close(waitMs) {
      closed = true;
      if (running === 0) return;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, waitMs))));
      await Promise.race([new Promise<void>((resolve) => waiting.push(resolve)), late]);
      clearTimeout(timer);
    },
  };
}
