/**
 * Discord's global limit (50 requests per second per IP, discord.md "Rate limits") counts requests as they
 * ARRIVE. Against the strict fake, which counts so too (scaled down to 10 per second, alertcord's gate with
 * it), a burst over every webhook must earn no global 429: each one pauses every webhook and counts toward
 * the 10,000-per-10-minutes Cloudflare ban.
 */
import { afterEach, expect, it } from 'vitest';
import { MemoryWebhookState } from '../../src/store/memory/webhook-state.js';
import { HOOK_IDS, startBridge, type Bridge } from '../helpers/bridge.js';

const PER_SECOND = 10;

let bridge: Bridge | undefined;
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
});

it('a burst over six webhooks stays within the global limit where Discord counts it', { timeout: 60_000 }, async () => {
  bridge = await startBridge({
    fake: { rateLimits: { global: { limit: PER_SECOND, windowMs: 1_000 } } },
    state: new MemoryWebhookState({ globalPerSecond: PER_SECOND }),
  });
  const types = Object.keys(HOOK_IDS);
  const posts: Promise<Response>[] = [];
  for (let k = 0; k < 8; k++) {
    for (const type of types) posts.push(bridge.post('/webhook/generic', { type, title: `alert ${type} ${k}`, severity: 'warning' }));
  }
  expect((await Promise.all(posts)).every((r) => r.status === 202)).toBe(true);
  const queued = async () => (await Promise.all(types.map((t) => bridge!.runtime.store.queue.depth(HOOK_IDS[t]!)))).reduce((a, b) => a + b, 0);
  await expect.poll(queued, { timeout: 45_000, interval: 100 }).toBe(0);
  const global429 = bridge.fake.requests.filter((r) => r.status === 429);
  expect(global429.map((r) => `${r.webhookId}: ${String(r.responseHeaders['x-ratelimit-scope'])}`)).toEqual([]);
  for (const t of types) expect(bridge.fake.messagesFor(HOOK_IDS[t]!).length).toBeGreaterThan(0);
});
