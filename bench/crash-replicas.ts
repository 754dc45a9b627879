import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { startFakeDiscord, type FakeDiscord } from '../test/helpers/fake-discord/index.js';
import { ALERTCORD_CHILD, startAlertcord, type ChildServer } from './child.js';
import { counts, int, seconds } from './format.js';
import { pool, postJson, sleep } from './net.js';
import { alertmanagerBody, stormGroups, TOKEN_PATTERN } from './payloads.js';
import { benchRedis, configWithRedis, discordRequests2xx, heldEntriesText, pendingByConsumer, queueStream, REDIS_NOTE, redisVersion } from './redis-support.js';
import { expectedTokens, WEBHOOK, webhookEnv } from './storm.js';
import { STORM_GROUP_SIZE } from './storm-shared.js';
import { DeliveryTracker, rateLimitsByScope } from './tracker.js';
import type { Metric, ScenarioOutput } from './types.js';

/** Short, so the survivor takes over what the killed replica held within seconds (default 60 s). */
const VISIBILITY_MS = 3_000;
const POST_CONCURRENCY = 20;
/** Between two looks at what the victim holds: the same count twice is what it holds at the kill. */
const STEADY_MS = 250;
/** Longest wait for the moment to kill (messages going out, the victim holding entries). */
const ARM_MS = 20_000;
const CAP_MS = 60_000;
const SETTLE_MS = 3_000;
/** One message carries at most 10 embeds, one per storm group of 10 alerts at most. */
const ONE_MESSAGE_ALERTS = 10 * STORM_GROUP_SIZE;

const METRICS: readonly Metric[] = [
  { key: 'acknowledged', label: 'alerts acknowledged (202)' },
  { key: 'delivered', label: 'acknowledged alerts delivered', target: '100%' },
  { key: 'lost', label: 'acknowledged alerts lost', target: '0' },
  { key: 'duplicates', label: 'alerts shown again in a later message (at least once)', target: `≤ ${ONE_MESSAGE_ALERTS} (one message)` },
  { key: 'held', label: 'entries the killed replica held at kill -9' },
  { key: 'takeover', label: 'takeover (kill -9 → every alert the killed replica held stored)' },
  { key: 'recover', label: 'time to recover (kill -9 → every acknowledged alert stored)' },
  { key: 'r429', label: '429s answered by Discord', target: '≤ 2' },
  { key: 'messages', label: 'messages used' },
];

/**
 * Scenario 5: the storm into two replicas sharing Redis (visibility timeout 3 s); once messages go out, the
 * replica holding entries is killed with SIGKILL and the rest of the storm goes to the other, which must claim
 * what it held (after the visibility timeout) and deliver every acknowledged alert. Skipped without redis-server.
 */
export async function runCrashReplicas(): Promise<ScenarioOutput[] | { skip: string }> {
  const redis = await benchRedis();
  if ('skip' in redis) return redis;
  const config = configWithRedis({ visibility_timeout: `${VISIBILITY_MS / 1000}s`, command_timeout: '1s' });
  const client = new Redis(redis.url);
  let fake: FakeDiscord | undefined;
  const replicas: ChildServer[] = [];
  try {
    fake = await startFakeDiscord({ webhooks: [WEBHOOK] });
    const env = { ...webhookEnv(fake), REDIS_URL: redis.url, CONFIG_FILE: config.file };
    const [a, b] = await Promise.all([0, 1].map(async () => {
      const child = await startAlertcord(env);
      replicas.push(child);
      return child;
    }));
    return [await crash(fake, client, a!, b!, await redisVersion(redis.url))];
  } finally {
    for (const r of replicas) await r.stop();
    await fake?.close();
    client.disconnect();
    await redis.destroy();
    config.remove();
  }
}

async function crash(fake: FakeDiscord, client: Redis, a: ChildServer, b: ChildServer, version: string): Promise<ScenarioOutput> {
  const groups = stormGroups();
  const bodies = groups.map((g) => JSON.stringify(alertmanagerBody(g)));
  const half = bodies.length / 2;
  const ingest = (server: ChildServer) => `${server.url}/webhook/alertmanager`;
  const stream = queueStream(WEBHOOK.id);
  const consumerOf = (r: ChildServer) => `${hostname()}-${r.pid}`;
  const started = Date.now();
  const first = await pool(half, POST_CONCURRENCY, (i) => postJson(ingest(i % 2 === 0 ? a : b), bodies[i]!).catch(() => 0));
  // Mid-storm (a message stored), Discord holds its answers while the replicas are watched and one is killed:
  // answered, the victim could acknowledge what it held in the instant between looking and killing, and the
  // kill would show no takeover (one run measured 0 entries held at the kill). What a replica holds settles
  // once the answers given before the pause are acknowledged (15 entries then 7, in one run): the victim is
  // the replica whose count holds still above 0 across two looks (either one: both read the shared queue,
  // and at times one holds it all, so waiting for a given one kept Discord paused past its timeout).
  for (const deadline = Date.now() + ARM_MS; fake.stats.messages === 0 && Date.now() < deadline; await sleep(20));
  fake.setPaused(true);
  let chosen: [ChildServer, ChildServer] | undefined;
  let last = new Map<string, number>();
  for (const deadline = Date.now() + ARM_MS; !chosen && Date.now() < deadline; await sleep(STEADY_MS)) {
    const now = await pendingByConsumer(client, stream);
    for (const [r, other] of [[a, b], [b, a]] as const) {
      const count = now.get(consumerOf(r)) ?? 0;
      if (!chosen && count > 0 && count === last.get(consumerOf(r))) chosen = [r, other];
    }
    last = now;
  }
  const armed = chosen !== undefined && fake.stats.messages > 0;
  const [killed, survivor] = chosen ?? [a, b];
  const victim = consumerOf(killed);
  const sentByVictim = await discordRequests2xx(killed.url);
  await killed.stop(); // SIGKILL
  const killedAt = Date.now();
  // What it held at its death: its pending list stays as it was until the survivor claims it (after the visibility timeout).
  const heldTexts = await heldEntriesText(client, stream, victim);
  const heldAtKill = heldTexts.length;
  const heldTokens = new Set(heldTexts.flatMap((t) => t.match(TOKEN_PATTERN) ?? []));
  fake.setPaused(false);
  const second = await pool(bodies.length - half, POST_CONCURRENCY, (i) => postJson(ingest(survivor), bodies[half + i]!).catch(() => 0));
  const statuses = [...first, ...second];
  const acknowledgedGroups = groups.filter((_, i) => statuses[i] === 202);
  const tracker = new DeliveryTracker(fake, expectedTokens(acknowledgedGroups));
  const drained = await tracker.waitAll(killedAt + CAP_MS);
  await sleep(SETTLE_MS);
  tracker.scan();
  const acknowledged = acknowledgedGroups.length * STORM_GROUP_SIZE;
  const recoverMs = drained ? (tracker.lastAt ?? killedAt) - killedAt : undefined;
  const heldSeen = [...heldTokens].map((t) => tracker.firstSeen.get(t));
  const takeoverMs = heldSeen.every((at) => at !== undefined) ? Math.max(killedAt, ...(heldSeen as number[])) - killedAt : undefined;
  const leftPending = (await pendingByConsumer(client, stream)).get(victim) ?? 0;
  return {
    table: 'crash',
    title: `Crash: one of two replicas (one Redis, one webhook) killed with kill -9 mid-storm; visibility timeout ${seconds(VISIBILITY_MS)}`,
    metrics: METRICS,
    systems: [{
      system: 'alertcord ×2 + Redis',
      values: {
        acknowledged: int(acknowledged),
        delivered: `${int(tracker.delivered)} (${((100 * tracker.delivered) / Math.max(1, acknowledged)).toFixed(1)}%)`,
        lost: int(acknowledged - tracker.delivered),
        duplicates: int(tracker.duplicates),
        held: `${int(heldAtKill)} (${int(heldTokens.size)} alerts)`,
        takeover: takeoverMs === undefined ? 'not all delivered' : seconds(takeoverMs),
        recover: recoverMs === undefined ? `not recovered in ${seconds(CAP_MS)}` : seconds(recoverMs),
        r429: int(fake.stats.status429),
        messages: int(fake.stats.messages),
      },
      pass: {
        delivered: tracker.delivered === acknowledged,
        lost: tracker.delivered === acknowledged,
        duplicates: tracker.duplicates <= ONE_MESSAGE_ALERTS,
        r429: fake.stats.status429 <= 2,
      },
    }],
    notes: [
      `Two replicas, ${ALERTCORD_CHILD}; the shipped config plus store.redis visibility_timeout ${seconds(VISIBILITY_MS)} (command_timeout 1 s: the lease must exceed twice it), REDIS_URL; Redis ${version}: ${REDIS_NOTE}; the strict fake Discord with its default limits.`,
      `The storm's first ${half} groups POSTed alternately to both replicas (${first.filter((s) => s === 202).length} × 202); ${armed ? `once a message was stored, Discord then holding its answers until the kill, the replica holding entries (${killed === a ? 'a' : 'b'}) was killed with SIGKILL ${seconds(killedAt - started)} after the first POST` : `no moment with a message stored and a replica holding entries within ${seconds(ARM_MS)}: a was killed anyway with SIGKILL`} (its /metrics just before: ${sentByVictim} requests answered 2xx); the other ${bodies.length - half} groups went to the survivor (${second.filter((s) => s === 202).length} × 202).`,
      `Duplicates come from the message the killed replica had in flight, or answered but not yet acknowledged, at the kill (at most one: one request at a time per webhook); entries still pending on it at the end: ${leftPending}. 429s by scope: ${counts(rateLimitsByScope(fake))}.`,
    ],
  };
}
