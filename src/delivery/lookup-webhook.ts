import type { Webhook } from '../config/webhook-url.js';
import { classify } from './classify.js';
import type { DiscordSender } from './discord-sender.js';

/** What Discord's GET-webhook call says about a webhook, in our words. */
export type WebhookLookup =
  | { ok: true; name?: string; channelId?: string }
  | { ok: false; broken: boolean; detail: string };

/**
 * Looks a webhook up with Discord's no-auth GET (posts nothing), judged by the one classifier; Discord's
 * field names stay here, in delivery/.
 */
export async function lookupWebhook(sender: DiscordSender, webhook: Webhook): Promise<WebhookLookup> {
  const raw = await sender.get(webhook);
  const verdict = classify(raw);
  if (verdict.kind === 'success') {
    const body = (raw.body ?? {}) as { name?: string; channel_id?: string };
    return { ok: true, name: body.name, channelId: body.channel_id };
  }
  return { ok: false, broken: verdict.kind === 'broken', detail: `${verdict.kind}: ${'detail' in verdict ? verdict.detail : ''}` };
}
