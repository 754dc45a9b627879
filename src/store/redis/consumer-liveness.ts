import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Telling a dead previous life of this consumer from a live namesake. The default consumer name
 * (`<hostname>-<pid>`) is not unique everywhere: two containers with host networking (or one `hostname:`
 * in compose) share the hostname, and node runs as pid 1 in each. Entries pending under the name may then
 * be a live process's batch, and releasing them at start would deliver them twice. So each process names
 * its connections (CLIENT SETNAME) `<consumer>/<token>`, the token its own: a connection with the same
 * consumer part and another token is a live namesake (Redis drops a dead process's connections when its
 * sockets close, so a crashed or stopped one does not count).
 */

/** Separates the consumer name from the process token in a connection name. */
const SEPARATOR = '/';

/** A consumer name as CLIENT SETNAME accepts it (no spaces or newlines). */
function sanitize(consumerName: string): string {
  return consumerName.replace(/[\s/]/g, '_');
}

/** The connection name of this process for `consumerName`: unique per process, the consumer name readable in it. */
export function consumerConnectionName(consumerName: string, token: string = randomUUID().slice(0, 8)): string {
  return `${sanitize(consumerName)}${SEPARATOR}${token}`;
}

/**
 * Whether a connection of another live process carries `consumerName` (CLIENT LIST). Rejects when the
 * server refuses CLIENT LIST (an ACL, a renamed command): the caller then cannot tell and must assume so.
 */
export async function namesakeAlive(redis: Redis, consumerName: string, ownConnectionName: string): Promise<boolean> {
  const prefix = `${sanitize(consumerName)}${SEPARATOR}`;
  const list = String(await redis.call('client', 'list', 'TYPE', 'normal'));
  for (const line of list.split('\n')) {
    const name = /(?:^| )name=(\S*)/.exec(line)?.[1];
    if (name !== undefined && name.startsWith(prefix) && name !== ownConnectionName) return true;
  }
  return false;
}
