import type { Redis } from 'ioredis';
import { duplicateForBlocking, whenReady, withTimeout } from './connection.js';

/**
 * One dedicated connection for the blocking reads of one queue (XREADGROUP … BLOCK). A connection answers
 * commands in order, so a read blocked on it would delay everything behind it: enqueues therefore use the
 * main connection, and each queue has its own reader so one webhook's idle wait never delays another's.
 * Reads on one reader run one at a time; an abort unblocks the read in flight with CLIENT UNBLOCK (sent on
 * the main connection), which makes Redis answer "nothing" at once, or the entries it already handed over,
 * so none are stranded in this consumer's pending list.
 */
export class BlockingReader {
  readonly #conn: Redis;
  #clientId: number | undefined;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly main: Redis,
    private readonly commandTimeoutMs: number,
  ) {
    this.#conn = duplicateForBlocking(main, commandTimeoutMs);
    // A new connection has a new client id: ask again after any reconnect.
    this.#conn.on('close', () => {
      this.#clientId = undefined;
    });
  }

  /** XREADGROUP with `args` (which carry `BLOCK n`); resolves the raw reply, or null when aborted first. */
  read(args: (string | number)[], signal?: AbortSignal): Promise<unknown> {
    const run = this.#tail.then(() => this.#readNow(args, signal));
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Drops the connection; a read in flight rejects. */
  close(): void {
    this.#conn.disconnect();
  }

  async #readNow(args: (string | number)[], signal?: AbortSignal): Promise<unknown> {
    if (signal?.aborted) return null;
    await whenReady(this.#conn, this.commandTimeoutMs);
    const clientId = await this.#id();
    if (signal?.aborted) return null;
    const reply = this.#conn.call('xreadgroup', ...args);
    const onAbort = (): void => {
      // If the read has not reached Redis yet the unblock finds nothing; the read then ends at its BLOCK time.
      this.main.call('client', 'unblock', clientId).catch(() => undefined);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await reply;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async #id(): Promise<number> {
    this.#clientId ??= Number(await withTimeout(this.#conn.call('client', 'id'), this.commandTimeoutMs, 'CLIENT ID'));
    return this.#clientId;
  }
}
