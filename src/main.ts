import { serve } from '@hono/node-server';
import { ConfigError } from './config/issues.js';
import { loadConfigOrThrow } from './config/load.js';
import { createLogger } from './lib/logger.js';
import { createRuntime } from './runtime.js';

/**
 * The only place that reads `process`: environment, signals, exit code. Loads the config (failing fast
 * with every problem listed), starts the HTTP server and the delivery workers, and drains on SIGTERM/SIGINT.
 */
export async function main(): Promise<void> {
  let loaded;
  try {
    loaded = loadConfigOrThrow({ env: process.env });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`alertcord: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const { config, warnings } = loaded;
  const logger = createLogger(config.logLevel);
  for (const w of warnings) logger.warn(w);
  const runtime = createRuntime({ config, logger });
  await runtime.start();
  const server = serve({ fetch: runtime.app.fetch, hostname: config.server.host, port: config.server.port }, (info) => {
    logger.info({ host: info.address, port: info.port, store: runtime.store.kind, dryRun: config.discord.dryRunReason ?? false }, 'alertcord listening');
  });
  server.setTimeout?.(config.server.requestTimeoutMs);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, deadlineMs: config.server.shutdownDeadlineMs }, 'stopping: intake closed (503), draining queues');
    const left = await runtime.stop(config.server.shutdownDeadlineMs);
    const total = Object.values(left).reduce((a, b) => a + b, 0);
    if (total > 0) {
      logger.warn({ left }, runtime.store.kind === 'memory'
        ? `${total} notifications were still queued and are LOST with the memory store (use Redis to keep them across restarts)`
        : `${total} notifications stay queued in Redis and will be delivered after restart`);
    } else logger.info('drained: nothing left in the queues');
    server.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

void main();
