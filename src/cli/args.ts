/**
 * Exit codes of every command, for scripts:
 * 0 done; 1 failed (invalid config, invalid webhook, alert refused or not delivered); 2 usage error
 * (unknown command or option, missing value); 3 unavailable, worth retrying (alertcord unreachable, 503,
 * queue full).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, unavailable: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The lines of help shared by every command. */
export const EXIT_CODES_HELP = `Exit codes:
  0  done
  1  failed: invalid config, a webhook refused or none configured, alert refused (4xx) or not delivered
  2  usage error: unknown command or option, missing value
  3  unavailable, retry later: alertcord unreachable, 503 (queue full, store down), Discord could not
     be asked (validate-webhooks), Discord not answering or no answer within --timeout (send --direct)`;

/** Where a command writes and what it reads; main passes the process's, tests may pass their own. */
export interface CliIo {
  env: Record<string, string | undefined>;
  out: (text: string) => void;
  err: (text: string) => void;
}

/** One subcommand: its help text and its run; `undefined` from run means "keeps running" (serve). */
export interface Command {
  name: string;
  help: string;
  run(args: string[], io: CliIo): Promise<ExitCode | undefined>;
}

/** A usage problem: the command prints it with a pointer to --help and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `-h` / `--help`, accepted by every command. */
export const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * Runs node:util parseArgs (strict) and turns its errors into UsageErrors (one line, no Node error code).
 * Call as `usageErrors(() => parseArgs({ args, options: { ...OPTIONS, ...HELP_OPTION }, strict: true }))`.
 */
export function usageErrors<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}

/** The process's own environment, stdout and stderr (src/cli/main.ts and src/main.ts). */
export function processIo(): CliIo {
  return {
    env: process.env,
    out: (text) => void process.stdout.write(`${text}\n`),
    err: (text) => void process.stderr.write(`${text}\n`),
  };
}

/**
 * Runs `command` with `args`; a usage problem prints one line plus a pointer to its --help: exit 2. Shared by
 * the CLI and `npm start` (src/main.ts), which is `alertcord serve` and so takes serve's options: it read none,
 * and `npm start -- --config prod.yaml` ran config/alertcord.yaml without a word.
 */
export async function runCommand(command: Command, args: string[], io: CliIo): Promise<ExitCode | undefined> {
  try {
    return await command.run(args, io);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`alertcord ${command.name}: ${err.message}\nSee: alertcord ${command.name} --help`);
    return EXIT.usage;
  }
}

/** What {@link withOptionValues} needs of parseArgs' option table. */
type OptionTable = Readonly<Record<string, { type: 'string' | 'boolean'; short?: string }>>;

/**
 * `args` with the value of each string option glued to it (`--message x` → `--message=x`, `-m x` →
 * `--message=x`), so the argument after an option that takes a value is that value even when it starts
 * with a dash, as getopt reads it. Strict parseArgs refuses such a value as "ambiguous", and a script's
 * `--message "$(tail -n 1 job.log)"` reading "-bash: pg_dump: command not found" (or a list, "- db-1
 * down", or "-5%") exited 2 without sending the alert it was about. Nothing after `--` is touched.
 */
export function withOptionValues(args: readonly string[], options: OptionTable): string[] {
  const byShort = new Map(Object.entries(options).flatMap(([name, o]) => (o.short ? [[o.short, name] as const] : [])));
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return [...out, ...args.slice(i)];
    const name = arg.startsWith('--') ? arg.slice(2) : /^-[^-]$/.test(arg) ? byShort.get(arg.slice(1)) : undefined;
    if (name !== undefined && Object.hasOwn(options, name) && options[name]!.type === 'string' && i + 1 < args.length) {
      out.push(`--${name}=${args[++i]!}`);
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** A required string option, or a UsageError naming it. */
export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`${flag} is required`);
  return value;
}
