import { describe, expect, it } from 'vitest';
import { EXIT, runCommand, UsageError, type Command } from '../../../src/cli/args.js';

/** A command whose run throws `err`. */
const throwing = (err: Error): Command => ({ name: 'demo', help: '', run: () => Promise.reject(err) });

/**
 * runCommand is shared by the CLI and `npm start`: a usage problem is one line and exit 2; anything else is a
 * failure of the command (exit 1 with its message, src/cli/main.ts), not "see --help".
 */
describe('runCommand', () => {
  it('a usage error prints one line with a pointer to the help and exits 2', async () => {
    const lines: string[] = [];
    const code = await runCommand(throwing(new UsageError('--bogus is not an option')), [], { env: {}, out: () => undefined, err: (l) => lines.push(l) });
    expect(code).toBe(EXIT.usage);
    expect(lines).toEqual(['alertcord demo: --bogus is not an option\nSee: alertcord demo --help']);
  });

  it('any other error is passed on, not dressed as a usage error', async () => {
    const lines: string[] = [];
    await expect(runCommand(throwing(new Error('EACCES: permission denied')), [], { env: {}, out: () => undefined, err: (l) => lines.push(l) })).rejects.toThrow('EACCES');
    expect(lines).toEqual([]);
  });
});
