import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../src/config/load.js';
import { createWebhookState } from '../../../src/store/create-store.js';
import { createMemoryStore } from '../../../src/store/memory/index.js';

const LIMITS = { algorithm: 'token_bucket' as const, perMinute: 1_000, burst: 1_000 };

describe('createWebhookState: the breaker from config', () => {
  // A half-open probe holds its slot while its request may still be out: with a request timeout longer
  // than the cooldown, a probe hanging past the cooldown let a second probe through (Redis: another replica).
  it('holds a half-open probe at least as long as a request may take (discord.timeout beyond the cooldown)', async () => {
    const { config } = loadConfigOrThrow({
      env: { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/t', DISCORD_TIMEOUT_SECONDS: '30' },
      yaml: 'discord:\n  circuit_breaker:\n    cooldown: 5s\n',
    });
    const state = createWebhookState(config, createMemoryStore({ queueSize: 10, historyMaxEntries: 10, historyRetentionMs: 60_000 }));
    const t0 = 1_800_000_000_000;
    for (let i = 0; i < config.discord.breaker.failureThreshold; i++) await state.onFailure('1', 'server_error', 'HTTP 500', t0);
    const probeAt = t0 + 5_000;
    expect(await state.acquire('1', LIMITS, probeAt)).toEqual({ ok: true });
    // Past the cooldown again, the probe's request (30 s timeout) may still be out: no second probe.
    expect(await state.acquire('1', LIMITS, probeAt + 6_000)).toMatchObject({ ok: false, reason: 'breaker_open' });
    // A probe with no outcome after its request timed out for sure no longer holds the slot.
    expect(await state.acquire('1', LIMITS, probeAt + 31_000 + 5_000)).toEqual({ ok: true });
  });
});
