import { readFileSync } from 'node:fs';
import type { ConfigIssue } from '../config/issues.js';
import { parseArgs } from 'node:util';
import { EXIT, EXIT_CODES_HELP, usageErrors, HELP_OPTION, required, UsageError, withOptionValues, type CliIo, type Command, type ExitCode } from './args.js';

/** Where `send` posts without --server: a bridge on this machine, default port. */
export const DEFAULT_SERVER = 'http://127.0.0.1:8080';
/** Seconds `send` waits for an answer (bridge) or for Discord (--direct) unless --timeout says otherwise. */
export const DEFAULT_SEND_TIMEOUT_S = 30;

/** The alert a script sends, from the command line. */
export interface SendRequest {
  type: string;
  title?: string;
  message?: string;
  severity?: string;
  status?: string;
  url?: string;
  /** The alert's identity across runs (generic `dedupe_key`): a resolve with it clears its firing whatever the text. */
  dedupeKey?: string;
  fields: { name: string; value: string }[];
  /** Seed template data for the type's template (error `traceback`, critical `impact` …). */
  template: Record<string, string>;
}

const OPTIONS = {
  type: { type: 'string', short: 't' },
  title: { type: 'string' },
  message: { type: 'string', short: 'm' },
  severity: { type: 'string', short: 's' },
  status: { type: 'string' },
  field: { type: 'string', short: 'f', multiple: true },
  template: { type: 'string', multiple: true },
  url: { type: 'string' },
  'dedupe-key': { type: 'string' },
  server: { type: 'string' },
  token: { type: 'string' },
  direct: { type: 'boolean' },
  config: { type: 'string' },
  timeout: { type: 'string' },
  ...HELP_OPTION,
} as const;

/** `alertcord send`: one alert, through a running bridge (POST /webhook/generic) or straight to Discord. */
export const sendCommand: Command = {
  name: 'send',
  help: `Usage: alertcord send --type TYPE (--title TEXT | --message TEXT) [options]

Sends one alert. By default it posts to a running alertcord (POST <server>/webhook/generic), which
queues it and answers at once: the notification id is printed. With --direct it renders and sends it
straight to the type's Discord webhook from this process (same config as serve: CONFIG_FILE + env) and
prints the delivery result once Discord answered.

Options:
  -t, --type TYPE        alert type: general, error, critical, tracklist, monitoring, security, or your own
      --title TEXT       the title
  -m, --message TEXT     the body
  -s, --severity LEVEL   critical, error, warning or info (or a synonym: crit, err, warn, notice …)
      --status STATUS    firing (default) or resolved
  -f, --field NAME=VALUE an embed field; repeat for more
      --template NAME=VALUE
                         data for the type's template: error traceback; critical impact,
                         action_required; monitoring metric_name, current_value, threshold, unit;
                         security event, source, details; tracklist tracks; repeat for more
      --url URL          link of the title
      --dedupe-key KEY   the alert's identity: sent once per dedupe.window, and a --status resolved
                         with the same key clears its firing whatever either text says (without a
                         key, only a resolve with the same title, message and fields does)
      --server URL       the running alertcord (default ${DEFAULT_SERVER})
      --token TOKEN      ingest token (Authorization: Bearer); default $INGEST_TOKEN, else the
                         file $INGEST_TOKEN_FILE (prefer those: an argument shows in \`ps\` to every user)
      --direct           send straight to Discord instead of through a running alertcord
      --config FILE      with --direct: the YAML file (overrides CONFIG_FILE)
      --timeout SECONDS  give up after this long (default ${DEFAULT_SEND_TIMEOUT_S})
  -h, --help             this help

Examples:
  alertcord send --type error --title 'Backup failed' --message 'exit code 2' --field host=db1 --field job=nightly
  alertcord send -t general --title 'Deploy done' --url https://ci.example.com/run/42 --server http://alertcord:8080   # token from $INGEST_TOKEN
  alertcord send --direct --type critical --title 'Disk full' --severity critical --field mount=/var
  alertcord send --type error --title 'Nightly job failed' --template traceback="$(tail -n 20 job.log)"
  alertcord send --type error --title 'Backup failed' --message "$err" --dedupe-key backup-db1
  alertcord send --type error --title 'Backup OK' --status resolved --dedupe-key backup-db1

${EXIT_CODES_HELP}`,
  async run(args: string[], io: CliIo) {
    // Alert text is often command output, which may start with a dash: see withOptionValues.
    const { values } = usageErrors(() => parseArgs({ args: withOptionValues(args, OPTIONS), options: OPTIONS, strict: true }));
    if (values.help) {
      io.out(sendCommand.help);
      return EXIT.ok;
    }
    const request: SendRequest = {
      type: required(values.type, '--type'),
      title: values.title,
      message: values.message,
      severity: values.severity,
      status: values.status,
      url: values.url,
      dedupeKey: values['dedupe-key'],
      fields: (values.field ?? []).map((f) => parseField(f, '--field')),
      template: Object.fromEntries((values.template ?? []).map((t) => parseField(t, '--template')).map(({ name, value }) => [name, value])),
    };
    if (!request.title?.trim() && !request.message?.trim()) throw new UsageError('give --title or --message (or both)');
    if (request.status !== undefined && !/^(firing|resolved)$/i.test(request.status)) throw new UsageError('--status must be firing or resolved');
    const timeoutMs = parseTimeout(values.timeout);
    // Options of the other path are refused, not ignored: `--direct --server …` would post somewhere else than asked.
    if (values.direct && (values.server !== undefined || values.token !== undefined)) throw new UsageError('--server and --token only apply without --direct (--direct posts to the webhooks of its own config)');
    // Each --direct run starts with an empty memory: a key there could never match an earlier send.
    if (values.direct && request.dedupeKey !== undefined) throw new UsageError('--dedupe-key only applies without --direct (the running alertcord remembers keys; a --direct run has nothing to match)');
    // The library (runtime, store, undici) loads only for --direct: the bridge path stays light.
    if (values.direct) return (await import('./send-direct.js')).sendDirect(request, { io, file: values.config, timeoutMs });
    if (values.config !== undefined) throw new UsageError('--config only applies with --direct (a running alertcord uses its own config)');
    const token = values.token === undefined ? await ingestToken(io) : { token: values.token };
    if ('error' in token) {
      io.err(`alertcord: ${token.error}`);
      return EXIT.failed;
    }
    return sendToBridge(request, { io, server: values.server ?? DEFAULT_SERVER, token: token.token, timeoutMs });
  },
};

/**
 * `$INGEST_TOKEN`, else the content of `$INGEST_TOKEN_FILE`, read as the server reads it (config/env.ts):
 * a container given only the secret file (docker-compose.yml) must be able to send too.
 */
async function ingestToken(io: CliIo): Promise<{ token?: string } | { error: string }> {
  const direct = io.env.INGEST_TOKEN?.trim();
  if (direct || !io.env.INGEST_TOKEN_FILE) return { token: direct || undefined };
  // Loaded only here: the config module brings zod, which the plain bridge path does without.
  const { resolveFileVariables } = await import('../config/env.js');
  const issues: ConfigIssue[] = [];
  const env = resolveFileVariables(io.env, (path) => readFileSync(path, 'utf8'), issues, ['INGEST_TOKEN']);
  if (issues.length > 0) return { error: issues.map((i) => `${i.path}: ${i.message}`).join('; ') };
  return { token: env.INGEST_TOKEN };
}

/** `name=value` (the value may contain `=`), given with `option`. */
export function parseField(text: string, option = '--field'): { name: string; value: string } {
  const at = text.indexOf('=');
  if (at < 1) throw new UsageError(`${option} expects NAME=VALUE, got "${text}"`);
  return { name: text.slice(0, at), value: text.slice(at + 1) };
}

/**
 * The longest --timeout: Node's timers hold at most 2^31-1 ms. Past it `AbortSignal.timeout` threw (reported
 * as "cannot reach", exit 3) and --direct's setTimeout fired at once (exit 3 before Discord was asked).
 */
const MAX_SEND_TIMEOUT_S = Math.floor((2 ** 31 - 1) / 1000);

function parseTimeout(text: string | undefined): number {
  if (text === undefined) return DEFAULT_SEND_TIMEOUT_S * 1000;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError('--timeout expects a positive number of seconds');
  if (seconds > MAX_SEND_TIMEOUT_S) throw new UsageError(`--timeout is at most ${MAX_SEND_TIMEOUT_S} seconds (about 24 days)`);
  return seconds * 1000;
}

/** The generic source's wire shape (the friendly one: type, severity, status, fields, url, template). */
export function toGenericBody(r: SendRequest): Record<string, unknown> {
  const template = Object.keys(r.template).length > 0 ? r.template : undefined;
  return { type: r.type, title: r.title, message: r.message, severity: r.severity, status: r.status?.toLowerCase(), url: r.url, dedupe_key: r.dedupeKey, fields: r.fields.length > 0 ? r.fields : undefined, template };
}

interface BridgeTarget {
  io: CliIo;
  server: string;
  token?: string;
  timeoutMs: number;
}

/** POSTs to `<server>/webhook/generic`: 202 → 0, 4xx → 1, 408 / 429 / 5xx / unreachable → 3. */
async function sendToBridge(request: SendRequest, t: BridgeTarget): Promise<ExitCode> {
  const endpoint = ingestEndpoint(t.server);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  // As its UTF-8 bytes, one character per byte: fetch takes only Latin-1 header values (a token with `€`
  // threw before anything was sent), and the server reads the bytes back as UTF-8 (http/admin-auth.ts).
  if (t.token) headers.authorization = `Bearer ${Buffer.from(t.token, 'utf8').toString('latin1')}`;
  let res: Response;
  try {
    res = await fetch(endpoint, { method: 'POST', headers, body: JSON.stringify(toGenericBody(request)), signal: AbortSignal.timeout(t.timeoutMs) });
  } catch (err) {
    t.io.err(`alertcord: cannot reach ${endpoint.origin}: ${describeFetchError(err)}`);
    return EXIT.unavailable;
  }
  const body = (await res.json().catch(() => ({}))) as { notifications?: string[]; duplicates?: number; muted?: number; warnings?: string[]; error?: { code?: string; message?: string; details?: unknown } };
  if (res.status === 202) {
    for (const warning of body.warnings ?? []) t.io.err(`alertcord: warning: ${warning}`);
    for (const id of body.notifications ?? []) t.io.out(`queued: notification ${id}`);
    if ((body.duplicates ?? 0) > 0) t.io.out(`duplicate: the same alert was accepted within the dedupe window; not sent again`);
    // Without this line a muted alert printed nothing at all, and exit 0: "my alert did not arrive".
    if ((body.muted ?? 0) > 0) t.io.out(`muted: accepted but not sent: the route it matched is muted now (mute_time_intervals / active_time_intervals)`);
    return EXIT.ok;
  }
  const retry = res.headers.get('retry-after');
  const what = [body.error?.code, body.error?.message ?? res.statusText].filter((part) => part !== undefined && part !== '').join(': ');
  t.io.err(`alertcord: ${res.status}${what ? ` ${what}` : ''}${retry ? ` (retry after ${retry}s)` : ''}`);
  for (const d of Array.isArray(body.error?.details) ? (body.error.details as { path?: string; message?: string }[]) : []) {
    t.io.err(`  - ${d.path || '(body)'}: ${d.message ?? ''}`);
  }
  return retryLater(res.status) ? EXIT.unavailable : EXIT.failed;
}

/** Answers a later try may not get (README exit code 3): a proxy's 408 timeout, 429, and every 5xx. */
function retryLater(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * `<server>/webhook/generic`. The server's path is kept (a reverse proxy may publish alertcord under
 * `/alertcord`, and send-alert.sh posts to `$ALERTCORD_URL/webhook/generic` too): resolving an absolute
 * path against it dropped the prefix. Only http(s): `localhost:8080` parses as a URL of scheme "localhost:".
 */
function ingestEndpoint(server: string): URL {
  const endpoint = URL.canParse(server) ? new URL(server) : undefined;
  if (endpoint?.protocol !== 'http:' && endpoint?.protocol !== 'https:') throw new UsageError(`--server must be a URL like ${DEFAULT_SERVER}`);
  // fetch refuses such a URL with an error quoting it whole, password (the ingest token) included.
  if (endpoint.username || endpoint.password) throw new UsageError('--server must not carry a user or password: give the ingest token with --token or INGEST_TOKEN');
  endpoint.pathname = `${endpoint.pathname.replace(/\/+$/, '')}/webhook/generic`;
  endpoint.search = '';
  endpoint.hash = '';
  return endpoint;
}

function describeFetchError(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'no answer in time (--timeout)';
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}
