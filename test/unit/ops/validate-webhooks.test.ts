import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../src/config/load.js';
import type { DiscordSender, RawResponse } from '../../../src/delivery/discord-sender.js';
import { validateWebhooks } from '../../../src/ops/validate-webhooks.js';
import { MemoryWebhookState } from '../../../src/store/memory/webhook-state.js';

const TYPES = { GENERAL: 1, ERRORS: 2, CRITICAL: 3, TRACKLIST: 4, MONITORING: 5, SECURITY: 6 };
const config = loadConfigOrThrow({
  env: Object.fromEntries(Object.entries(TYPES).map(([name, id]) => [`DISCORD_WEBHOOK_${name}`, `https://discord.com/api/webhooks/${id}/token-${id}`])),
}).config;

describe('validateWebhooks', () => {
  // With a Discord that hangs, each check waits out discord.timeout (10 s): one after another, six webhooks
  // took a minute, and the dashboard (and a deploy script's curl) had given up long before.
  it('asks Discord about every webhook at once, and answers in the configured order', async () => {
    const pending: { id: string; answer: (r: RawResponse) => void }[] = [];
    const sender: DiscordSender = {
      post: async () => ({ status: 500, headers: {}, elapsedMs: 1 }),
      get: (webhook) => new Promise((answer) => pending.push({ id: webhook.id, answer })),
    };
    const validating = validateWebhooks({ config: () => config, discordSender: () => sender, state: new MemoryWebhookState() });
    await expect.poll(() => pending.length).toBe(6); // all six asked before any answered
    for (const { id, answer } of pending.reverse()) answer(id === '3' ? { status: 404, headers: {}, body: { code: 10015, message: 'Unknown Webhook' }, elapsedMs: 1 } : { status: 200, headers: {}, body: { name: `hook ${id}`, channel_id: `c${id}` }, elapsedMs: 1 });
    const results = await validating;
    expect(results.map((r) => [r.webhookId, r.valid])).toEqual([['1', true], ['2', true], ['3', false], ['4', true], ['5', true], ['6', true]]);
  });
});
