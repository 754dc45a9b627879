import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../src/config/load.js';
import type { WebhookState } from '../../../src/delivery/webhook-state.js';
import { checkHealth } from '../../../src/ops/health.js';
import type { Runtime } from '../../../src/runtime.js';
import { MemoryWebhookState } from '../../../src/store/memory/webhook-state.js';

const T0 = 1_700_000_000_000;
const { config } = loadConfigOrThrow({ env: { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/general-token' }, yaml: '' });

/** The parts of a runtime checkHealth reads. */
function runtimeWith(state: WebhookState, storeOk: boolean, now = T0): Runtime {
  return { config: () => config, store: { kind: 'redis', ping: async () => ({ ok: storeOk }) }, state, now: () => now } as unknown as Runtime;
}

describe('checkHealth', () => {
  it("reads the breaker at the runtime's clock, the one it opened by", async () => {
    const state = new MemoryWebhookState();
    for (let i = 0; i < 5; i++) await state.onFailure('1', 'server_error', 'HTTP 502', T0);
    const report = await checkHealth(runtimeWith(state, true, T0 + 1_000));
    expect(report.webhooks.find((w) => w.alertType === 'general')).toMatchObject({ webhookId: '1', breaker: 'open' });
  });

  it('a store that is down is not asked per type: every configured type says unknown', async () => {
    let asked = 0;
    const state = { status: async () => (asked++, { breaker: { state: 'closed' } }) } as unknown as WebhookState;
    const report = await checkHealth(runtimeWith(state, false));
    expect(asked).toBe(0);
    expect(report).toMatchObject({ healthy: false, store: { kind: 'redis', ok: false } });
    expect(report.webhooks.find((w) => w.alertType === 'general')).toMatchObject({ configured: true, breaker: 'unknown' });
  });

  it('a store that fails between the ping and the status read gives unknown, not a throw', async () => {
    const state = { status: async () => { throw new Error('Connection is closed.'); } } as unknown as WebhookState;
    const report = await checkHealth(runtimeWith(state, true));
    expect(report.webhooks.find((w) => w.alertType === 'general')).toMatchObject({ configured: true, broken: false, breaker: 'unknown' });
  });
});

// The seed's environment with one variable set and DISCORD_WEBHOOK_GENERAL forgotten (or misspelt): every other
// type has no webhook at all, and its sends go to dead letters (config warns so at load). healthCheck() said
// healthy, so a program checking it at start learnt nothing until its first general or critical alert was lost.
describe('checkHealth with alert types that have no webhook at all', () => {
  it('is not healthy while a type has nowhere to deliver, and names those types', async () => {
    const { config: partial } = loadConfigOrThrow({ env: { DISCORD_WEBHOOK_ERRORS: 'https://discord.com/api/webhooks/2/errors-token' }, yaml: '' });
    const runtime = { ...runtimeWith(new MemoryWebhookState(), true), config: () => partial } as Runtime;
    const report = await checkHealth(runtime);
    expect(report.healthy).toBe(false);
    expect(report.webhooks.find((w) => w.alertType === 'critical')).toMatchObject({ configured: false, broken: false });
    expect(report.webhooks.find((w) => w.alertType === 'error')).toMatchObject({ configured: true, webhookId: '2' });
  });

  it('is healthy when every type posts through its own webhook or general', async () => {
    const report = await checkHealth(runtimeWith(new MemoryWebhookState(), true));
    expect(report.healthy).toBe(true);
  });
});
