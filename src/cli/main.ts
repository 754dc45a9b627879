#!/usr/bin/env node
import { createRequire } from 'node:module';
import { EXIT, EXIT_CODES_HELP, processIo, runCommand, type CliIo, type Command, type ExitCode } from './args.js';

/** A subcommand as listed: its module loads only when it is used, so `--help` and one-shot commands start fast. */
export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<Command>;
}

/** Every subcommand, in the order `--help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'serve', summary: 'run the server (what `npm start` runs)', load: async () => (await import('./serve-command.js')).serveCommand },
  { name: 'check-config', summary: 'validate the YAML file + environment; list every problem with its path', load: async () => (await import('./check-config.js')).checkConfigCommand },
  { name: 'send', summary: 'send one alert through a running alertcord, or straight to Discord with --direct', load: async () => (await import('./send.js')).sendCommand },
  { name: 'validate-webhooks', summary: 'ask Discord whether each configured webhook exists (posts nothing)', load: async () => (await import('./validate-webhooks.js')).validateWebhooksCommand },
];

/** The package version, for --version: package.json is two levels up from src/cli/ and from dist/cli/. */
export const VERSION = ((): string => {
  try {
    return (createRequire(import.meta.url)('../../package.json') as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
})();

/** `alertcord --help`. */
export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `alertcord ${VERSION}: alerts from Alertmanager, Grafana, OpenTelemetry and scripts, delivered to Discord.

Usage: alertcord <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run \`alertcord <command> --help\` for a command's options and examples.

Examples:
  alertcord serve
  alertcord check-config config/alertcord.yaml
  alertcord send --type error --title 'Backup failed' --message 'exit code 2'
  alertcord validate-webhooks

${EXIT_CODES_HELP}`;
}

/**
 * Dispatches `argv` (without node and script) to a subcommand. Resolves with the exit code, or undefined
 * when the command keeps running (serve). Usage problems print one line plus a pointer to --help: exit 2.
 */
export async function runCli(argv: string[], io: CliIo): Promise<ExitCode | undefined> {
  const [name, ...rest] = argv;
  if (name === 'help' && rest[0] !== undefined) {
    // `help <command>`: a typo there is as much a usage error as `alertcord <typo>`.
    const topic = COMMANDS.find((c) => c.name === rest[0]);
    if (!topic) return unknownCommand(rest[0], io);
    io.out((await topic.load()).help);
    return EXIT.ok;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.err : io.out)(usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.out(VERSION);
    return EXIT.ok;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) return unknownCommand(name, io);
  return runCommand(await entry.load(), rest, io);
}

function unknownCommand(name: string, io: CliIo): ExitCode {
  io.err(`alertcord: unknown command "${name}" (commands: ${COMMANDS.map((c) => c.name).join(', ')}); see alertcord --help`);
  return EXIT.usage;
}

runCli(process.argv.slice(2), processIo()).then(
  (code) => {
    if (code === undefined) return;
    process.exitCode = code;
    // Leave once the output is flushed, even if a socket or timer of a one-shot command lingers.
    setTimeout(() => process.exit(code), 1_000).unref();
  },
  (err: unknown) => {
    process.stderr.write(`alertcord: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(EXIT.failed);
  },
);
