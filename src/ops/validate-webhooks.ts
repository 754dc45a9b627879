import type { AlertTypeConfig, Config } from '../config/types.js';
import { lookupWebhook, type WebhookLookup } from '../delivery/lookup-webhook.js';
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
 * Webhooks asked about at once: each is its own webhook (its own rate-limit bucket), and a few requests are
 * far below Discord's global 50 per second (discord.md); no more than the dispatcher's sockets per origin (8,
 * delivery/dispatcher.ts), or the rest would wait for one inside their own timeout.
 */
const VALIDATE_CONCURRENCY = 8;

/**
 * Checks each configured webhook with Discord's GET-webhook call (no auth, posts nothing), several at once:
 * one after another, a Discord that hangs made each wait out `discord.timeout` in turn (six webhooks, a
 * minute) while the dashboard gives up after 10 s. Results in the configured order. A valid answer clears a
 * broken mark (the webhook was fixed); 401/403/404 marks it broken. Asks Discord even in dry-run: the
 * dry-run sender would call every webhook valid (and clear broken marks) without asking anyone.
 */
export async function validateWebhooks(runtime: WebhookChecker): Promise<WebhookValidation[]> {
  const webhooks = [...configuredWebhooks(runtime.config())];
  const results: WebhookValidation[] = new Array(webhooks.length);
  let next = 0;
  const checkNext = async (): Promise<void> => {
    for (let i = next++; i < webhooks.length; i = next++) {
      const [id, { types, webhook }] = webhooks[i]!;
      const found = await checkWebhook(runtime, id, webhook);
      results[i] = found.ok ? { webhookId: id, alertTypes: types, valid: true, name: found.name, channelId: found.channelId } : { webhookId: id, alertTypes: types, valid: false, error: found.detail };
    }
  };
  await Promise.all(Array.from({ length: Math.min(VALIDATE_CONCURRENCY, webhooks.length) }, checkNext));
  return results;
}

/**
 * At start, asks Discord about each webhook a broken mark from an earlier run still names (the Redis store
 * keeps marks across restarts): an operator who fixed the URL while alertcord was down, then restarted it,
 * would otherwise see that type rerouted to general until someone called `POST /api/validate`. Answers the
 * webhooks whose mark was cleared. A Discord that cannot be reached leaves the marks as they are.
 */
export async function recheckBrokenWebhooks(runtime: WebhookChecker): Promise<string[]> {
  const cleared: string[] = [];
  for (const [id, { webhook }] of configuredWebhooks(runtime.config())) {
    if (!(await runtime.state.isBroken(id))) continue;
    if ((await checkWebhook(runtime, id, webhook)).ok) cleared.push(id);
  }
  return cleared;
}

type WebhookChecker = Pick<Runtime, 'config' | 'discordSender' | 'state'>;
type Webhook = NonNullable<AlertTypeConfig['webhook']>;

/** Each configured webhook once, with the alert types posting through it (types without one fall back to general's). */
function configuredWebhooks(config: Config): Map<string, { types: string[]; webhook: Webhook }> {
  const byId = new Map<string, { types: string[]; webhook: Webhook }>();
  for (const t of config.alertTypes.values()) {
    if (!t.webhook) continue;
    const entry = byId.get(t.webhook.id) ?? { types: [], webhook: t.webhook };
    entry.types.push(t.name);
    byId.set(t.webhook.id, entry);
  }
  return byId;
}

/** Discord's GET-webhook answer for one webhook: valid clears its broken mark, 401/403/404 sets it. */
async function checkWebhook(runtime: WebhookChecker, id: string, webhook: Webhook): Promise<WebhookLookup> {
  const found = await lookupWebhook(runtime.discordSender(), webhook);
  if (found.ok) {
    await runtime.state.clearBroken(id);
  } else if (found.broken) {
    await runtime.state.markBroken(id, found.detail, Date.now());
  }
  return found;
}
