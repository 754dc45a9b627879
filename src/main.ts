import { processIo, runCommand } from './cli/args.js';
import { serveCommand } from './cli/serve-command.js';

/**
 * `npm start` (and the image's `node dist/main.js`): `alertcord serve` with this process's environment and
 * arguments (`npm start -- --config FILE`). Together with src/cli/, the only code that reads `process`:
 * environment, signals, exit code.
 */
export async function main(): Promise<void> {
  const code = await runCommand(serveCommand, process.argv.slice(2), processIo());
  // undefined: the server runs (it exits on its signals); --help or a usage error end here.
  if (code !== undefined) process.exitCode = code;
}

void main();
