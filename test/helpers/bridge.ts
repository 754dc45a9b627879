import pino, { type Logger } from 'pino';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { WEBHOOK_ENV } from '../../src/config/env.js';
import type { Random } from '../../src/delivery/clock.js';
import { startHttpServer, type HttpServer } from '../../src/http/serve.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import type { Store } from '../../src/store/types.js';
import type { WebhookState } from '../../src/delivery/webhook-state.js';
import { startFakeDiscord, type FakeDiscord, type FakeDiscordOptions } from './fake-discord/index.js';

/** Webhook ids of the fake, one per built-in type; `shared` types use general's. */
export const HOOK_IDS: Record<string, string> = {
  general: '100000000000000001',
  error: '100000000000000002',
  critical: '100000000000000003',
  tracklist: '100000000000000004',
  monitoring: '100000000000000005',
  security: '100000000000000006',
};

export interface BridgeOptions {
  /** Types given their own webhook (default: all six). */
  types?: string[];
  env?: Record<string, string>;
  yaml?: string;
  fake?: FakeDiscordOptions;
  store?: Store;
  state?: WebhookState;
  /** Backoff jitter; 0 makes retries immediate. */
  random?: Random;
  /** The runtime's logger (default: silent); give one over a destination stream to capture log lines. */
  logger?: Logger;
}

export interface Bridge {
  url: string;
  fake: FakeDiscord;
  runtime: Runtime;
  /** The HTTP server, started as main.ts starts it (same timeouts), on 127.0.0.1:0. */
  server: HttpServer;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/**
 * A real alertcord on a loopback socket, delivering into a strict fake Discord (one webhook per alert
 * type, each in its own channel). What end-to-end tests of delivery use.
 */
export async function startBridge(options: BridgeOptions = {}): Promise<Bridge> {
  const types = options.types ?? Object.keys(HOOK_IDS);
  const fake = await startFakeDiscord({
    ...options.fake,
    webhooks: Object.entries(HOOK_IDS).map(([type, id]) => ({ id, token: `tok-${type}-secret`, channelId: `chan-${type}` })),
  });
  const env: Record<string, string> = { DISCORD_ALLOWED_HOSTS: new URL(fake.origin).host, ...options.env };
  for (const type of types) env[WEBHOOK_ENV[type]!] = fake.urlFor(HOOK_IDS[type]!);
  const { config } = loadConfigOrThrow({ env, yaml: options.yaml ?? '' });
  const runtime = createRuntime({ config, logger: options.logger ?? pino({ level: 'silent' }), store: options.store, state: options.state, random: options.random ?? (() => 0) });
  await runtime.start();
  const server = await startHttpServer(runtime.app, config, { host: '127.0.0.1', port: 0 });
  const { url } = server;
  return {
    url,
    fake,
    runtime,
    server,
    post: (path, body, headers = {}) =>
      fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } }),
    async close() {
      await runtime.stop(200);
      await server.close();
      await fake.close();
    },
  };
}
