import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: the CLI runs from here, as `npx tsx src/cli/main.ts` does in development. */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node --import tsx src/cli/main.ts ...args` with exactly `env` (plus PATH and HOME) and resolves
 * with its exit code and output; SIGKILLed after `timeoutMs`.
 */
export function runCliProcess(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** One invocation for {@link runCliAll}. */
export interface CliArgs {
  args: readonly string[];
  env?: Record<string, string>;
}

/** Runs several CLI invocations, at most `concurrency` at a time (the test machine may be busy), in order. */
export async function runCliAll<const T extends readonly CliArgs[]>(runs: T, concurrency = 3): Promise<{ -readonly [K in keyof T]: CliRun }> {
  const results: CliRun[] = new Array<CliRun>(runs.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < runs.length) {
      const i = next++;
      results[i] = await runCliProcess(runs[i]!.args, runs[i]!.env);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, runs.length) }, lane));
  return results as { -readonly [K in keyof T]: CliRun };
}
