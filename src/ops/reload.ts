import type { Logger } from 'pino';
import type { ConfigIssue } from '../config/issues.js';
import { loadConfig, type LoadOptions, type LoadResult } from '../config/load.js';
import type { Config, StoreConfig } from '../config/types.js';
import type { Delivery } from '../delivery/delivery.js';
import { redactUrls } from '../lib/redact-urls.js';
import type { WebhookState } from '../delivery/webhook-state.js';

/** What `runtime.reload()` answers. */
export type ReloadResult =
  | { ok: true; added: string[]; removed: string[]; changed: string[]; restartNeeded: string[] }
  | { ok: false; issues: ConfigIssue[] };

export interface ReloadDeps {
  /** How the running config was read (env + file), read the same way again; absent: nothing to reload from. */
  source?: LoadOptions;
  current: () => Config;
  /** Puts the new config in force (routes, types, webhooks …) for intake, workers and the admin API. */
  swap: (next: Config) => void;
  state: WebhookState;
  delivery: Pick<Delivery, 'ensureWorker' | 'start'>;
  logger: Logger;
  /** Counts each reload by result (`alertcord_config_reloads_total{result}`). */
  onResult?: (result: 'ok' | 'failed') => void;
}

/**
 * How a reload reads the config: as the start did (`start`), except that the file the start read (`startFile`,
 * the default config/alertcord.yaml included) must still be there and must not be empty. A reload is often
 * sent while a save is on its way (vim renames the old file away before writing the new one; a tool
 * truncates, then writes): read as "no file" or as an empty one, it applied the built-in defaults and dropped
 * every webhook and route of the file, moving their queued work to general or to dead letters.
 */
export function reloadSource(start: LoadOptions, startFile: string | undefined): LoadOptions {
  return { ...start, file: start.file ?? startFile, refuseEmptyFile: true };
}

/** Settings fixed when the process starts (the socket, the store and what it was built with). */
const RESTART_ONLY: readonly { path: string; get: (c: Config) => unknown }[] = [
  { path: 'server.host', get: (c) => c.server.host },
  { path: 'server.port', get: (c) => c.server.port },
  { path: 'server.request_timeout', get: (c) => c.server.requestTimeoutMs },
  { path: 'store', get: (c) => storeIdentity(c.store) },
  { path: 'discord.queue_size', get: (c) => c.discord.queueSize },
  { path: 'discord.circuit_breaker', get: (c) => JSON.stringify(c.discord.breaker) },
  { path: 'history', get: (c) => JSON.stringify(c.history) },
  { path: 'otlp.flood', get: (c) => JSON.stringify(c.otlp.flood) },
];

/**
 * Reads YAML + env again and, when valid, swaps routes, alert types, webhooks and every live setting in
 * without dropping queued work: queues are per webhook id, so a queue whose webhook vanished is moved by
 * its worker (to the type's new webhook, else general, else dead letters), as is the work of a type moved to
 * another webhook (Rerouter.moveMisplaced; a message already waiting in the send stage at its next attempt); workers for new webhooks start;
 * a webhook whose URL changed, or that is added, loses its broken mark. An invalid config keeps the running one, logs every
 * problem, and counts a failed reload. Settings that need a restart keep their running values, with a warning.
 */
export async function reloadConfig(deps: ReloadDeps, trigger = 'api'): Promise<ReloadResult> {
  const loaded = deps.source ? loadGuarded(deps.source) : { ok: false as const, issues: [{ path: '(reload)', message: 'this runtime was not given a config source to reload from' }] };
  if (!loaded.ok) {
    deps.logger.error({ trigger, issues: loaded.issues }, `config reload failed, the running config stays: ${loaded.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    deps.onResult?.('failed');
    return { ok: false, issues: loaded.issues };
  }
  for (const w of loaded.warnings) deps.logger.warn({ trigger }, w);
  const prev = deps.current();
  const restartNeeded = RESTART_ONLY.filter((s) => s.get(prev) !== s.get(loaded.config)).map((s) => s.path);
  if (restartNeeded.length > 0) {
    deps.logger.warn({ trigger, settings: restartNeeded }, `config reload: ${restartNeeded.join(', ')} only change on restart; the running values stay until then`);
  }
  const next = pinRestartOnly(prev, loaded.config);
  const before = webhookUrls(prev);
  const after = webhookUrls(next);
  const added = [...after.keys()].filter((id) => !before.has(id));
  const removed = [...before.keys()].filter((id) => !after.has(id));
  const changed = [...after.keys()].filter((id) => before.has(id) && before.get(id) !== after.get(id));
  deps.swap(next);
  // A new URL, or a webhook (re)added, starts unmarked: a mark left from before (removed in an earlier reload,
  // or by an earlier run) is about another URL, or one the operator just vouched for; a 401/403/404 marks it again.
  // Not clearable (the store down): the mark stays and the fixed webhook's alerts go to general once the store
  // is back; the operator is told what undoes it.
  for (const id of [...changed, ...added]) {
    // `webhookId`, not `webhook`: the logger's redaction blanks a `webhook` key (it may hold a URL).
    await deps.state.clearBroken(id).catch((err: unknown) =>
      deps.logger.warn({ trigger, webhookId: id, err: String(err) }, 'config reload: could not clear the broken mark of a changed or added webhook (store unreachable); if it was marked, its alerts go to general until POST /api/validate or another reload once the store is back'),
    );
  }
  for (const id of added) deps.delivery.ensureWorker(id);
  // Queues left without a webhook need a worker to move their work; the store knows every queue.
  await deps.delivery.start().catch((err: unknown) => deps.logger.warn({ err: String(err) }, 'config reload: could not list queues (store unreachable)'));
  deps.logger.info(
    { trigger, alertTypes: [...next.alertTypes.keys()], webhooks: [...after.keys()], routes: next.routes.length, added, removed, changed, watchdog: next.watchdog !== undefined },
    'config reloaded',
  );
  deps.onResult?.('ok');
  return { ok: true, added, removed, changed, restartNeeded };
}

/** The new config with the restart-only settings of the running one. */
function pinRestartOnly(prev: Config, next: Config): Config {
  return {
    ...next,
    server: { ...next.server, host: prev.server.host, port: prev.server.port, requestTimeoutMs: prev.server.requestTimeoutMs },
    store: prev.store,
    discord: { ...next.discord, queueSize: prev.discord.queueSize, breaker: prev.discord.breaker },
    history: prev.history,
    otlp: { ...next.otlp, flood: prev.otlp.flood },
  };
}

/** Webhook id → URL (in memory only, to notice a changed token; never logged). */
function webhookUrls(config: Config): Map<string, string> {
  const urls = new Map<string, string>();
  for (const t of config.alertTypes.values()) if (t.webhook) urls.set(t.webhook.id, t.webhook.url.reveal());
  return urls;
}

function storeIdentity(store: StoreConfig): string {
  return store.kind === 'memory' ? 'memory' : JSON.stringify({ ...store, url: store.url.reveal() });
}

/**
 * loadConfig, with anything it throws (it reports bad input as issues; a throw is a bug) turned into a failed
 * reload: SIGHUP and the file watch start reloads without awaiting them, so a throw would be an unhandled
 * rejection, which ends the process.
 */
function loadGuarded(source: LoadOptions): LoadResult {
  try {
    return loadConfig(source);
  } catch (err) {
    // Redacted: a throw's message may quote the value it choked on, a webhook URL with its token.
    return { ok: false, issues: [{ path: '(reload)', message: `the config could not be loaded: ${redactUrls(String(err))}` }] };
  }
}
