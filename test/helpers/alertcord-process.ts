import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: the child runs `src/main.ts` from here, as `npm start` does. */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Generous: a busy 2-core CI machine takes seconds just to load the modules. */
const START_TIMEOUT_MS = 45_000;

/** One pino line of the child's stdout. */
export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** alertcord as a real child process (`node --import tsx src/main.ts`), for crash tests. */
export interface AlertcordProcess {
  url: string;
  pid: number;
  /** Every JSON log line so far. */
  logs: LogLine[];
  /** stdout and stderr as printed (for failure messages and secret checks). */
  output(): string;
  post(path: string, body: unknown): Promise<Response>;
  /** SIGKILL: no drain, no goodbye; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (drain, then exit); SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** Sends `signal` and returns at once. */
  signal(signal: NodeJS.Signals): void;
  /** Resolves with the exit code (null when a signal killed it) once the process is gone. */
  readonly exited: Promise<number | null>;
}

export interface StartOptions {
  /** Each log line as it arrives, before "listening" too (to signal a process that is still starting). */
  onLog?: (line: LogLine, child: ChildProcess) => void;
}

/**
 * Starts alertcord with exactly `env` (plus PATH/HOME), `PORT=0` on 127.0.0.1, and `args` on its command line
 * (`npm start -- ARGS`), and resolves once it logged "alertcord listening" with its port. Rejects with its
 * output when it exits or does not listen in time.
 */
export async function startAlertcordProcess(env: Record<string, string>, args: readonly string[] = [], options: StartOptions = {}): Promise<AlertcordProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const orphanGuard = (): void => void child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  child.once('exit', () => process.removeListener('exit', orphanGuard));
  const logs: LogLine[] = [];
  let output = '';
  let partial = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stdout.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    output += text;
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const parsed = parseLine(line);
      logs.push(parsed);
      options.onLog?.(parsed, child);
    }
  });
  const port = await listeningPort(child, logs, () => output);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    pid: child.pid ?? -1,
    logs,
    output: () => output,
    post: (path, body) => fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    kill: () => signalAndWait(child, 'SIGKILL', 5_000),
    async stop(graceMs = 10_000) {
      await signalAndWait(child, 'SIGTERM', graceMs);
      await signalAndWait(child, 'SIGKILL', 5_000);
    },
    signal: (signal) => void child.kill(signal),
    exited,
  };
}

function parseLine(line: string): LogLine {
  try {
    return JSON.parse(line) as LogLine;
  } catch {
    return { level: 0, msg: line };
  }
}

function listeningPort(child: ChildProcess, logs: LogLine[], output: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const fail = (why: string): void => {
      clearInterval(poll);
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`alertcord ${why}:\n${output().slice(-4000)}`));
    };
    const poll = setInterval(() => {
      const line = logs.find((l) => l.msg === 'alertcord listening');
      if (typeof line?.port === 'number') {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(line.port);
      } else if (child.exitCode !== null || child.signalCode !== null) fail(`exited (${child.exitCode ?? child.signalCode}) before listening`);
    }, 25);
    const timer = setTimeout(() => fail(`did not listen within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
  });
}

/** Sends `signal` unless the process is gone; resolves when it exited or after `waitMs`. */
function signalAndWait(child: ChildProcess, signal: NodeJS.Signals, waitMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, waitMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}
