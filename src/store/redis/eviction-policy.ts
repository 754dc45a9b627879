import type { Redis } from 'ioredis';

/**
 * What a full Redis may remove under `policy`, and the fix; undefined for `noeviction` (Redis' default:
 * full, it refuses writes, so ingest answers 503 and senders retry: nothing is lost). Every other policy
 * removes keys without a word to anyone: under `volatile-*` those with a TTL (keys.ts, README "Key layout"),
 * under `allkeys-*` any, the queues' streams too.
 */
export function evictionWarning(policy: string): string | undefined {
  if (policy === '' || policy === 'noeviction') return undefined;
  const removes = policy.startsWith('volatile-')
    ? 'the keys that have a TTL: dedupe claims (an alert posted twice), rate-limit windows (Discord answers 429) and history'
    : 'any key: queued notifications (alerts answered 202 and never delivered, without a trace), dead letters, broken marks, dedupe claims and rate limits';
  return `redis maxmemory-policy is ${policy}: once Redis reaches maxmemory it removes ${removes}. ` +
    'Set maxmemory-policy noeviction (README, "Memory: when Redis fills up"): a full Redis then refuses new alerts (503, senders retry) and loses none.';
}

/**
 * Reads the server's `maxmemory_policy` at every (re)connect: a failover or a restart may lead to a server
 * configured otherwise. From `INFO memory`, which managed services that forbid CONFIG (ElastiCache, whose
 * default is `volatile-lru`) still answer. Warns once per policy; a server that will not say (an ACL
 * denying INFO) is left unjudged.
 */
export class EvictionPolicyCheck {
  #warning: string | undefined;
  #warned: string | undefined;

  constructor(redis: Redis, onWarning: (message: string) => void) {
    redis.on('ready', () => {
      redis.info('memory').then((info) => {
        const policy = /^maxmemory_policy:(\S+)/m.exec(String(info))?.[1] ?? '';
        this.#warning = evictionWarning(policy);
        if (this.#warning !== undefined && this.#warning !== this.#warned) onWarning(this.#warning);
        this.#warned = this.#warning;
      }, () => undefined);
    });
  }

  /** The warning for the connected server's policy, if it can evict (shown in /api/status). */
  get warning(): string | undefined {
    return this.#warning;
  }
}
