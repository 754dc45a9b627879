import { parseArgs } from 'node:util';
import { EXIT, EXIT_CODES_HELP, HELP_OPTION, usageErrors, type CliIo, type Command } from './args.js';

/** `alertcord serve`. */
export const serveCommand: Command = {
  name: 'serve',
  help: `Usage: alertcord serve [--config FILE]

Runs the HTTP server and the delivery workers. The config is the YAML file (CONFIG_FILE, default
config/alertcord.yaml) plus the environment (DISCORD_WEBHOOK_*, PORT, REDIS_URL, HTTPS_PROXY …).
Reloads routes, alert types and webhooks on SIGHUP and when the config file changes (an invalid file
keeps the running config); drains the queues and exits on SIGTERM / SIGINT.

Options:
  --config FILE   the YAML file (overrides CONFIG_FILE)
  -h, --help      this help

Examples:
  alertcord serve
  DISCORD_WEBHOOK_GENERAL='https://discord.com/api/webhooks/123/abc' alertcord serve --config /etc/alertcord.yaml
  kill -HUP <pid>          # reload the config without a restart

${EXIT_CODES_HELP}`,
  async run(args: string[], io: CliIo) {
    const { values } = usageErrors(() => parseArgs({ args, options: { config: { type: 'string' }, ...HELP_OPTION }, strict: true }));
    if (values.help) {
      io.out(serveCommand.help);
      return EXIT.ok;
    }
    // The server (runtime, store, HTTP) loads only when it runs, so --help stays quick.
    await (await import('./serve.js')).runServer({ env: io.env, file: values.config });
    return undefined;
  },
};
