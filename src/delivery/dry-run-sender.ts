import type { Logger } from 'pino';
import type { DiscordSender } from './discord-sender.js';

/**
 * The sender used in dry-run: it logs the exact message that would be posted and answers as Discord
 * would (200 with a message id), so the whole pipeline — render, limits, history — runs for real.
 */
export function createDryRunSender(logger: Logger): DiscordSender {
  let seq = 0;
  return {
    async post(webhook, message, options = {}) {
      logger.info({ dryRun: true, webhookId: webhook.id, threadId: options.threadId, message }, 'dry run: would post to Discord');
      return { status: 200, headers: {}, body: { id: `dry-run-${++seq}` }, elapsedMs: 0, simulated: true };
    },
    async get(webhook) {
      return { status: 200, headers: {}, body: { id: webhook.id, name: 'dry-run' }, elapsedMs: 0 };
    },
  };
}
