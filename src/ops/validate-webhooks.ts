import { lookupWebhook } from '../delivery/lookup-webhook.js';
import type { Runtime } from '../runtime.js';

export interface WebhookValidation {
  webhookId: string;
  alertTypes: string[];
  valid: boolean;
  /** Discord's name of the webhook and its channel, when valid. */
  name?: string;
  channelId?: string;
  error?: string;
}

/**
 * Checks each configured webhook with Discord's GET-webhook call (no auth, posts nothing). A valid answer
 * clears a broken mark (the webhook was fixed); 401/403/404 marks it broken. Asks Discord even in dry-run:
 * the dry-run sender would call every webhook valid (and clear broken marks) without asking anyone.
 */
export async function validateWebhooks(runtime: Pick<Runtime, 'config' | 'discordSender' | 'state' | 'delivery'>): Promise<WebhookValidation[]> {
  const config = runtime.config();
  const byId = new Map<string, { types: string[]; webhook: NonNullable<ReturnType<typeof config.alertTypes.get>>['webhook'] }>();
  for (const t of config.alertTypes.values()) {
    if (!t.webhook) continue; // types falling back to general are listed under its webhook: they post there too
    const entry = byId.get(t.webhook.id) ?? { types: [], webhook: t.webhook };
    entry.types.push(t.name);
    byId.set(t.webhook.id, entry);
  }
  const results: WebhookValidation[] = [];
  for (const [id, { types, webhook }] of byId) {
    if (!webhook) continue;
    const found = await lookupWebhook(runtime.discordSender(), webhook);
    if (found.ok) {
      await runtime.state.clearBroken(id);
      runtime.delivery.rerouter.forget(id);
      results.push({ webhookId: id, alertTypes: types, valid: true, name: found.name, channelId: found.channelId });
    } else {
      if (found.broken) await runtime.state.markBroken(id, found.detail, Date.now());
      results.push({ webhookId: id, alertTypes: types, valid: false, error: found.detail });
    }
  }
  return results;
}
