import pino from 'pino';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/types.js';
import { proxyIssues } from '../config/proxy.js';
import { REDACT_PATHS } from '../lib/logger.js';
import { DiscordNotificationService } from '../library/service.js';
import type { CliIo } from './args.js';

/** Loads YAML + env like `serve`; prints every problem (stderr) and answers undefined when invalid. */
export function loadCliConfig(io: CliIo, file: string | undefined): Config | undefined {
  const loaded = loadConfig({ env: io.env, file });
  const issues = [...(loaded.ok ? [] : loaded.issues), ...proxyIssues(io.env)];
  if (loaded.ok && issues.length === 0) return loaded.config;
  io.err(`alertcord: invalid configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}); run \`alertcord check-config\` for details:`);
  for (const i of issues) io.err(`  - ${i.path}: ${i.message}`);
  return undefined;
}

/**
 * The library's service for a one-shot command: in this process (memory store, never a shared Redis queue
 * another replica would deliver from), no watchdog, warnings only, logged to stderr so stdout stays the
 * command's answer. The outbound proxy of `env` applies. Closing it does not drain: the command waits for
 * its own answer, and once it gave up (`send --direct --timeout`: exit 3, "retry later") a drain went on
 * retrying and delivered the message after all, so the caller's retry posted it twice.
 */
export function localService(config: Config, io: CliIo): DiscordNotificationService {
  const logger = pino({ level: 'warn', redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'alertcord' } }, pino.destination(2));
  const oneShot: Config = { ...config, store: { kind: 'memory' }, watchdog: undefined, server: { ...config.server, shutdownDeadlineMs: 0 } };
  return new DiscordNotificationService({ config: oneShot, env: io.env, logger, processMetrics: false });
}
