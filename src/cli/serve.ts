import { constants } from 'node:os';
import { describeStore } from '../config/build-store.js';
import { ConfigError } from '../config/issues.js';
import { loadConfigOrThrow, type LoadOptions } from '../config/load.js';
import { sleep } from '../delivery/clock.js';
import { startHttpServer } from '../http/serve.js';
import { createLogger } from '../lib/logger.js';
import { logLeftover } from '../ops/leftover-summary.js';
import { createRuntime, type Runtime } from '../runtime.js';
import { EXIT } from './args.js';
import { watchConfigFile, type ConfigWatcher } from './config-watch.js';

export interface ServeOptions {
  env: Record<string, string | undefined>;
  /** The YAML file; default CONFIG_FILE, else config/alertcord.yaml. */
  file?: string;
}

/**
 * Runs alertcord: loads the config (failing fast with every problem listed), starts the HTTP server and the
 * delivery workers, reloads on SIGHUP and on a change of the config file, and drains on SIGTERM/SIGINT.
 * With src/main.ts and src/cli/main.ts, the only code that touches `process` (signals, exit).
 */
export async function runServer(options: ServeOptions): Promise<void> {
  const source: LoadOptions = { env: options.env, file: options.file };
  let runtime: Runtime;
  let loaded;
  try {
    loaded = loadConfigOrThrow(source);
  } catch (err) {
    return failStart(err);
  }
  const { config, warnings } = loaded;
  const logger = createLogger(config.logLevel);
  for (const w of warnings) logger.warn(w);
  try {
    runtime = createRuntime({ config, logger, configSource: source });
  } catch (err) {
    return failStart(err);
  }
  // Reload triggers are armed before the start: it may wait seconds for Redis, and a SIGHUP meanwhile met
  // Node's default for the signal (the process ended), a save meanwhile was never seen.
  const watcher = reloadTriggers(runtime, config.source.file, logger);
  logger.info(config.store.kind === 'redis' ? { address: config.store.address } : {}, `store: ${describeStore(config.store)}`);
  await runtime.start();
  // Same server options as the socket tests (bridge.ts): request/headers timeouts against slow clients.
  let listening;
  try {
    listening = await startHttpServer(runtime.app, config);
  } catch (err) {
    // What start() began (workers, Redis connections and leases) ends before the exit, not by timeout.
    await runtime.stop(0).catch(() => undefined);
    return failListen(err, config.server);
  }
  const { address: info } = listening;
  // The drain on SIGTERM/SIGINT is armed before "listening" is logged: whoever waits for that line (a
  // supervisor, the tests) may send a signal at once, and a signal without a handler ends the process at
  // once (the OS default).
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      // The operator's "now, please" (Ctrl-C twice): what the drain has not sent stays queued (Redis) or is lost (memory).
      logger.warn({ signal }, `second ${signal} while draining: exiting now`);
      process.exit(signalExitCode(signal));
    }
    stopping = true;
    watcher?.close();
    const deadlineMs = runtime.config().server.shutdownDeadlineMs;
    logger.info({ signal, deadlineMs }, 'stopping: intake closed (503), draining queues');
    // The drain ends at the deadline, but its last store reads and closing the store do not (Redis down: a
    // command timeout each). A supervisor kills at its own grace period (Docker: 10 s); exit before that.
    setTimeout(() => {
      logger.error({ deadlineMs }, `stopping took ${FORCED_EXIT_GRACE_MS / 1000} s longer than server.shutdown_deadline: exiting now`);
      process.exit(1);
    }, deadlineMs + FORCED_EXIT_GRACE_MS).unref();
    const until = Date.now() + deadlineMs;
    logLeftover(logger, await runtime.stop(deadlineMs), runtime.store.kind);
    // A request still in flight (its body arriving as an empty drain ended at once) is answered (503: intake
    // is closed), not cut off without an answer; within the deadline, as a slow client must not hold the exit.
    await Promise.race([listening.close(), sleep(until - Date.now())]);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  logger.info({ host: info.address, port: info.port, pid: process.pid, store: runtime.store.kind, dryRun: config.discord.dryRunReason ?? false, configFile: config.source.file }, 'alertcord listening');
}

/** How long past `server.shutdown_deadline` a stop may take (last store reads, closing) before the process exits anyway. */
export const FORCED_EXIT_GRACE_MS = 1_500;

/** The shell's exit status for death by `signal` (128 + its number: 130 for SIGINT, 143 for SIGTERM). */
function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/** SIGHUP and a change of the config file reload it (the runtime runs reloads one at a time). */
function reloadTriggers(runtime: Runtime, file: string | undefined, logger: ReturnType<typeof createLogger>): ConfigWatcher | undefined {
  const watcher = file ? watchConfigFile(file, () => void runtime.reload('file'), { logger }) : undefined;
  process.on('SIGHUP', () => {
    watcher?.sync();
    void runtime.reload('SIGHUP');
  });
  return watcher;
}

const LISTEN_HINTS: Record<string, string> = {
  EADDRINUSE: 'another process listens there',
  EACCES: 'not allowed for this user: ports below 1024 need privileges',
  EADDRNOTAVAIL: 'not an address of this host',
};

/** The host name lookup before listen() fails so for `HOST=0.0.0.0:8080` or a mistyped name. */
const UNRESOLVED = 'HOST is not an address of this host nor a name it resolves; a port goes in PORT';

/**
 * The line for a socket that cannot be bound (the port taken, often by another alertcord or a second
 * `npm start`; a privileged port; an address this host does not have; a host name that does not resolve),
 * naming the address and what to change; undefined for any other error.
 */
export function listenFailure(err: unknown, at: { host: string; port: number }): string | undefined {
  const { code, syscall } = err as NodeJS.ErrnoException;
  if (!code || (syscall !== 'listen' && syscall !== 'getaddrinfo')) return undefined;
  const reason = syscall === 'getaddrinfo' ? UNRESOLVED : LISTEN_HINTS[code];
  return `cannot listen on ${at.host}:${at.port}: ${code}${reason ? ` (${reason})` : ''}; set PORT / HOST (server.port / server.host)`;
}

/** {@link listenFailure}'s line and exit 1, instead of Node's stack trace of an unhandled rejection. */
function failListen(err: unknown, at: { host: string; port: number }): never {
  const line = listenFailure(err, at);
  if (line === undefined) throw err;
  process.stderr.write(`alertcord: ${line}\n`);
  process.exit(EXIT.failed);
}

function failStart(err: unknown): never {
  if (err instanceof ConfigError) {
    process.stderr.write(`alertcord: ${err.message}\n`);
    process.exit(EXIT.failed);
  }
  throw err;
}
