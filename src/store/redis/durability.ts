import type { Redis } from 'ioredis';
import { StoreUnavailableError } from './connection.js';

/** `none`: the server's own persistence policy; `fsync`: an enqueue is confirmed only once on disk. */
export type Durability = 'none' | 'fsync';

/**
 * How `durability: fsync` is met on the connected server:
 * - `waitaof`: WAITAOF 1 0 after each enqueue (Redis ≥ 7.2, AOF on): the 2xx waits for the local fsync;
 * - `appendfsync-always`: the server fsyncs every write before it answers; nothing to add;
 * - `unmet`: neither (Redis 7.0 with `appendfsync everysec`, or AOF off): warned about, enqueues go on
 *   with the server's policy (a host crash may lose about the last second).
 */
export type DurabilitySupport = { mode: 'waitaof' | 'appendfsync-always' } | { mode: 'unmet'; reason: string };

export interface AofDurabilityOptions {
  commandTimeoutMs: number;
  /** Told once per distinct reason when `fsync` cannot be honoured. */
  onWarning: (message: string) => void;
}

/** Margin between WAITAOF's own timeout and the client's command timeout, so the server answers first. */
const WAITAOF_MARGIN_MS = 200;

/**
 * The opt-in `durability: fsync`. What the server supports is detected at every (re)connect, since the
 * server behind a URL may be upgraded or failed over: `COMMAND INFO WAITAOF` (a feature test, so Valkey
 * and other forks answer for themselves), `INFO persistence` (AOF on?) and `CONFIG GET appendfsync` (may
 * be disabled on managed services; then unknown).
 */
export class AofDurability {
  #support: Promise<DurabilitySupport> | undefined;
  #warned = '';

  constructor(
    private readonly redis: Redis,
    private readonly options: AofDurabilityOptions,
  ) {
    redis.on('ready', () => {
      this.#support = undefined;
      this.support().catch(() => undefined);
    });
  }

  /**
   * After an enqueue (or a duplicate of one) was answered by Redis: waits until the AOF holding it is
   * fsynced, when the server can tell. Rejects (→ 503, the sender retries and dedupes) when it was not in time.
   */
  async confirm(): Promise<void> {
    const support = await this.support();
    if (support.mode !== 'waitaof') return;
    const timeoutMs = Math.max(1, this.options.commandTimeoutMs - WAITAOF_MARGIN_MS);
    let reply: unknown;
    try {
      reply = await this.redis.call('waitaof', 1, 0, timeoutMs);
    } catch (err) {
      // A refusal (ERR: the AOF turned off since the connect, CONFIG SET appendonly no; NOPERM: an ACL) is
      // the same for every enqueue: rethrown, every alert got 503 until a restart, while /readyz said ready.
      // Unmet instead, warned, like a refused detection; a reconnect detects again. A passing state (BUSY,
      // LOADING …) or no answer fails this enqueue only.
      if (!(err instanceof Error && err.name === 'ReplyError' && /^(ERR|NOPERM)\b/.test(err.message))) throw err;
      this.#support = Promise.resolve(this.#warnUnmet({ mode: 'unmet', reason: `durability: fsync: this Redis refused WAITAOF (${err.message}); falling back to the server's own policy until the next reconnect.` }));
      return;
    }
    const local = Array.isArray(reply) ? Number(reply[0]) : 0;
    if (local < 1) throw new StoreUnavailableError(`WAITAOF: the append-only file was not fsynced within ${timeoutMs} ms`);
  }

  /** What the connected server supports (detected once per connection). */
  support(): Promise<DurabilitySupport> {
    this.#support ??= detect(this.redis).catch(refusedDetection).then(
      (support) => this.#warnUnmet(support),
      (err: unknown) => {
        this.#support = undefined;
        throw err;
      },
    );
    return this.#support;
  }

  /** Warns once per reason when `fsync` cannot be honoured. */
  #warnUnmet(support: DurabilitySupport): DurabilitySupport {
    if (support.mode === 'unmet' && support.reason !== this.#warned) {
      this.#warned = support.reason;
      this.options.onWarning(support.reason);
    }
    return support;
  }
}

/**
 * The server answered the detection with an error (an ACL denying INFO or COMMAND, e.g. the common
 * `-@dangerous`; a renamed command): it will answer the same every time, and rethrown it failed every
 * enqueue (503 forever). Unmet instead, warned, like a server without WAITAOF. Anything else (a timeout, the
 * connection lost) is rethrown: that enqueue fails and the next one detects again.
 */
function refusedDetection(err: unknown): DurabilitySupport {
  if (!(err instanceof Error && err.name === 'ReplyError')) throw err;
  return {
    mode: 'unmet',
    reason: `durability: fsync: cannot tell whether this Redis fsyncs acknowledged writes (it refused: ${err.message}); ` +
      "falling back to the server's own policy. Allow INFO and COMMAND INFO, or set appendfsync always on the server.",
  };
}

async function detect(redis: Redis): Promise<DurabilitySupport> {
  const version = /redis_version:(\S+)/.exec(String(await redis.info('server')))?.[1] ?? 'unknown';
  const aofOn = /aof_enabled:1/.test(String(await redis.info('persistence')));
  const fsyncPolicy = await redis.call('config', 'get', 'appendfsync').then(
    (reply) => (Array.isArray(reply) ? String(reply[1] ?? '') : ''),
    () => '',
  );
  if (aofOn && fsyncPolicy === 'always') return { mode: 'appendfsync-always' };
  const prefix = `durability: fsync cannot be honoured by this Redis ${version}`;
  if (!aofOn) return { mode: 'unmet', reason: `${prefix}: its append-only file is off (set appendonly yes); enqueues are not fsynced` };
  if (await hasWaitAof(redis)) return { mode: 'waitaof' };
  return {
    mode: 'unmet',
    reason: `${prefix}: WAITAOF needs Redis >= 7.2. Falling back to the server's appendfsync ${fsyncPolicy || '(unknown)'} policy ` +
      '(everysec: a host crash may lose about the last second of acknowledged alerts). Upgrade Redis, or set appendfsync always on the server.',
  };
}

async function hasWaitAof(redis: Redis): Promise<boolean> {
  const reply = await redis.call('command', 'info', 'waitaof');
  return Array.isArray(reply) && Array.isArray(reply[0]);
}
