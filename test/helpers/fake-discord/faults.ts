import { defaultFaultBody } from './discord-errors.js';
import { rateLimitedReply } from './rate-limits.js';
import type { Reply } from './reply.js';
import type { Fault } from './types.js';

/** Body of Cloudflare's ban as Discord serves it: no retry_after, code 0. */
const CLOUDFLARE_BAN_MESSAGE =
  'You are being blocked from accessing our API temporarily due to exceeding our rate limits frequently. ' +
  'Please read our docs at https://discord.com/developers/docs/topics/rate-limits to prevent this moving forward.';

/** Cloudflare's ban: 429 with `Retry-After` (whole seconds) only, no X-RateLimit headers, body code 0. */
export function cloudflareBanReply(retryAfterSeconds: number): Reply {
  return {
    status: 429,
    headers: { 'retry-after': String(Math.ceil(retryAfterSeconds)) },
    body: { message: CLOUDFLARE_BAN_MESSAGE, code: 0 },
  };
}

/** Per-webhook FIFO queues of injected faults. */
export class FaultQueues {
  private readonly queues = new Map<string, Fault[]>();

  /** Appends faults for `webhookId`; each is consumed by one request. */
  push(webhookId: string, faults: readonly Fault[]): void {
    const queue = this.queues.get(webhookId) ?? [];
    queue.push(...faults);
    this.queues.set(webhookId, queue);
  }

  /** Takes the next fault for `webhookId`, if any. */
  shift(webhookId: string): Fault | undefined {
    return this.queues.get(webhookId)?.shift();
  }

  /** Faults still waiting for `webhookId`. */
  pending(webhookId: string): number {
    return this.queues.get(webhookId)?.length ?? 0;
  }

  clear(): void {
    this.queues.clear();
  }
}

/**
 * The reply of a fault that answers (status, 429, Cloudflare 429); null for reset/hang/delay, which
 * the server handles on the socket. Status faults carry the bucket headers (peeked, not consumed:
 * faults never touch rate-limit state, so tests mixing both stay predictable).
 */
export function faultReply(
  fault: Fault,
  bucketHeaders: Readonly<Record<string, string>>,
  now: number,
): Reply | null {
  if ('status' in fault) {
    const body = fault.body ?? defaultFaultBody(fault.status);
    // A text/HTML body is Cloudflare's page (502/503/504), not Discord's API: it has no X-RateLimit-* headers.
    const rateLimitHeaders = typeof body === 'string' ? {} : bucketHeaders;
    return { status: fault.status, headers: { ...rateLimitHeaders, ...fault.headers }, body };
  }
  switch (fault.kind) {
    case '429': {
      const ms = fault.retryAfter * 1000;
      if (fault.global === true) return rateLimitedReply('global', ms);
      if (bucketHeaders['x-ratelimit-limit'] === undefined) return rateLimitedReply('user', ms);
      return rateLimitedReply('user', ms, {
        ...bucketHeaders,
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': ((now + ms) / 1000).toFixed(3),
        'x-ratelimit-reset-after': fault.retryAfter.toFixed(3),
      });
    }
    case '429-cloudflare':
      return cloudflareBanReply(fault.retryAfter);
    default:
      return null;
  }
}
