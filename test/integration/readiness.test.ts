import { afterEach, describe, expect, it } from 'vitest';
import { startBridge, type Bridge } from '../helpers/bridge.js';

let bridge: Bridge | undefined;
afterEach(async () => {
  bridge?.fake.setPaused(false);
  await bridge?.close();
  bridge = undefined;
});

describe('/readyz while draining', () => {
  it('is 503 and says why: the shutdown, not a failed check', async () => {
    bridge = await startBridge({ types: ['general'] });
    bridge.fake.setPaused(true); // keeps the drain going
    await bridge.post('/webhook/generic', { title: 'in the queue at shutdown' });
    const stopping = bridge.runtime.stop(3_000);
    const res = await fetch(`${bridge.url}/readyz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { checks: Record<string, { ok: boolean; message?: string }> };
    expect(body.checks.shutdown).toMatchObject({ ok: false, message: expect.stringContaining('shutting down') });
    expect(body.checks.store?.ok).toBe(true);
    bridge.fake.setPaused(false);
    await stopping;
  });
});
