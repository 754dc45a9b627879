import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/store/redis/index.js';
import type { HistoryEntry, Store } from '../../src/store/types.js';
import type { StatsSummary } from '../../src/store/stats-summary.js';
import { HOOK_IDS, startBridge, type Bridge } from '../helpers/bridge.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';

let server: RedisServer | undefined;
let admin: Redis | undefined;
let bridge: Bridge | undefined;
beforeAll(async () => {
  server = await startRedis({ appendonly: false });
  admin = new Redis(server.url);
});
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
});
afterAll(async () => {
  await admin?.quit();
  await server?.destroy();
});

const STORES: Record<string, () => Promise<Store | undefined>> = {
  memory: async () => undefined,
  redis: async () => {
    await admin!.flushall();
    return createRedisStore({ url: server!.url, queueSize: 100, historyMaxEntries: 1_000, historyRetentionMs: 7 * 86_400_000, consumerName: 'routes' });
  },
};

async function get<T>(b: Bridge, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${b.url}/api${path}`, { headers });
  return { status: res.status, body: (await res.json()) as T };
}

type Listed = { count: number; items: HistoryEntry[] };
type Failure = { error: { code: string; message: string; details?: { path: string; message: string }[]; requestId: string } };

/** Three real deliveries: one sent, one sent after a 500, one refused with a 400 (dead-lettered). */
async function deliverThree(b: Bridge): Promise<Record<'sent' | 'retried' | 'refused', string>> {
  b.fake.inject(HOOK_IDS.critical!, { status: 500 });
  b.fake.inject(HOOK_IDS.error!, { status: 400 });
  const post = async (body: unknown): Promise<string> => ((await (await b.post('/webhook/generic', body)).json()) as { notifications: string[] }).notifications[0]!;
  const sent = await post({ title: 'plain and simple' });
  const retried = await post({ alert_type: 'critical', title: 'after one 500' });
  const refused = await post({ alert_type: 'error', title: 'refused by Discord' });
  await expect.poll(async () => (await get<Listed>(b, '/history')).body.count, { timeout: 15_000 }).toBe(3);
  return { sent, retried, refused };
}

describe.each(Object.keys(STORES))('admin history and stats over real deliveries (%s store)', (kind) => {
  it('lists, filters and gets what was delivered; stats add it up', async () => {
    bridge = await startBridge({ store: await STORES[kind]!() });
    const id = await deliverThree(bridge);
    const all = (await get<Listed>(bridge, '/history')).body.items;
    expect(all.map((e) => e.id).sort()).toEqual(Object.values(id).sort());
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.receivedAt).toBeGreaterThanOrEqual(all[i]!.receivedAt);

    const failed = (await get<Listed>(bridge, '/history?outcome=failed')).body.items;
    expect(failed.map((e) => e.id)).toEqual([id.refused]);
    expect(failed[0]).toMatchObject({ alertType: 'error', source: 'generic', status: 'firing', retries: 0, outcome: { status: 'dead_lettered', reason: 'invalid_body', attempts: 1 } });
    const critical = (await get<Listed>(bridge, '/history?type=critical&status=firing')).body.items;
    expect(critical).toHaveLength(1);
    expect(critical[0]).toMatchObject({ id: id.retried, retries: 1, lastFailureReason: 'server_error', outcome: { status: 'sent', attempts: 2 } });
    expect((await get<Listed>(bridge, '/history?status=resolved')).body.count).toBe(0);
    expect((await get<Listed>(bridge, '/history?limit=1')).body.count).toBe(1);
    expect((await get<Listed>(bridge, `/history?since=${new Date(Date.now() + 60_000).toISOString()}`)).body.count).toBe(0);
    expect((await get<Listed>(bridge, `/history?until=${Date.now() + 60_000}&since=2020-01-01`)).body.count).toBe(3);

    const one = await get<HistoryEntry>(bridge, `/history/${id.sent}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: id.sent, title: expect.stringContaining('plain and simple'), alertType: 'general', retries: 0 });
    expect(one.body.outcome.messageIds).toHaveLength(1);
    expect(one.body.outcome.responseTimeMs).toBeGreaterThanOrEqual(0);

    await expect.poll(async () => (await get<StatsSummary>(bridge!, '/stats')).body.total).toBe(3);
    const { body: stats } = await get<StatsSummary>(bridge, '/stats');
    expect(stats).toMatchObject({ total: 3, delivered: 2, byOutcome: { sent: 2, dead_lettered: 1 }, failuresByReason: { invalid_body: 1 } });
    expect(stats.successRate).toBeCloseTo(2 / 3, 10);
    expect(stats.byType).toEqual({ general: 1, critical: 1, error: 1 });
    expect(stats.bySource).toEqual({ generic: 3 });
    expect(stats.retries).toMatchObject({ notificationsRetried: 1, totalRetries: 1, byAttempts: { '1': 2, '2': 1 }, lastFailureReasons: { server_error: 1, invalid_body: 1 } });
    expect(stats.responseTime.count).toBe(2);
    expect(stats.byDay.at(-1)).toMatchObject({ total: 3, delivered: 2, failed: 1 });
    expect((await get<StatsSummary>(bridge, `/stats?since=${Date.now()}`)).body.total).toBe(3);
  });
});

describe('admin history and stats: errors and the admin rule', () => {
  it('answers 404 in the envelope for an unknown id', async () => {
    bridge = await startBridge();
    const res = await get<Failure>(bridge, '/history/no-such-notification');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'not_found', requestId: expect.any(String) });
  });

  it('answers 400 with the path of every bad parameter', async () => {
    bridge = await startBridge();
    const bad = await get<Failure>(bridge, '/history?limit=abc&since=yesterday&status=open&outcome=lost&type=Bad%20Type&until=2026-02-30&foo=1');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_payload');
    expect(bad.body.error.details?.map((d) => d.path).sort()).toEqual(['foo', 'limit', 'outcome', 'since', 'status', 'type', 'until']);
    const order = await get<Failure>(bridge, '/history?since=2026-01-02&until=2026-01-01');
    expect(order.status).toBe(400);
    expect(order.body.error.details).toEqual([{ path: 'since', message: 'since is after until' }]);
    expect((await get<Failure>(bridge, '/history?limit=0')).status).toBe(400);
    expect((await get<Listed>(bridge, '/history?limit=5000')).status).toBe(200);
    const stats = await get<Failure>(bridge, '/stats?since=last-week');
    expect(stats.status).toBe(400);
    expect(stats.body.error.details?.[0]?.path).toBe('since');
  });

  it('keeps history and stats under the admin rule (forwarded clients are refused)', async () => {
    bridge = await startBridge();
    for (const path of ['/history', '/history/x', '/stats']) {
      expect((await get<Failure>(bridge, path, { 'x-forwarded-for': '203.0.113.9' })).status).toBe(403);
    }
  });
});
