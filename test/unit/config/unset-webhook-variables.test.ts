import { describe, expect, it } from 'vitest';
import { unsetWebhookVariables } from '../../../src/config/unset-webhook-variables.js';

const raw = { alert_types: { database: { webhook: '${DISCORD_WEBHOOK_DATABASE}' } } };
const readAs = (webhook: string) => ({ alert_types: { database: { webhook } } });

describe('unsetWebhookVariables', () => {
  // Compose passes `DISCORD_WEBHOOK_DATABASE=` from an .env line left without a value: set, but empty, and the
  // type posts through general's channel as surely as when it is missing.
  it('names a variable that is set but empty', () => {
    expect(unsetWebhookVariables(raw, readAs(''), { DISCORD_WEBHOOK_DATABASE: '' })).toEqual([expect.stringContaining('${DISCORD_WEBHOOK_DATABASE}')]);
  });

  // The environment's own override (or any way the webhook ends up read) gives the type its webhook: nothing to say.
  it('says nothing when the webhook was read as a URL after all', () => {
    expect(unsetWebhookVariables(raw, readAs('https://discord.com/api/webhooks/1/x'), {})).toEqual([]);
  });
});
