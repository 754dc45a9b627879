import type { ChainableCommander } from 'ioredis';

/**
 * Runs a MULTI or pipeline and returns the plain results; throws the first command error (ioredis reports
 * them per command) and an aborted transaction, so callers never mistake a partial write for success.
 */
export async function execAll(commands: ChainableCommander): Promise<unknown[]> {
  const results = await commands.exec().catch((err: unknown) => {
    throw queuedError(err);
  });
  if (!results) throw new Error('redis transaction aborted');
  const failed = results.find(([err]) => err);
  if (failed?.[0]) throw failed[0];
  return results.map(([, value]) => value);
}

/**
 * A MULTI whose commands Redis refused as they were queued ends in "EXECABORT Transaction discarded because
 * of previous errors", which says nothing of why; ioredis keeps those errors in `previousErrors`. The first
 * is the cause the log should show ("OOM command not allowed when used memory > 'maxmemory'", READONLY …).
 */
function queuedError(err: unknown): unknown {
  const previous = (err as { previousErrors?: unknown[] } | undefined)?.previousErrors;
  return Array.isArray(previous) && previous[0] instanceof Error ? previous[0] : err;
}
