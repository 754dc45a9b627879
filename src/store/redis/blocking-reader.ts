import type { Redis } from 'ioredis';
import { duplicateForBlocking, whenReady, withTimeout } from './connection.js';

/**
 * One dedicated connection for the blocking reads of one queue (XREADGROUP … BLOCK). A connection answers
 * commands in order, so a read blocked on it would delay everything behind it: enqueues therefore use the
 * main connection, and each queue has its own reader so one webhook's idle wait never delays another's.
 * Reads on one reader run one at a time; an abort unblocks the read in flight with CLIENT UNBLOCK (sent on
 * the main connection), which makes Redis answer "nothing" at once, or the entries it already handed over,
 * so none are stranded in this consumer's pending list. A read whose answer has not come by its BLOCK time
 * plus the command timeout (a connection that died silently, a stalled Redis) resolves "nothing"; should
 * the answer come after all, its entries are handed to `onLate`: they are this consumer's now, and nobody
 * else would take them before the visibility timeout.
 */
export class BlockingReader {
  readonly #conn: Redis;
  #clientId: number | undefined;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly main: Redis,
    private readonly commandTimeoutMs: number,
    private readonly onLate: (raw: unknown) => void,
  ) {
    this.#conn = duplicateForBlocking(main);
    // A new connection has a new client id: ask again after any reconnect.
    this.#conn.on('close', () => {
      this.#clientId = undefined;
    });
  }

  /** XREADGROUP … BLOCK `blockMs` with `args` (GROUP … STREAMS …); resolves the raw reply, or null when aborted or given up on. */
  read(blockMs: number, args: (string | number)[], signal?: AbortSignal): Promise<unknown> {
    const run = this.#tail.then(() => this.#readNow(blockMs, args, signal));
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Drops the connection; a read in flight rejects. */
  close(): void {
    this.#conn.disconnect();
  }

  async #readNow(blockMs: number, args: (string | number)[], signal?: AbortSignal): Promise<unknown> {
    if (signal?.aborted) return null;
    await whenReady(this.#conn, this.commandTimeoutMs);
    const clientId = await this.#id();
    if (signal?.aborted) return null;
    const reply = this.#conn.call('xreadgroup', 'BLOCK', blockMs, ...args);
    const onAbort = (): void => {
      // If the read has not reached Redis yet the unblock finds nothing; the read then ends at its BLOCK time.
      this.main.call('client', 'unblock', clientId).catch(() => undefined);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    let gaveUp = false;
    const giveUp = new Promise<null>((resolve) => {
      timer = setTimeout(() => {
        gaveUp = true;
        resolve(null);
      }, blockMs + this.commandTimeoutMs);
    });
    // Not ioredis' `blockingTimeout`: it drops an answer that comes after it fired, and the entries in it
    // stayed pending under this consumer, unseen, for a whole visibility timeout.
    reply.then(
      (raw) => {
        if (gaveUp && raw !== null) this.onLate(raw);
      },
      () => undefined,
    );
    try {
      return await Promise.race([reply, giveUp]);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async #id(): Promise<number> {
    this.#clientId ??= Number(await withTimeout(this.#conn.call('client', 'id'), this.commandTimeoutMs, 'CLIENT ID'));
    return this.#clientId;
  }
}
