import { afterEach, describe, expect, it } from 'vitest';
import { HOOK_IDS, startBridge, type Bridge } from '../helpers/bridge.js';

describe('POST /api/validate in dry-run', () => {
  let bridge: Bridge | undefined;
  afterEach(async () => {
    await bridge?.close();
    bridge = undefined;
  });

  // README: "POST /api/validate checks every webhook with Discord's GET-webhook call (posts nothing)". A GET
  // posts nothing, so DRY_RUN is no reason to skip it (the CLI's validate-webhooks asks Discord for real too).
  it('POST /api/validate asks Discord even in dry-run, and does not call a deleted webhook valid', async () => {
    bridge = await startBridge({ env: { DRY_RUN: '1' } });
    bridge.fake.setBroken(HOOK_IDS.critical!);
    const res = await fetch(`${bridge.url}/api/validate`, { method: 'POST' });
    const body = (await res.json()) as { valid: boolean; webhooks: { webhookId: string; valid: boolean }[] };
    expect(res.status).toBe(200);
    expect(body.valid).toBe(false);
    expect(body.webhooks.find((w) => w.webhookId === HOOK_IDS.critical)?.valid).toBe(false);
    expect(bridge.fake.requests.filter((r) => r.method === 'GET').length).toBeGreaterThanOrEqual(6);
    expect(bridge.fake.messages).toHaveLength(0);
  });

  it('POST /api/validate without any webhook configured is not valid (nothing could be delivered)', async () => {
    bridge = await startBridge({ types: [] });
    const res = await fetch(`${bridge.url}/api/validate`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ valid: false, webhooks: [] });
  });
});
