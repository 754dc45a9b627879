import type { Logger } from 'pino';

/**
 * A stop's last word (the server's SIGTERM, the library's `close()`) on what the queues still hold. `left`
 * is per queue, -1 where the store could not say (Redis unreachable): those are not counted as drained, nor
 * summed as -1 (a sum of -1 logged "drained: nothing left" while Redis still held the work).
 */
export function leftoverSummary(left: Record<string, number>, storeKind: string): { drained: boolean; message: string } {
  const depths = Object.values(left);
  const total = depths.filter((d) => d > 0).reduce((a, b) => a + b, 0);
  const unknown = depths.filter((d) => d < 0).length;
  if (total === 0 && unknown === 0) return { drained: true, message: 'drained: nothing left in the queues' };
  if (unknown === 0) {
    return {
      drained: false,
      message: storeKind === 'memory'
        ? `${total} notifications were still queued and are LOST with the memory store (use Redis to keep them across restarts)`
        : `${total} notifications stay queued in Redis and will be delivered after restart`,
    };
  }
  const counted = total > 0 ? `; ${total} notifications counted in the others` : '';
  const fate = storeKind === 'memory' ? 'what they hold is LOST with the memory store' : 'what they hold stays queued in Redis and will be delivered after restart';
  return { drained: false, message: `${unknown} queue(s) could not be counted (the store is unreachable)${counted}: ${fate}` };
}

/** Logs {@link leftoverSummary}: info when drained, else a warning with what is left per queue. */
export function logLeftover(logger: Logger, left: Record<string, number>, storeKind: string): void {
  const summary = leftoverSummary(left, storeKind);
  if (summary.drained) logger.info(summary.message);
  else logger.warn({ left }, summary.message);
}
