import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HOOK_IDS, startBridge, type Bridge } from '../helpers/bridge.js';
import { parseExposition, sampleValue } from '../helpers/prom-text.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { amAlert, amGroup } from '../helpers/storm.js';

/**
 * One scripted day of alertcord, run on the memory store and on Redis: deliveries, a 400 on a packed message
 * (resent one by one), a 429, a 5xx retried, a dead letter and its replay, a reroute from a broken webhook,
 * a duplicate, a muted alert, a storm packed and refused once its queue is full. Then /metrics, /api/stats,
 * /api/history, /api/dead-letter and what the fake Discord received must tell the same story, on both stores.
 */

let bridge: Bridge | undefined;
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.destroy();
});
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
});

const YAML = `
discord:
  retry_attempts: 2
  queue_size: 30
time_intervals:
  - name: always
    time_intervals: [{ times: [{ start_time: "00:00", end_time: "24:00" }] }]
routes:
  - match: ['muteme="yes"']
    type: tracklist
    mute_time_intervals: [always]
  - type_from_label: alert_type
  - match: ['source="alertmanager"']
    type: monitoring
  - match: []
    type: general
alert_types:
  general: { rate_limit: { per_minute: 120, burst: 1 } }
`;

const STORM_GROUPS = 40;

async function json(b: Bridge, path: string): Promise<any> {
  const res = await fetch(`${b.url}${path}`);
  expect(res.status).toBe(200);
  return res.json();
}

const queued = async (b: Bridge): Promise<number> => (await json(b, '/api/status')).webhooks.reduce((sum: number, w: { queue: { depth: number } }) => sum + w.queue.depth, 0);

/** Runs the day on a fresh alertcord and returns every number the operator can read, with what Discord got. */
async function day(env: Record<string, string>) {
  bridge = await startBridge({ yaml: YAML, env, types: ['general', 'error', 'critical', 'security', 'tracklist', 'monitoring'] });
  const b = bridge;
  const post = async (body: unknown, path = '/webhook/generic') => (await b.post(path, body)).status;
  expect(await post({ title: 'opener' })).toBe(202);
  await b.fake.waitForMessages(1);
  b.fake.inject(HOOK_IDS.general!, { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: {} } });
  for (let i = 0; i < 4; i++) expect(await post({ title: `innocent ${i}` })).toBe(202);
  b.fake.inject(HOOK_IDS.error!, { kind: '429', retryAfter: 0.2 }, { status: 500 });
  expect(await post({ alert_type: 'error', title: 'through 429 and 500' })).toBe(202);
  b.fake.inject(HOOK_IDS.critical!, { status: 400 });
  expect(await post({ alert_type: 'critical', title: 'refused, then replayed' })).toBe(202);
  b.fake.setBroken(HOOK_IDS.security!);
  expect(await post({ alert_type: 'security', title: 'to a broken webhook' })).toBe(202);
  for (let i = 0; i < 2; i++) expect(await post({ title: 'twice', dedupe_key: 'same-key' })).toBe(202);
  expect(await post({ title: 'quiet', labels: { muteme: 'yes' } })).toBe(202);
  // Discord holds monitoring's first message: the storm piles up (packed), and the queue (30) refuses the rest.
  b.fake.inject(HOOK_IDS.monitoring!, { kind: 'delay', ms: 5000 });
  const codes: number[] = [];
  for (let g = 0; g < STORM_GROUPS; g++) codes.push(await post(amGroup(g, [amAlert(g, 0, 'warning'), amAlert(g, 1, 'warning')]), '/webhook/alertmanager'));
  await expect.poll(() => b.runtime.store.deadLetters.count(), { timeout: 15_000 }).toBe(1);
  const deadLettersBefore = await json(b, '/api/dead-letter');
  const replay = await fetch(`${b.url}/api/dead-letter/replay`, { method: 'POST' });
  expect(((await replay.json()) as { replayed: string[] }).replayed).toHaveLength(1);
  await expect.poll(() => queued(b), { timeout: 30_000, interval: 200 }).toBe(0);
  await expect.poll(() => b.fake.messagesFor(HOOK_IDS.critical!).length, { timeout: 10_000 }).toBe(1);
  // A queue empties at the ack; the outcome is recorded just after it (ack-then-record.ts): wait until every
  // queued notification's is (each sent once, plus the broken webhook's notice), then read every number.
  const sentBeyondQueued = async () => {
    const s = parseExposition(await (await fetch(`${b.url}/metrics`)).text());
    return (sampleValue(s, 'alertcord_notifications_total', { outcome: 'sent' }) ?? 0) - (sampleValue(s, 'alertcord_notifications_queued_total') ?? 0);
  };
  await expect.poll(sentBeyondQueued, { timeout: 10_000, interval: 100 }).toBeGreaterThanOrEqual(1);

  const samples = parseExposition(await (await fetch(`${b.url}/metrics`)).text());
  const m = (name: string, labels: Record<string, string> = {}) => sampleValue(samples, name, labels) ?? 0;
  const stats = await json(b, '/api/stats');
  const history = await json(b, '/api/history?limit=1000');
  const historyOutcomes: Record<string, number> = {};
  for (const e of history.items) historyOutcomes[e.outcome.status] = (historyOutcomes[e.outcome.status] ?? 0) + 1;
  const posts = b.fake.requests.filter((r) => r.method === 'POST');
  const count = (pred: (status: number) => boolean) => posts.filter((r) => r.status !== null && pred(r.status)).length;
  return {
    refused: codes.filter((c) => c === 503).length,
    stormQueued: codes.filter((c) => c === 202).length,
    deadLettersBefore: { total: deadLettersBefore.total, items: deadLettersBefore.items.length },
    metrics: {
      sent: m('alertcord_notifications_total', { outcome: 'sent' }),
      deadLettered: m('alertcord_notifications_total', { outcome: 'dead_lettered' }),
      deduplicated: m('alertcord_notifications_total', { outcome: 'deduplicated' }),
      queued: m('alertcord_notifications_queued_total'),
      retries: m('alertcord_delivery_retries_total'),
      muted: m('alertcord_alerts_muted_total'),
      dedupeHits: m('alertcord_dedupe_hits_total'),
      latencyCount: m('alertcord_delivery_latency_seconds_count'),
      ingest202: m('alertcord_ingest_requests_total', { code: '202' }),
      ingest503: m('alertcord_ingest_requests_total', { code: '503' }),
      deadLetters: m('alertcord_dead_letters'),
      broken: m('alertcord_webhook_broken'),
    },
    requests: {
      metric: { ok: m('alertcord_discord_requests_total', { class: '2xx' }), client: m('alertcord_discord_requests_total', { class: '4xx' }), server: m('alertcord_discord_requests_total', { class: '5xx' }), throttled: m('alertcord_discord_rate_limited_total') },
      discord: { ok: count((s) => s < 300), client: count((s) => s >= 400 && s < 500), server: count((s) => s >= 500), throttled: count((s) => s === 429) },
      messages: b.fake.messages.length,
    },
    stats: { total: stats.total, delivered: stats.delivered, byOutcome: stats.byOutcome, failuresByReason: stats.failuresByReason, byType: stats.byType, bySource: stats.bySource, responseTimes: stats.responseTime.count, totalRetries: stats.retries.totalRetries },
    history: { count: history.count, outcomes: historyOutcomes },
  };
}

describe('every number tells the same story, on both stores', () => {
  it('metrics, statistics, history, dead letters and Discord agree with each other and between memory and Redis', async () => {
    const memory = await day({});
    await bridge!.close();
    bridge = undefined;
    const onRedis = await day({ REDIS_URL: redis.url });
    for (const run of [memory, onRedis]) {
      const { metrics, requests, stats, history } = run;
      // 11 generic requests and the storm's queued groups are taken; the storm's rest is refused, counted as such.
      expect(run.stormQueued + run.refused).toBe(STORM_GROUPS);
      expect(run.refused).toBeGreaterThan(0);
      expect(metrics.ingest202).toBe(11 + run.stormQueued);
      expect(metrics.ingest503).toBe(run.refused);
      // Queued: opener, 4 innocents, error, critical, security, "twice" once, and the storm's queued groups.
      expect(metrics.queued).toBe(9 + run.stormQueued);
      expect(metrics.dedupeHits).toBe(1);
      expect(metrics.deduplicated).toBe(1);
      expect(metrics.muted).toBe(1);
      // Each queued one sent once (the replayed one too), plus the broken webhook's notice; one dead letter, replayed.
      expect(metrics.sent).toBe(metrics.queued + 1);
      expect(metrics.deadLettered).toBe(1);
      expect(metrics.latencyCount).toBe(metrics.sent);
      expect(metrics.deadLetters).toBe(0);
      expect(run.deadLettersBefore).toEqual({ total: 1, items: 1 });
      expect(metrics.broken).toBe(1);
      // One backoff retry (the 500); the 429 is a wait, not a retry.
      expect(metrics.retries).toBe(1);
      expect(stats.totalRetries).toBe(1);
      // Requests as Discord saw them: every 2xx is one message Discord stored.
      expect(requests.metric).toEqual(requests.discord);
      expect(requests.discord.ok).toBe(requests.messages);
      expect(requests.discord.server).toBe(1);
      expect(requests.discord.throttled).toBeGreaterThanOrEqual(1);
      // Statistics count outcomes (the replayed dead letter twice), history the latest outcome of each notification.
      expect(stats.total).toBe(metrics.sent + metrics.deadLettered);
      expect(stats.byOutcome).toEqual({ sent: metrics.sent, dead_lettered: 1 });
      expect(stats.delivered).toBe(metrics.sent);
      expect(stats.responseTimes).toBe(metrics.sent);
      expect(stats.failuresByReason).toEqual({ invalid_body: 1 });
      expect(stats.byType).toEqual({ general: 7, error: 1, critical: 2, security: 1, monitoring: run.stormQueued });
      expect(stats.bySource).toEqual({ generic: 10, alertmanager: run.stormQueued, alertcord: 1 });
      expect(history).toEqual({ count: metrics.sent, outcomes: { sent: metrics.sent } });
    }
    // The same events, the same numbers (how many messages a storm packs into depends on timing, not on the store).
    const { requests: _m, ...memoryRest } = memory;
    const { requests: _r, ...redisRest } = onRedis;
    expect(redisRest).toEqual(memoryRest);
  }, 120_000);
});
