/**
 * Work cut into synchronous steps: a generator that yields between them and returns the result. The same
 * code runs at once ({@link runSteps}: tests, probes) or with the event loop let in between
 * ({@link runStepsAsync}: a worker, so that one long computation does not hold up receiving and sending).
 */
export type Steps<T> = Generator<void, T, undefined>;

/** Runs every step at once. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * Lets the event loop go round once: pending I/O (requests received, responses read) and due timers run
 * before the caller goes on. (A microtask would not: it runs before any of them.)
 */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs the steps, awaiting `pause` after each; what a step throws rejects the promise. */
export async function runStepsAsync<T>(steps: Steps<T>, pause: () => Promise<void> = nextTurn): Promise<T> {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await pause();
  }
}
