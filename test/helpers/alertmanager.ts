/**
 * A real Prometheus Alertmanager (Debian's `prometheus-alertmanager`, 0.25.x) as a child process on
 * 127.0.0.1, for the end-to-end tests (issue 8, "Real senders end to end") and the benchmark's
 * side-by-side with Alertmanager's own `discord_configs` (issue 5).
 *
 * Single node: `--cluster.listen-address=` turns gossip off, so nothing listens beyond the loopback API.
 * Missing binary → throws `prometheus-alertmanager not found: apt-get install -y prometheus-alertmanager`;
 * tests never skip without it.
 *
 * ## What Alertmanager 0.25.0 really does (observed with the Debian binary against a recording server,
 * and read in prometheus/alertmanager `notify/webhook/webhook.go`, `notify/util.go`, `notify/notify.go`)
 *
 * Webhook receiver (`webhook_configs`):
 * - `POST <url>` with headers `User-Agent: Alertmanager/0.25.0`, `Content-Type: application/json`,
 *   `Content-Length`, and `Authorization: Bearer <credentials>` when `http_config.authorization` is set
 *   (type defaults to `Bearer`). HTTP/1.1 only (HTTP/2 disabled for webhooks).
 * - Body: `{ receiver, status, alerts[], groupLabels, commonLabels, commonAnnotations, externalURL,
 *   version: "4", groupKey, truncatedAlerts }`, compact JSON with a trailing newline. `groupKey` is the
 *   route's matchers path + `:` + group labels, e.g. `{}:{alertname="A"}` for the root route and
 *   `{}/{kind="x"}:{alertname="A"}` for a child route. Each alert: `status, labels, annotations,
 *   startsAt, endsAt` (`0001-01-01T00:00:00Z` while firing), `generatorURL` (`""` when none), `fingerprint`.
 * - `max_alerts: N` keeps the first N alerts of the group and sets `truncatedAlerts` to the number cut
 *   (3 alerts, `max_alerts: 1` → one alert, `truncatedAlerts: 2`); `0` means no limit.
 * - Answer handling (`notify.Retrier`): 2xx = done. 5xx and transport errors are retried with exponential
 *   backoff within one flush, for max(`group_interval`, 10 s) (observed: 7 attempts in 10 s with a 2 s
 *   group_interval), then the next flush sends the group again. Any 4xx, 429 included, is not retried
 *   in that flush and `Retry-After` is ignored; since nothing was logged as sent, the group goes out again
 *   at every `group_interval` (observed: a 429 every 2 s).
 * - `send_resolved: true` is needed for resolved notifications; a group can mix firing and resolved alerts.
 *
 * Discord receiver (`discord_configs`): **supported by 0.25.0** (`amtool check-config` accepts
 * `discord_configs: [{ webhook_url: 'http://127.0.0.1:1234/api/webhooks/1/abc' }]` and the server posts to
 * it). One `POST` per group and flush to `webhook_url` (no `?wait=`), headers `User-Agent: Alertmanager/0.25.0`,
 * `Content-Type: application/json`, body `{"content":"","embeds":[{"title","description","color"}]}`:
 * title `[FIRING:2] <group labels>` / `[RESOLVED] …`, description the default template listing every alert
 * of the group, color 0x992D22 firing / 0x2ECC71 resolved. No fields, no username, no `allowed_mentions`.
 * 0.25.0 does not truncate: a 312-character title and a 10,127-character description were sent as is
 * (Discord would answer 400; truncation to 256 / 4096 runes came in later releases). Same Retrier as the
 * webhook: a Discord 429 is dropped and re-sent at the next `group_interval`, ignoring `Retry-After`.
 *
 * Pushing: `POST /api/v2/alerts` with `PostableAlert[]`; an alert without `endsAt` stays firing until
 * `resolve_timeout` (5 m). To resolve, push the same labels with `endsAt` in the past ({@link resolvedAlerts});
 * the resolved notification goes out at the group's next flush (`group_interval`).
 *
 * Timing that keeps tests fast: {@link AM_FAST_ROUTE} (`group_wait: 1s`, `group_interval: 2s`,
 * `repeat_interval: 1h`); the first notification of a new group leaves about `group_wait` after the push.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { findBinary, freePort, waitForExit } from './processes.js';
import { join } from 'node:path';

/** An alert as `POST /api/v2/alerts` takes it (Alertmanager's `postableAlert`). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  /** RFC 3339; defaults to the time Alertmanager receives it. */
  startsAt?: string;
  /** RFC 3339; in the past = resolved. Omitted = firing until `resolve_timeout`. */
  endsAt?: string;
  generatorURL?: string;
}

export interface StartAlertmanagerOptions {
  /** The whole `alertmanager.yml`, as YAML text. */
  config: string;
  /**
   * HA mode: gossip on this loopback port (from `freeFixedPort()`) with these peers (`127.0.0.1:<port>`) and
   * `peerTimeout` (Alertmanager's default 15 s) between the peers' sends. `lagging`: gossip and state syncs
   * so rare that a peer's notification log reaches the other only after it has sent too (a slow or lossy
   * network), so both post the same notification. Omitted: single node, gossip off.
   */
  cluster?: { port: number; peers: string[]; peerTimeout?: string; lagging?: boolean };
}

/** A running Alertmanager child process. */
export interface AlertmanagerProcess {
  /** `http://127.0.0.1:<port>` (also its `externalURL`). */
  url: string;
  port: number;
  /** `POST /api/v2/alerts`; throws unless Alertmanager answers 200. */
  pushAlerts(alerts: PostableAlert[]): Promise<void>;
  /** SIGTERM (SIGKILL after 5 s), then removes the temporary directory. Idempotent. */
  stop(): Promise<void>;
  /** What the process printed so far (stdout and stderr, last 64 KiB). */
  logs(): string;
}

/** Options of {@link amWebhookConfig}. */
export interface AmWebhookConfigOptions {
  url: string;
  /** `http_config.authorization.credentials` (type Bearer). */
  bearer?: string;
  /** `max_alerts` (0 = unlimited, Alertmanager's default). */
  maxAlerts?: number;
  /** `send_resolved` (default true here; Alertmanager's own default for webhooks is also true). */
  sendResolved?: boolean;
}

/** Options of {@link amDiscordConfig}. */
export interface AmDiscordConfigOptions {
  /** `webhook_url`, e.g. a fake Discord's `urlFor(id)`. */
  webhookUrl: string;
  /** `send_resolved` (default true). */
  sendResolved?: boolean;
}

/** Route timing that makes tests fast: first notice 1 s after the push, next flushes every 2 s. */
export const AM_FAST_ROUTE = {
  group_wait: '1s',
  group_interval: '2s',
  repeat_interval: '1h',
} as const;

const BINARY = 'prometheus-alertmanager';
const AMTOOL = 'amtool';
const NOT_FOUND = 'prometheus-alertmanager not found: apt-get install -y prometheus-alertmanager';
const AMTOOL_NOT_FOUND = 'amtool not found: apt-get install -y prometheus-alertmanager';
const READY_TIMEOUT_MS = 15_000;
const EXIT_TIMEOUT_MS = 5_000;
const LOG_LIMIT = 64 * 1024;
const START_ATTEMPTS = 3;

/**
 * One `webhook_configs` entry as a YAML flow mapping (JSON), so it can be dropped into any indentation:
 * `webhook_configs: [${amWebhookConfig({ url, bearer: 't', maxAlerts: 1 })}]`.
 */
export function amWebhookConfig(opts: AmWebhookConfigOptions): string {
  const entry: Record<string, unknown> = {
    url: opts.url,
    send_resolved: opts.sendResolved ?? true,
  };
  if (opts.maxAlerts !== undefined) entry.max_alerts = opts.maxAlerts;
  if (opts.bearer !== undefined) {
    entry.http_config = { authorization: { type: 'Bearer', credentials: opts.bearer } };
  }
  return JSON.stringify(entry);
}

/** One `discord_configs` entry (Alertmanager ≥ 0.25) as a YAML flow mapping, like {@link amWebhookConfig}. */
export function amDiscordConfig(opts: AmDiscordConfigOptions): string {
  return JSON.stringify({ webhook_url: opts.webhookUrl, send_resolved: opts.sendResolved ?? true });
}

/** Options of {@link amConfig}. */
export interface AmConfigOptions {
  /** Receiver name (default `alertcord`). */
  receiver?: string;
  /** Entries from {@link amWebhookConfig}. */
  webhookConfigs?: string[];
  /** Entries from {@link amDiscordConfig}. */
  discordConfigs?: string[];
  /** `group_by` (default `['alertname']`). */
  groupBy?: string[];
  /** Overrides of {@link AM_FAST_ROUTE}, e.g. `{ group_interval: '10s' }`. */
  timing?: Partial<Record<keyof typeof AM_FAST_ROUTE, string>>;
}

/** A whole `alertmanager.yml`: one route with {@link AM_FAST_ROUTE} timing into one receiver. */
export function amConfig(opts: AmConfigOptions): string {
  const route = {
    receiver: opts.receiver ?? 'alertcord',
    group_by: opts.groupBy ?? ['alertname'],
    ...AM_FAST_ROUTE,
    ...opts.timing,
  };
  const receiver = [`  - name: ${JSON.stringify(route.receiver)}`];
  if (opts.webhookConfigs?.length) receiver.push(`    webhook_configs: [${opts.webhookConfigs.join(', ')}]`);
  if (opts.discordConfigs?.length) receiver.push(`    discord_configs: [${opts.discordConfigs.join(', ')}]`);
  return [`route: ${JSON.stringify(route)}`, 'receivers:', ...receiver, ''].join('\n');
}

/** The same alerts, resolved: `endsAt` one second ago (push them with `pushAlerts`). */
export function resolvedAlerts(alerts: readonly PostableAlert[], now = Date.now()): PostableAlert[] {
  const endsAt = new Date(now - 1000).toISOString();
  return alerts.map((alert) => ({ ...alert, endsAt }));
}

/**
 * Starts `prometheus-alertmanager` with `opts.config` on 127.0.0.1 and a free port, cluster off, and
 * resolves once `GET /-/ready` answers 200. Throws (with the process output) when the binary is missing,
 * the config is rejected or it is not ready within 15 s. The process is killed on `stop()` and, failing
 * that, when the test process exits.
 */
export async function startAlertmanager(opts: StartAlertmanagerOptions): Promise<AlertmanagerProcess> {
  const binary = await findBinary(BINARY);
  if (!binary) throw new Error(NOT_FOUND);
  const dir = await mkdtemp(join(tmpdir(), 'alertcord-am-'));
  const configFile = join(dir, 'am.yml');
  const dataDir = join(dir, 'data');
  await writeFile(configFile, opts.config, 'utf8');
  await mkdir(dataDir);

  let child: ChildProcess | undefined;
  let current: Spawned | undefined;
  const onExit = (): void => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  const cleanup = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running) await terminate(running);
    process.removeListener('exit', onExit);
    await rm(dir, { recursive: true, force: true });
  };

  let port = 0;
  try {
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const proc = spawnAlertmanager(binary, [
        `--config.file=${configFile}`,
        `--storage.path=${dataDir}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--web.external-url=${url}`,
        ...clusterArgs(opts.cluster),
        '--log.level=warn',
      ]);
      child = proc.child;
      try {
        await waitForReady(url, proc);
        current = proc;
        break;
      } catch (err) {
        await terminate(proc.child);
        child = undefined;
        // Another process took the port between freePort() and the bind: try another one.
        if (attempt < START_ATTEMPTS && /address already in use/i.test(proc.output())) continue;
        throw err;
      }
    }
  } catch (err) {
    await cleanup();
    throw err;
  }

  const url = `http://127.0.0.1:${port}`;
  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    async pushAlerts(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      if (res.status !== 200) {
        throw new Error(`Alertmanager POST /api/v2/alerts answered ${res.status}: ${text.trim()}`);
      }
    },
    stop() {
      stopped ??= cleanup();
      return stopped;
    },
    logs: () => current?.output() ?? '',
  };
}

/**
 * `amtool check-config` on the YAML text: `ok` when amtool exits 0, `output` its stdout and stderr
 * (e.g. `Checking '…/am.yml'  SUCCESS` or the parse error). Throws when amtool is missing.
 */
export async function checkAlertmanagerConfig(yaml: string): Promise<{ ok: boolean; output: string }> {
  const binary = await findBinary(AMTOOL);
  if (!binary) throw new Error(AMTOOL_NOT_FOUND);
  const dir = await mkdtemp(join(tmpdir(), 'alertcord-amtool-'));
  try {
    const file = join(dir, 'am.yml');
    await writeFile(file, yaml, 'utf8');
    return await new Promise((resolve, reject) => {
      const child = spawn(binary, ['check-config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      const keep = (chunk: Buffer): void => {
        output += chunk.toString('utf8');
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject((err as NodeJS.ErrnoException).code === 'ENOENT' ? new Error(AMTOOL_NOT_FOUND) : err);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ ok: code === 0, output });
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `prometheus-alertmanager --version`'s version, e.g. `0.25.0` (for the benchmark's table). */
export async function alertmanagerVersion(): Promise<string> {
  const binary = await findBinary(BINARY);
  if (!binary) throw new Error(NOT_FOUND);
  const text = await new Promise<string>((resolve, reject) => {
    const child = spawn(binary, ['--version'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', () => resolve(out));
  });
  const match = /version (\S+)/.exec(text);
  if (!match?.[1]) throw new Error(`cannot read the Alertmanager version from: ${text.trim()}`);
  return match[1];
}

/**
 * The gossip flags: none but an empty listen address (gossip off) for a single node. For a pair, a loopback
 * listener and its peers; the pair waits to settle (three equal member counts one push-pull interval apart)
 * before its first notification, for at most `settle-timeout` (1 m by default, 5 s here). Prompt: a 200 ms
 * push-pull settles it within a second and syncs each notification log as fast. Lagging: 10 s gossip and
 * probes, a 1 m push-pull (the pair starts sending after the 5 s settle timeout).
 */
function clusterArgs(cluster: StartAlertmanagerOptions['cluster']): string[] {
  if (!cluster) return ['--cluster.listen-address='];
  const timing = cluster.lagging ? { gossip: '10s', probe: '10s', pushPull: '1m' } : { gossip: '50ms', probe: '1s', pushPull: '200ms' };
  return [
    `--cluster.listen-address=127.0.0.1:${cluster.port}`,
    ...cluster.peers.map((peer) => `--cluster.peer=${peer}`),
    `--cluster.peer-timeout=${cluster.peerTimeout ?? '15s'}`,
    `--cluster.gossip-interval=${timing.gossip}`,
    `--cluster.probe-interval=${timing.probe}`,
    `--cluster.pushpull-interval=${timing.pushPull}`,
    '--cluster.settle-timeout=5s',
  ];
}

interface Spawned {
  child: ChildProcess;
  /** Last 64 KiB of stdout and stderr. */
  output(): string;
  /** Set when the process failed to spawn or exited. */
  failure(): Error | undefined;
}

function spawnAlertmanager(binary: string, args: string[]): Spawned {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let failure: Error | undefined;
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-LOG_LIMIT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (err) => {
    failure = (err as NodeJS.ErrnoException).code === 'ENOENT' ? new Error(NOT_FOUND) : err;
  });
  child.on('exit', (code, sig) => {
    failure ??= new Error(`prometheus-alertmanager exited (code ${code}, signal ${sig}): ${output.trim()}`);
  });
  return {
    child,
    output: () => output,
    failure: () => failure,
  };
}

/** Polls `GET /-/ready` until 200, the process dies, or 15 s pass. */
async function waitForReady(url: string, proc: Spawned): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const failure = proc.failure();
    if (failure) throw failure;
    try {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`prometheus-alertmanager at ${url} not ready within ${READY_TIMEOUT_MS} ms: ${proc.output().trim()}`);
}

/** SIGTERM, SIGKILL after 5 s; resolves once the process is gone. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = waitForExit(child, EXIT_TIMEOUT_MS);
  child.kill('SIGTERM');
  if (await exited) return;
  const killed = waitForExit(child, EXIT_TIMEOUT_MS);
  child.kill('SIGKILL');
  await killed;
}



