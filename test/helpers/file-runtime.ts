import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfigOrThrow, type LoadOptions } from '../../src/config/load.js';
import { sleep, type Clock } from '../../src/delivery/clock.js';
import { startHttpServer, type HttpServer } from '../../src/http/serve.js';
import { createLogger } from '../../src/lib/logger.js';
import type { WatchdogTimers } from '../../src/ops/watchdog-timers.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import type { Store } from '../../src/store/types.js';
import { HOOK_IDS } from './bridge.js';
import { startFakeDiscord, type FakeDiscord } from './fake-discord/index.js';

/** A pino line captured from the runtime. */
export type CapturedLog = { level: number; msg: string; [key: string]: unknown };

export interface FileRuntime {
  fake: FakeDiscord;
  runtime: Runtime;
  server: HttpServer;
  url: string;
  /** The YAML file the runtime was loaded from (and reloads from). */
  file: string;
  /** Every log line so far. */
  logs: CapturedLog[];
  /** The fake's URL for a type's webhook (HOOK_IDS). */
  hook(type: string): string;
  writeConfig(yaml: string): void;
  post(path: string, body: unknown): Promise<Response>;
  close(): Promise<void>;
}

export interface FileRuntimeOptions {
  /** The YAML, given the fake's webhook URL per type. */
  yaml: (hook: (type: string) => string) => string;
  env?: Record<string, string>;
  clock?: Clock;
  watchdogTimers?: WatchdogTimers;
  /** A store shared with other runtimes (replicas); the config's own by default. */
  store?: Store;
}

/**
 * alertcord loaded from a real YAML file in a temp directory (webhooks in the file, not the env, so a
 * reload can remove them), with a config source so `runtime.reload()` reads it again, a strict fake
 * Discord with one webhook per built-in type, an HTTP server on 127.0.0.1, and its log lines captured.
 */
export async function startFileRuntime(options: FileRuntimeOptions): Promise<FileRuntime> {
  const fake = await startFakeDiscord({ webhooks: Object.entries(HOOK_IDS).map(([type, id]) => ({ id, token: `tok-${type}-secret`, channelId: `chan-${type}` })) });
  const dir = mkdtempSync(join(tmpdir(), 'alertcord-reload-'));
  const file = join(dir, 'alertcord.yaml');
  const hook = (type: string) => fake.urlFor(HOOK_IDS[type]!);
  writeFileSync(file, options.yaml(hook));
  const env = { DISCORD_ALLOWED_HOSTS: new URL(fake.origin).host, ...options.env };
  const source: LoadOptions = { env, file };
  const logs: CapturedLog[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line) as CapturedLog);
      done();
    },
  });
  const { config } = loadConfigOrThrow(source);
  const logger = createLogger('info', sink);
  const runtime = createRuntime({ config, logger, configSource: source, random: () => 0, processMetrics: false, clock: options.clock ?? { now: () => Date.now(), sleep }, watchdogTimers: options.watchdogTimers, ...(options.store ? { store: options.store } : {}) });
  await runtime.start();
  const server = await startHttpServer(runtime.app, config, { host: '127.0.0.1', port: 0 });
  return {
    fake,
    runtime,
    server,
    url: server.url,
    file,
    logs,
    hook,
    writeConfig: (yaml) => writeFileSync(file, yaml),
    post: (path, body) => fetch(`${server.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    async close() {
      await runtime.stop(200);
      await server.close();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
