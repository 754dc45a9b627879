import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { buildServers } from './build.js';
import { freePort, waitForHttp } from './net.js';
import { REPO_ROOT } from './paths.js';
const READY_TIMEOUT_MS = 20_000;
const LOG_LIMIT = 64 * 1024;

/** A server running in its own process, so the load generator's CPU and memory are not counted with it. */
export interface ChildServer {
  readonly pid: number;
  readonly url: string;
  /** Resident set size now and its peak, in bytes, from /proc/<pid>/status. */
  memory(): { rss: number; peak: number };
  /** CPU time (user + system) consumed so far, in ms, from /proc/<pid>/stat. */
  cpuMs(): number;
  /** Last output of the process (for error messages). */
  output(): string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** How the benchmark runs alertcord, for the notes. */
export const ALERTCORD_CHILD = 'alertcord runs as a child process: src/ compiled to JavaScript (like `node dist/main.js` in the Dockerfile), the shipped config/alertcord.yaml, settings from environment variables, LOG_LEVEL=warn';

let built: ReturnType<typeof buildServers> | undefined;

/** The compiled servers, built once per benchmark run. */
function servers(): ReturnType<typeof buildServers> {
  built ??= buildServers();
  return built;
}

/**
 * Starts alertcord as the product ships (`node dist/main.js`: src/ compiled, the shipped config file,
 * environment variables) on 127.0.0.1 and a free port; resolves once `/healthz` answers. `main`: another
 * build's entry point (bench/compare.ts).
 */
export function startAlertcord(env: Record<string, string>, main = servers().alertcordMain): Promise<ChildServer> {
  return startChild(main, { LOG_LEVEL: 'warn', ...env }, '/healthz');
}

/** Starts the bare Hono baseline (bench/bare-server.ts, compiled the same way). */
export function startBareServer(): Promise<ChildServer> {
  return startChild(servers().bareServer, {}, '/healthz');
}

/** Starts alertcord's HTTP layer over a no-op pipeline (bench/edge-server.ts), with the shipped config. */
export function startEdgeServer(): Promise<ChildServer> {
  return startChild(servers().edgeServer, { LOG_LEVEL: 'warn' }, '/healthz');
}

/**
 * `BENCH_CPU_PROF_DIR=/tmp/prof npm run bench -- --only latency` writes a V8 CPU profile of every server
 * child there (open it in Chrome DevTools): the way to see which stage of alertcord the time goes to.
 * Children are then stopped with SIGTERM (so the profile is written) instead of SIGKILL.
 */
const PROFILE_DIR = process.env.BENCH_CPU_PROF_DIR;
const STOP_GRACE_MS = 15_000;

async function startChild(script: string, env: Record<string, string>, readyPath: string): Promise<ChildServer> {
  const port = await freePort();
  const flags = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...flags, script], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'production', ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  let exited: string | undefined;
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-LOG_LIMIT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code, signal) => {
    running.delete(child);
    exited = `${script} exited (code ${code}, signal ${signal}): ${output.trim().slice(-2000)}`;
  });
  const url = `http://127.0.0.1:${port}`;
  const server: ChildServer = {
    pid: child.pid ?? 0,
    url,
    memory: () => readMemory(child.pid ?? 0),
    cpuMs: () => readCpuMs(child.pid ?? 0),
    output: () => output,
    async stop() {
      if (exited === undefined && PROFILE_DIR) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await done;
        clearTimeout(timer);
      }
      if (exited === undefined) child.kill('SIGKILL');
      await done;
    },
  };
  try {
    await waitForHttp(`${url}${readyPath}`, READY_TIMEOUT_MS, () => exited);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

function readMemory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

function readCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at ") ": utime is field 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}
