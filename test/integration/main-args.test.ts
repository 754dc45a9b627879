/**
 * `npm start` (src/main.ts; `node dist/main.js` in the image) is `alertcord serve` (README, "The `alertcord`
 * command"), so it takes serve's options. It read none: `npm start -- --config prod.yaml` ran the shipped
 * config/alertcord.yaml (its routes, its types) without a word, and a mistyped option started the server too.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startAlertcordProcess, type AlertcordProcess } from '../helpers/alertcord-process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let child: AlertcordProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
  await child?.stop(5_000);
  if (dir) rmSync(dir, { recursive: true, force: true });
  child = dir = undefined;
});

/** src/main.ts with `args`, until it exits or logs that it listens (then it is stopped): its exit code, output and whether it listened. */
function runMain(args: string[]): Promise<{ code: number | null; output: string; listened: boolean }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', HOST: '127.0.0.1', PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let listened = false;
    const read = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (!listened && output.includes('"msg":"alertcord listening"')) {
        listened = true;
        proc.kill('SIGKILL');
      }
    };
    proc.stdout.on('data', read);
    proc.stderr.on('data', read);
    proc.once('exit', (code) => resolve({ code, output, listened }));
  });
}

describe('npm start / node dist/main.js takes the options of alertcord serve', () => {
  it('--config FILE runs with that file, not config/alertcord.yaml', { timeout: 60_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), 'alertcord-main-args-'));
    const file = join(dir, 'prod.yaml');
    writeFileSync(file, 'alert_types:\n  database: { color: "#1F8B4C" }\n');
    child = await startAlertcordProcess({}, ['--config', file]);
    const listening = child.logs.find((l) => l.msg === 'alertcord listening');
    expect(listening?.configFile).toBe(file);
  });

  it('a mistyped option is a usage error (exit 2) naming it, not a server started without it', { timeout: 60_000 }, async () => {
    const result = await runMain(['--confg', 'prod.yaml']);
    expect(result.listened).toBe(false);
    expect(result.code).toBe(2);
    expect(result.output).toContain('--confg');
    expect(result.output).toContain('alertcord serve --help');
  });
});
