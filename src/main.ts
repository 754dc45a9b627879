import { runServer } from './cli/serve.js';

/**
 * `npm start`: runs the server (`alertcord serve`, src/cli/serve.ts) with this process's environment.
 * Together with src/cli/, the only code that reads `process`: environment, signals, exit code.
 */
export async function main(): Promise<void> {
  await runServer({ env: process.env });
}

void main();
