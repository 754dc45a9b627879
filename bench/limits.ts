import { DEFAULT_FAKE_RATE_LIMITS } from '../test/helpers/fake-discord/index.js';

interface Limits {
  readonly webhook: { limit: number; windowMs: number };
  readonly channel: { limit: number; windowMs: number };
  readonly global: { limit: number; windowMs: number };
}

/**
 * The least time, from the first message to the last, that the fake's limits allow for `messages`
 * messages to one webhook in one channel: a perfect sender sends each as early as allowed.
 * Webhook: fixed window opened by its first request (5 / 2 s); channel and global: sliding windows
 * (30 / 60 s, 50 / 1 s), where a hit leaves the window exactly `windowMs` later.
 */
export function leastDrainMs(messages: number, limits: Limits = DEFAULT_FAKE_RATE_LIMITS): number {
  const times: number[] = [];
  let windowStart = Number.NEGATIVE_INFINITY;
  let inWindow = 0;
  for (let k = 0; k < messages; k++) {
    let t = times[k - 1] ?? 0;
    for (;;) {
      const opensNew = t >= windowStart + limits.webhook.windowMs;
      if (!opensNew && inWindow >= limits.webhook.limit) {
        t = windowStart + limits.webhook.windowMs;
        continue;
      }
      const channelFree = k < limits.channel.limit ? t : Math.max(t, times[k - limits.channel.limit]! + limits.channel.windowMs);
      const free = k < limits.global.limit ? channelFree : Math.max(channelFree, times[k - limits.global.limit]! + limits.global.windowMs);
      if (free === t) break;
      t = free;
    }
    if (t >= windowStart + limits.webhook.windowMs) {
      windowStart = t;
      inWindow = 0;
    }
    inWindow++;
    times.push(t);
  }
  return times[messages - 1] ?? 0;
}
