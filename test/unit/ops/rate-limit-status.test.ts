import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../src/config/load.js';
import type { WebhookState } from '../../../src/delivery/webhook-state.js';
import { rateLimitStatus } from '../../../src/ops/rate-limit-status.js';
import type { Runtime } from '../../../src/runtime.js';

/** 60 teams' alert types on 6 shared webhooks (webhook ids 10..15), plus the six built-in types on general's. */
const YAML = ['alert_types:', ...Array.from({ length: 60 }, (_, i) => [`  team${i}:`, `    webhook: https://discord.com/api/webhooks/${10 + (i % 6)}/shared-${i % 6}`, `    rate_limit: { per_minute: ${10 + i} }`]).flat()].join('\n');

describe('rateLimitStatus with 66 alert types on 7 webhooks', () => {
  it('reads each webhook\'s state once, all side by side (one Redis round trip, not one per type in turn)', async () => {
    const config = loadConfigOrThrow({ env: { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/general-token' }, yaml: YAML }).config;
    const calls: { id: string; perMinute: number }[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const state = {
      async status(id: string, limits: { perMinute: number }) {
        calls.push({ id, perMinute: limits.perMinute });
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        return { rateLimit: { remaining: 3, limit: limits.perMinute, resetMs: 0 }, pausedUntil: undefined };
      },
    } as unknown as WebhookState;
    const runtime = { config: () => config, now: () => 1_000, state } as unknown as Runtime;
    const out = await rateLimitStatus(runtime);
    expect(Object.keys(out)).toHaveLength(66);
    expect(calls.map((c) => c.id).sort()).toEqual(['1', '10', '11', '12', '13', '14', '15']);
    expect(mostInFlight).toBe(7);
    // Shared webhooks: the strictest of the types on it, for each of them.
    expect(out.team0).toMatchObject({ webhookId: '10', limit: 10, remaining: 3, reset: 1_000 });
    expect(out.team59).toMatchObject({ webhookId: '15', limit: 15 });
    expect(out.critical).toMatchObject({ webhookId: '1' });
  });
});

// Discord's 429 (or Remaining: 0, a global or Cloudflare pause) holds every request to the webhook until
// `pausedUntil`, whatever our own limiter has left: the status said "29 of 30 remaining, full again in a
// second" through a 60 s pause, and a program that checks `remaining > 0` before sending sent into it.
describe('rateLimitStatus while Discord pauses a webhook', () => {
  const config = loadConfigOrThrow({ env: { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/general-token' }, yaml: '' }).config;
  const runtimeWith = (pausedUntil: number | undefined) => ({
    config: () => config,
    now: () => 1_000,
    state: { status: async () => ({ rateLimit: { remaining: 29, limit: 30, resetMs: 2_000 }, pausedUntil }) } as unknown as WebhookState,
  }) as unknown as Runtime;

  it('reports nothing remaining until the pause ends, and the reset no earlier than that', async () => {
    const out = await rateLimitStatus(runtimeWith(61_000));
    expect(out.general).toMatchObject({ remaining: 0, limit: 30, reset: 61_000, pausedUntil: 61_000 });
  });

  it("reports the limiter's own numbers when no pause is running", async () => {
    expect((await rateLimitStatus(runtimeWith(undefined))).general).toMatchObject({ remaining: 29, limit: 30, reset: 3_000 });
    // A pause already over (status reads it at `now`) holds nothing.
    expect((await rateLimitStatus(runtimeWith(1_000))).general).toMatchObject({ remaining: 29, reset: 3_000 });
  });
});
