import { parseArgs } from 'node:util';
import type { WebhookValidation } from '../ops/validate-webhooks.js';
import { EXIT, EXIT_CODES_HELP, usageErrors, HELP_OPTION, type CliIo, type Command, type ExitCode } from './args.js';

/**
 * `alertcord validate-webhooks`: asks Discord about each configured webhook with its GET-webhook call
 * (no auth, posts nothing). Exit 0 when all are valid; 1 when one is refused (deleted, wrong token) or
 * none is configured; 3 when Discord could not be asked (network, 5xx, 429) but none was refused.
 */
export const validateWebhooksCommand: Command = {
  name: 'validate-webhooks',
  help: `Usage: alertcord validate-webhooks [--config FILE] [--json]

Checks each configured Discord webhook (CONFIG_FILE + env, as serve reads them) with Discord's
GET-webhook call: it needs no auth and posts nothing. Prints one line per webhook: its id, the alert
types using it, and Discord's name for it and its channel (ok), why Discord refused it (INVALID), or
why Discord could not be asked (UNKNOWN: 5xx, timeout, 429). Webhook URLs and tokens are never
printed. Runs even when DRY_RUN is set.

Options:
  --config FILE   the YAML file (overrides CONFIG_FILE)
  --json          print the results as JSON
  -h, --help      this help

Examples:
  alertcord validate-webhooks
  DISCORD_WEBHOOK_CRITICAL='https://discord.com/api/webhooks/123/abc' alertcord validate-webhooks --json

Exits 1 when a webhook was refused (deleted, wrong token) or none is configured, 3 when Discord could
not be asked (network, 5xx, 429) but none was refused.

${EXIT_CODES_HELP}`,
  async run(args: string[], io: CliIo) {
    const { values } = usageErrors(() => parseArgs({ args, options: { config: { type: 'string' }, json: { type: 'boolean' }, ...HELP_OPTION }, strict: true }));
    if (values.help) {
      io.out(validateWebhooksCommand.help);
      return EXIT.ok;
    }
    const { loadCliConfig, localService } = await import('./local-service.js');
    const config = loadCliConfig(io, values.config);
    if (!config) return EXIT.failed;
    if (![...config.alertTypes.values()].some((t) => t.webhook)) {
      io.err('alertcord: no Discord webhook is configured (set DISCORD_WEBHOOK_GENERAL or alert_types.<type>.webhook)');
      return EXIT.failed;
    }
    // GET posts nothing: check for real even when DRY_RUN is set.
    const service = localService({ ...config, discord: { ...config.discord, dryRunReason: undefined } }, io);
    try {
      const results = await service.validateConfiguration();
      io.out(values.json ? JSON.stringify(results, null, 2) : results.map(line).join('\n'));
      return verdict(results);
    } finally {
      await service.close().catch(() => undefined);
    }
  },
};

function line(r: WebhookValidation): string {
  const types = r.alertTypes.join(', ');
  if (r.valid) return `ok       ${r.webhookId}  ${types}  "${r.name ?? ''}" in channel ${r.channelId ?? '?'}`;
  // Not asked (5xx, timeout, 429) is no verdict on the webhook: INVALID there sent operators rotating good URLs
  // through a Discord outage.
  if (!refused(r)) return `UNKNOWN  ${r.webhookId}  ${types}  Discord could not be asked: ${r.error ?? 'unknown error'}`;
  return `INVALID  ${r.webhookId}  ${types}  ${r.error ?? 'unknown error'}`;
}

/** A refusal (401/403/404, or a 4xx Discord will repeat) is a verdict; anything else only means "not asked". */
function refused(r: WebhookValidation): boolean {
  return /^(broken|permanent)\b/.test(r.error ?? '');
}

function verdict(results: WebhookValidation[]): ExitCode {
  const failed = results.filter((r) => !r.valid);
  if (failed.length === 0) return EXIT.ok;
  return failed.some(refused) ? EXIT.failed : EXIT.unavailable;
}
