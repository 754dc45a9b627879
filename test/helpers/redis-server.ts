import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { findBinary, freeFixedPort, waitForExit } from './processes.js';
import { join } from 'node:path';

/** A real redis-server child process on loopback, with its own temporary data directory. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** The data directory (AOF lives here); kept across `restart()`. */
  dir: string;
  /** Graceful shutdown (SIGTERM: Redis flushes the AOF and exits). Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, no goodbye to clients, AOF as written so far. Idempotent. */
  kill(): Promise<void>;
  /** Starts again on the same port and directory (stopping first if still running); data reloads from the AOF. */
  restart(): Promise<void>;
  /** Stops the server and removes its directory: for `afterAll`. */
  destroy(): Promise<void>;
}

export interface StartRedisOptions {
  /** AOF persistence (default true). */
  appendonly?: boolean;
  /**
   * The AOF's fsync policy (default `everysec`, Redis' default and the README's recommendation). Tests that
   * SIGKILL redis-server and then count on every acknowledged write use `always`: with `everysec`, Redis may
   * answer before it has even written the AOF while a previous fsync is still running on a busy disk (it
   * postpones the write up to 2 s), so a kill right after can lose the last writes: a CI run did.
   */
  appendfsync?: 'everysec' | 'always';
  /** Redis' memory limit (`maxmemory`, e.g. `20mb`; default none), for the tests of a full Redis. */
  maxmemory?: string;
  /** What Redis does at `maxmemory` (default `noeviction`, Redis' own default). */
  maxmemoryPolicy?: 'noeviction' | 'volatile-lru' | 'allkeys-lru' | 'volatile-ttl' | 'allkeys-random';
}

const BINARY = 'redis-server';
const NOT_FOUND = 'redis-server not found: apt-get install -y redis-server';
const READY_TIMEOUT_MS = 15_000;
const EXIT_TIMEOUT_MS = 10_000;

/**
 * Starts `redis-server` on 127.0.0.1 with a free port and a fresh directory, and resolves once PING answers.
 * Fails loudly (throws) when the binary is missing or the server does not come up: integration tests
 * against Redis must never be skipped silently (issue 6).
 */
export async function startRedis(opts: StartRedisOptions = {}): Promise<RedisServer> {
  const binary = await findBinary(BINARY);
  if (!binary) throw new Error(NOT_FOUND);
  const dir = await mkdtemp(join(tmpdir(), 'alertcord-redis-'));
  // Not an ephemeral port: restart() binds it again while clients keep reconnecting to it (see freeFixedPort).
  const port = await freeFixedPort();
  const args = [
    '--bind', '127.0.0.1', '--port', String(port), '--dir', dir,
    '--appendonly', opts.appendonly === false ? 'no' : 'yes', '--appendfsync', opts.appendfsync ?? 'everysec',
    '--save', '', '--daemonize', 'no', '--loglevel', 'warning',
    ...(opts.maxmemory ? ['--maxmemory', opts.maxmemory] : []),
    ...(opts.maxmemoryPolicy ? ['--maxmemory-policy', opts.maxmemoryPolicy] : []),
  ];
  let child: ChildProcess | undefined;
  const onExit = (): void => void child?.kill('SIGKILL');
  process.once('exit', onExit);

  const launch = async (): Promise<void> => {
    const proc = spawnServer(binary, args);
    child = proc.child;
    await waitForPong(port, proc);
  };
  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = waitForExit(running, EXIT_TIMEOUT_MS);
    running.kill(sig);
    if (!(await exited)) {
      running.kill('SIGKILL');
      await waitForExit(running, EXIT_TIMEOUT_MS);
    }
  };

  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    async restart() {
      await signal('SIGTERM');
      await launch();
    },
    async destroy() {
      await signal('SIGTERM');
      process.removeListener('exit', onExit);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

interface Spawned {
  child: ChildProcess;
  /** Last lines the server printed, for the error message when it does not start. */
  output(): string;
  /** Set when the process failed to spawn or exited. */
  failure(): Error | undefined;
}

function spawnServer(binary: string, args: string[]): Spawned {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let failure: Error | undefined;
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (err) => {
    failure = (err as NodeJS.ErrnoException).code === 'ENOENT' ? new Error(NOT_FOUND) : err;
  });
  child.on('exit', (code, sig) => {
    failure ??= new Error(`redis-server exited (code ${code}, signal ${sig}): ${output.trim()}`);
  });
  return { child, output: () => output, failure: () => failure };
}

/** Polls PING over a raw socket until `+PONG` (not `-LOADING`), the process dies, or the deadline passes. */
async function waitForPong(port: number, proc: Spawned): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const failure = proc.failure();
    if (failure) throw failure;
    if (await pingOnce(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  proc.child.kill('SIGKILL');
  throw new Error(`redis-server on port ${port} did not answer PING within ${READY_TIMEOUT_MS} ms: ${proc.output().trim()}`);
}

function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}



