import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { OutcomeRecorder } from '../../src/delivery/recorder.js';
import { Rerouter } from '../../src/delivery/reroute.js';
import { createRedisStore, type RedisStore } from '../../src/store/redis/index.js';
import { RedisWebhookState } from '../../src/store/redis/webhook-state.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { workerNotification } from '../helpers/worker-harness.js';

const GENERAL = '1';
const ERROR = '2';
const config = loadConfigOrThrow({
  env: { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/general-token', DISCORD_WEBHOOK_ERRORS: 'https://discord.com/api/webhooks/2/error-token' },
}).config;

let server: RedisServer;
const stores: RedisStore[] = [];

/** One replica's (or one run's) view: its own connection, state and rerouter over the shared Redis. */
function replica(name: string) {
  const store = createRedisStore({ url: server.url, queueSize: 1_000, historyMaxEntries: 100, historyRetentionMs: 3_600_000, consumerName: name, visibilityTimeoutMs: 60_000, commandTimeoutMs: 1_000 });
  stores.push(store);
  const state = new RedisWebhookState({ redis: store.connection, keyPrefix: 'alertcord' });
  const logger = pino({ level: 'silent' });
  const recorder = new OutcomeRecorder({ store, now: Date.now, logger });
  return { store, state, rerouter: new Rerouter({ store, state, recorder, logger, now: Date.now }) };
}

beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  await server?.destroy();
});
afterEach(async () => {
  const [first] = stores;
  await first?.connection.flushall();
  await Promise.all(stores.splice(0).map((s) => s.close().catch(() => undefined)));
});

describe('reroute of a broken webhook over Redis', () => {
  it('two replicas rerouting the same broken webhook post one notice between them', async () => {
    const a = replica('a');
    const b = replica('b');
    await a.state.markBroken(ERROR, 'unknown webhook', Date.now());
    for (const [r, id] of [[a, 'x'], [b, 'y']] as const) {
      await r.store.queue.enqueue(ERROR, { ...workerNotification(id), alertType: 'error' });
      await r.rerouter.reroute(ERROR, await r.store.queue.read(ERROR, 100, 0), config);
    }
    const queued = await a.store.queue.read(GENERAL, 100, 0);
    expect(queued.map((i) => (i.notification.source === 'alertcord' ? 'notice' : i.notification.id))).toEqual(['notice', 'x', 'y']);
  });
});
