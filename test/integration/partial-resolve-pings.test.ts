import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/store/redis/index.js';
import type { Store } from '../../src/store/types.js';
import { startBridge, HOOK_IDS, type Bridge } from '../helpers/bridge.js';
import { fixtureBody } from '../helpers/fixtures.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';

interface WireAlert { status: string; labels: Record<string, string>; startsAt: string; endsAt: string; fingerprint: string }
interface Body { status: string; alerts: WireAlert[]; truncatedAlerts: number }

/** The critical fixture's group (@here on the critical channel) with `alerts`, each `db-N:STATUS[:start]`. */
function group(...alerts: string[]): Body {
  const body = fixtureBody<Body>('alertmanager/firing-critical.json');
  const template = body.alerts[0]!;
  body.alerts = alerts.map((spec) => {
    const [host, status, start] = spec.split(':') as [string, 'firing' | 'resolved', string | undefined];
    return {
      ...structuredClone(template),
      status,
      labels: { ...template.labels, instance: `${host}:5432` },
      fingerprint: `fp-${host}`,
      startsAt: `2026-11-28T17:0${start ?? '0'}:00Z`,
      endsAt: status === 'resolved' ? '2026-11-28T18:00:00Z' : '0001-01-01T00:00:00Z',
    };
  });
  body.status = body.alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved';
  return body;
}

interface Sent { content?: string; allowed_mentions: { parse: string[] }; embeds: { title: string }[] }

/** Posts `body` and returns the message it became on the critical channel. */
async function deliver(bridge: Bridge, body: Body): Promise<Sent> {
  const before = bridge.fake.messages.length;
  expect((await bridge.post('/webhook/alertmanager', body)).status).toBe(202);
  const message = (await bridge.fake.waitForMessages(before + 1))[before]!;
  expect(message.webhookId).toBe(HOOK_IDS.critical);
  return message.body as unknown as Sent;
}

const pinged = (m: Sent) => (m.content ?? '').includes('@here') && m.allowed_mentions.parse.includes('everyone');
const silent = (m: Sent) => !(m.content ?? '').includes('@here') && m.allowed_mentions.parse.length === 0;

let redis: RedisServer | undefined;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.destroy();
});

const stores: Record<string, () => Store | undefined> = {
  memory: () => undefined,
  redis: () => createRedisStore({ url: redis!.url, queueSize: 1_000, historyMaxEntries: 100, historyRetentionMs: 3_600_000, commandTimeoutMs: 1_000 }),
};

describe.each(Object.keys(stores))('a group where some alerts resolve while others still fire (%s store)', (kind) => {
  let bridge: Bridge | undefined;
  afterEach(async () => {
    await bridge?.close();
    bridge = undefined;
    if (kind === 'redis') {
      const client = new Redis(redis!.url);
      await client.flushall();
      await client.quit();
    }
  });
  const start = async (yaml = '') => (bridge = await startBridge({ store: stores[kind]!(), yaml }));

  it('shows the resolve without pinging again for alerts the channel was pinged about', async () => {
    const b = await start();
    expect(pinged(await deliver(b, group('db-1:firing', 'db-2:firing')))).toBe(true);
    const partial = await deliver(b, group('db-1:resolved', 'db-2:firing'));
    expect(silent(partial)).toBe(true);
    expect(partial.embeds.map((e) => e.title).join('\n')).toMatch(/RESOLVED/);
  });

  it('pings when the partial resolve carries a firing alert not pinged about yet, or one that fired anew', async () => {
    const b = await start();
    await deliver(b, group('db-1:firing', 'db-2:firing'));
    expect(pinged(await deliver(b, group('db-1:resolved', 'db-2:firing', 'db-3:firing')))).toBe(true);
    // db-2 fired again: a new start is a new firing.
    expect(pinged(await deliver(b, group('db-3:resolved', 'db-2:firing:5')))).toBe(true);
  });

  it('pings for a partial resolve whose firing alerts were never pinged about, and for one the sender cut', async () => {
    const b = await start();
    expect(pinged(await deliver(b, group('db-1:resolved', 'db-2:firing')))).toBe(true);
    await deliver(b, group('db-3:firing', 'db-4:firing'));
    const cut = group('db-3:resolved', 'db-4:firing');
    cut.truncatedAlerts = 2; // Alertmanager's max_alerts left alerts out: one of them may be new
    expect(pinged(await deliver(b, cut))).toBe(true);
  });

  it('a reminder of a group still firing (nothing resolved) pings as before', async () => {
    const b = await start('dedupe: { window: 1ms }'); // the reminder comes after the dedupe window (repeat_interval)
    await deliver(b, group('db-1:firing', 'db-2:firing'));
    expect(pinged(await deliver(b, group('db-1:firing', 'db-2:firing')))).toBe(true);
  });

  it('a firing and its partial resolve held together by a global pause (a Cloudflare ban outlasts group_interval): one page', async () => {
    const b = await start();
    // Another webhook's message meets a global 429: every webhook waits, and both notifications of the group pile up
    // (read in one batch; should the second come after the pause instead, it is judged alone: one page either way).
    b.fake.inject(HOOK_IDS.general!, { kind: '429', retryAfter: 1.5, global: true });
    expect((await b.post('/webhook/generic', { title: 'meets the global pause' })).status).toBe(202);
    await expect.poll(() => b.fake.requests.some((r) => r.status === 429)).toBe(true);
    expect((await b.post('/webhook/alertmanager', group('db-1:firing', 'db-2:firing'))).status).toBe(202);
    expect((await b.post('/webhook/alertmanager', group('db-1:resolved', 'db-2:firing'))).status).toBe(202);
    await b.fake.waitForMessages(3, 10_000);
    const critical = b.fake.messagesFor(HOOK_IDS.critical!).map((m) => m.body as unknown as Sent);
    expect(critical.map((m) => m.embeds.map((e) => e.title).join('|')).join('\n')).toMatch(/RESOLVED/);
    expect(critical.filter(pinged)).toHaveLength(1);
    expect(pinged(critical[0]!)).toBe(true);
  });
});
