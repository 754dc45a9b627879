import type { ChainableCommander } from 'ioredis';

/**
 * Runs a MULTI or pipeline and returns the plain results; throws the first command error (ioredis reports
 * them per command) and an aborted transaction, so callers never mistake a partial write for success.
 */
export async function execAll(commands: ChainableCommander): Promise<unknown[]> {
  const results = await commands.exec();
  if (!results) throw new Error('redis transaction aborted');
  const failed = results.find(([err]) => err);
  if (failed?.[0]) throw failed[0];
  return results.map(([, value]) => value);
}
