import { parseArgs } from 'node:util';
import { describeStore } from '../config/build-store.js';
import { formatDuration } from '../config/duration.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/types.js';
import { describeProxy, proxyIssues, proxySettings } from '../config/proxy.js';
import { formatMatcher } from '../routing/matchers.js';
import type { Route } from '../routing/rules.js';
import { EXIT, EXIT_CODES_HELP, usageErrors, HELP_OPTION, UsageError, type CliIo, type Command } from './args.js';

/**
 * `alertcord check-config [file]`: loads YAML + environment exactly as `serve` does and prints every
 * problem with its path (exit 1), or a short summary (exit 0). Webhooks are shown by id, never by URL.
 */
export const checkConfigCommand: Command = {
  name: 'check-config',
  help: `Usage: alertcord check-config [FILE]

Validates the config as \`alertcord serve\` would load it: the YAML file (FILE, else CONFIG_FILE, else
config/alertcord.yaml) plus the environment (DISCORD_WEBHOOK_*, *_FILE secrets, PORT, REDIS_URL,
HTTPS_PROXY …). Prints every problem with its path and exits 1, or prints a summary (alert types,
webhook ids, routes, watchdog, store) and exits 0. Webhook URLs and tokens are never printed.

Options:
  -h, --help   this help

Examples:
  alertcord check-config
  alertcord check-config /etc/alertcord/alertcord.yaml
  DISCORD_WEBHOOK_CRITICAL_FILE=/run/secrets/critical alertcord check-config config/alertcord.yaml && systemctl reload alertcord

${EXIT_CODES_HELP}`,
  async run(args: string[], io: CliIo) {
    const { values, positionals } = usageErrors(() => parseArgs({ args, options: HELP_OPTION, allowPositionals: true, strict: true }));
    if (values.help) {
      io.out(checkConfigCommand.help);
      return EXIT.ok;
    }
    if (positionals.length > 1) throw new UsageError(`expected at most one file, got ${positionals.length}`);
    const loaded = loadConfig({ env: io.env, file: positionals[0] });
    const issues = [...(loaded.ok ? [] : loaded.issues), ...proxyIssues(io.env)];
    if (!loaded.ok || issues.length > 0) {
      io.err(`alertcord: invalid configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):`);
      for (const i of issues) io.err(`  - ${i.path}: ${i.message}`);
      return EXIT.failed;
    }
    io.out(summary(loaded.config, loaded.warnings, io.env));
    return EXIT.ok;
  },
};

/** The short summary of a valid config; `now` is when routes' mute windows are read. */
export function summary(config: Config, warnings: string[], env: Record<string, string | undefined>, now = Date.now()): string {
  const types = [...config.alertTypes.values()];
  const webhooks = [...new Set(types.flatMap((t) => (t.webhook && !t.fallsBackToGeneral ? [t.webhook.id] : [])))];
  const width = Math.max(...types.map((t) => t.name.length));
  const lines = [`config OK: ${config.source.file ?? '(no file)'} + environment`, `alert types (${types.length}):`];
  for (const t of types) {
    const none = config.discord.dryRunReason ? 'no webhook (dry run: rendered and logged)' : 'no webhook (dead letters)';
    const where = !t.webhook ? none : t.fallsBackToGeneral ? `general's webhook ${t.webhook.id}` : `webhook ${t.webhook.id}`;
    lines.push(`  ${t.name.padEnd(width)}  ${where}`);
  }
  lines.push(`webhooks (${webhooks.length}): ${webhooks.join(', ') || 'none'}`);
  lines.push(`routes (${config.routes.length}):`);
  config.routes.forEach((r, i) => lines.push(`  ${i + 1}. ${describeRoute(r, now)}`));
  const w = config.watchdog;
  lines.push(`watchdog: ${w ? `expects "${w.alertname}" at least every ${formatDuration(w.timeoutMs)}, else tells "${w.alertType}"` : 'off'}`);
  lines.push(`store: ${describeStore(config.store)}`);
  const proxy = proxySettings(env);
  if (proxy.httpsProxy || proxy.httpProxy) lines.push(`proxy: ${describeProxy((proxy.httpsProxy ?? proxy.httpProxy)!)}${proxy.noProxy ? ` (not for ${proxy.noProxy})` : ''}`);
  if (config.discord.dryRunReason) lines.push(`DRY RUN: ${config.discord.dryRunReason}`);
  for (const warning of warnings) if (!warning.startsWith('DRY RUN')) lines.push(`warning: ${warning}`);
  return lines.join('\n');
}

/** One route in a line; a route with mute windows says which, and whether it is muted at `now`. */
function describeRoute(r: Route, now: number): string {
  const match = r.matchers.length > 0 ? r.matchers.map(formatMatcher).join(', ') : 'everything';
  const to = r.type !== undefined ? r.type : `type from label ${r.typeFromLabel}`;
  const quiet = r.mute ? ` [${r.quiet}: ${r.mute(now) ? 'muted now' : 'sending now'}]` : '';
  return `${match} → ${to}${r.continue ? ' (continue)' : ''}${quiet}`;
}
