import { describe, expect, it } from 'vitest';
import { MemoryWebhookState } from '../../../src/store/memory/webhook-state.js';
import { runWebhookStateContract } from '../../integration/webhook-state-contract.js';

runWebhookStateContract('MemoryWebhookState', async (options) => ({
  state: new MemoryWebhookState(options),
  cleanup: async () => undefined,
}));

describe('MemoryWebhookState: options', () => {
  it('rejects a bad breaker threshold or gate rate at construction (config bugs)', () => {
    expect(() => new MemoryWebhookState({ failureThreshold: 0 })).toThrow(RangeError);
    expect(() => new MemoryWebhookState({ failureThreshold: 1.5 })).toThrow(RangeError);
    expect(() => new MemoryWebhookState({ cooldownMs: -1 })).toThrow(RangeError);
  });

  it('rejects limiter settings that are not whole numbers at the first acquire', async () => {
    const state = new MemoryWebhookState();
    await expect(state.acquire('webhook-a', { algorithm: 'token_bucket', perMinute: 0.5, burst: 1 }, 0)).rejects.toThrow(RangeError);
  });
});
