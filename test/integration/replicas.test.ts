/**
 * Issue 7: two alertcord replicas, one Redis, one webhook of the strict fake Discord (its default limits:
 * 5 requests / 2 s per webhook, 30 messages / min per channel, 50 requests / s global) behave as one bridge.
 *
 * The replicas are child processes (test/helpers/alertcord-process.ts), not two runtimes in this process:
 * each has its own event loop, its own ioredis connections and its own in-process caches, so nothing is
 * shared by accident, and `kill -9` is a real crash (no `finally`, no release, no goodbye to Redis). It costs
 * a few seconds of start-up per test. Each replica reaches the fake through its own relay, which tags every
 * Discord request with the replica's name (same fake, same webhook id, so the same queue and shared state).
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { TOKEN_PATTERN } from '../../bench/payloads.js';
import { heldEntriesText, pendingByConsumer as pendingIn } from '../../bench/redis-support.js';
import { redisKeys } from '../../src/store/redis/keys.js';
import { duplicatesOf, markerCounts, missingFrom } from '../helpers/delivered.js';
import { startFakeDiscord, type FakeDiscord } from '../helpers/fake-discord/index.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { postSpread, sentBy, startReplicaPair, stormBodies, type ReplicaPair } from '../helpers/replica-pair.js';
import type { RelayedRequest } from '../helpers/tagging-relay.js';

const HOOK = { id: '300000000000000001', token: 'tok-replicas-secret', channelId: '300000000000000002' };
/** The benchmark's storm, whole: 100 Alertmanager groups of 10 alerts. */
const GROUPS = 100;
const GROUP_SIZE = 10;
const POST_CONCURRENCY = 20;
/** Within the storm target (drained ≤ 30 s) with room for a loaded 2-core machine. */
const DRAIN_MS = 45_000;
/** After the last alert is seen: late extra messages (duplicates) still count. */
const SETTLE_MS = 2_000;

let redis: RedisServer;
let admin: Redis;
let fake: FakeDiscord | undefined;
let pair: ReplicaPair | undefined;
/** A fresh key prefix per test: the tests share one redis-server. */
let run = 0;

beforeAll(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url);
});

afterEach(async () => {
  await pair?.close();
  await fake?.close();
  pair = undefined;
  fake = undefined;
});

afterAll(async () => {
  admin?.disconnect();
  await redis?.destroy();
});

/** A fresh fake Discord (default limits) and two replicas with their own key prefix. */
async function setUp(redisSettings: Record<string, string> = {}): Promise<{ fake: FakeDiscord; pair: ReplicaPair; prefix: string }> {
  const prefix = `replicas-${++run}`;
  fake = await startFakeDiscord({ webhooks: [HOOK] });
  pair = await startReplicaPair({ redisUrl: redis.url, fake, hook: HOOK, redis: { key_prefix: prefix, ...redisSettings } });
  for (const r of pair.replicas) expect(r.proc.logs.some((l) => l.msg === `store: redis (prefix ${prefix}, db 0)`)).toBe(true);
  return { fake, pair, prefix };
}

/** Every alert token of the first `groups` storm groups. */
function tokens(groups: number, from = 0): string[] {
  return Array.from({ length: groups }, (_, g) => Array.from({ length: GROUP_SIZE }, (_, a) => `node-${String(from + g).padStart(3, '0')}-${String(a).padStart(2, '0')}`)).flat();
}

function counts(f: FakeDiscord): Map<string, number> {
  return markerCounts(f.messages, TOKEN_PATTERN);
}

/** Entries pending in the queue's consumer group, by consumer name. */
function pendingByConsumer(prefix: string): Promise<Map<string, number>> {
  return pendingIn(admin, redisKeys(prefix).stream(HOOK.id));
}

/** Entries each consumer holds live: renewed within `visibilityMs` (not handed back, not a dead reader's). */
async function liveHeldByConsumer(prefix: string, visibilityMs: number): Promise<Map<string, number>> {
  const pending = (await admin.call('xpending', redisKeys(prefix).stream(HOOK.id), 'alertcord', '-', '+', 10_000)) as [string, string, number, number][];
  const live = new Map<string, number>();
  for (const [, consumer, idleMs] of pending) if (Number(idleMs) < visibilityMs) live.set(consumer, (live.get(consumer) ?? 0) + 1);
  return live;
}

/** Arrival (fake clock) of the first stored message showing `token`. */
function firstStored(f: FakeDiscord, token: string): number {
  return f.messages.find((m) => JSON.stringify(m.body).includes(token))?.receivedAt ?? Number.NaN;
}

function describeLog(log: readonly RelayedRequest[], since: number): string {
  const offset = (ms: number): string => `${ms < 0 ? '−' : '+'}${(Math.abs(ms) / 1000).toFixed(2)} s`;
  return log.map((r) => `${r.tag}@${offset(r.at - since)}:${r.status ?? '…'}`).join(' ');
}

it('the storm posted alternately to both replicas: within Discord\'s limits, every alert once, whichever replica holds the oldest entry sending', { timeout: 90_000 }, async () => {
  const { fake, pair } = await setUp();
  const [a, b] = pair.replicas;
  const started = Date.now();
  const statuses = await postSpread([a.proc, b.proc], stormBodies(GROUPS, GROUP_SIZE), POST_CONCURRENCY);
  expect(statuses.filter((s) => s === 202)).toHaveLength(GROUPS);

  const expected = tokens(GROUPS);
  await expect.poll(() => missingFrom(counts(fake), expected).length, { timeout: DRAIN_MS, interval: 100 }).toBe(0);
  const drainedMs = Date.now() - started;
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

  const duplicates = duplicatesOf(counts(fake));
  const perReplica = pair.replicas.map((r) => `${r.name} ${sentBy(pair.log, r.name).length}`).join(', ');
  console.info(
    `replicas storm: ${expected.length} alerts drained in ${drainedMs} ms in ${fake.stats.messages} messages (${perReplica}); ` +
      `429s ${fake.stats.status429}, 400s ${fake.stats.status400}, duplicates ${duplicates}; requests ${describeLog(pair.log, started)}`,
  );
  // Together within the webhook's 5 / 2 s, the channel's 30 / min and the global 50 / s.
  expect(fake.stats.status429).toBeLessThanOrEqual(2);
  expect(fake.stats.status400).toBe(0);
  // No crash, no lease lost (visibility timeout 60 s, renewed), every 2xx acknowledged: nothing is sent twice.
  expect(duplicates).toBe(0);
  // Both replicas consume from the group: each took a share of the storm to Discord.
  // Either replica may drain it: one at a time, the one holding the oldest entry (first in, first out across
  // replicas, so a resolve never overtakes its firing); which one, and whether both, is not fixed.
  expect(pair.replicas.reduce((sum, r) => sum + sentBy(pair.log, r.name).length, 0)).toBe(fake.stats.messages);
});

it('a replica killed with kill -9 mid-storm: the other claims its pending entries and delivers every acknowledged alert', { timeout: 90_000 }, async () => {
  const VISIBILITY_MS = 3_000;
  // The visibility timeout must exceed twice the command timeout (leases are renewed every third of it).
  const { fake, pair, prefix } = await setUp({ visibility_timeout: `${VISIBILITY_MS / 1000}s`, command_timeout: '1s' });
  const [a, b] = pair.replicas;
  const bodies = stormBodies(GROUPS, GROUP_SIZE);
  const half = GROUPS / 2;
  const first = await postSpread([a.proc, b.proc], bodies.slice(0, half), POST_CONCURRENCY);
  // Mid-storm: messages are going out. Discord then holds its answers for a moment, so that what the victim
  // holds (a batch waiting on the limits, or in flight) is still held when it is killed: answered, it could
  // acknowledge it in the instant between looking and killing, and the kill would test nothing.
  await expect.poll(() => fake.stats.messages > 0, { timeout: 20_000, interval: 20 }).toBe(true);
  fake.setPaused(true);
  // The victim is whichever replica delivers the queue (replicas keep its order: one at a time), seen holding
  // live entries (renewed, not handed back) twice in a row.
  let victim: (typeof pair.replicas)[number] | undefined;
  await expect.poll(async () => {
    const holder = async () => {
      const live = await liveHeldByConsumer(prefix, VISIBILITY_MS);
      return pair.replicas.find((r) => (live.get(r.consumer) ?? 0) > 0);
    };
    const once = await holder();
    await new Promise((resolve) => setTimeout(resolve, 250));
    const twice = await holder();
    victim = once !== undefined && once === twice ? once : undefined;
    return victim !== undefined;
  }, { timeout: 20_000, interval: 20 }).toBe(true);
  const killed = victim!;
  const survivor = pair.replicas.find((r) => r !== killed)!;
  await killed.proc.kill();
  const killedAt = Date.now();
  const heldAtKill = (await pendingByConsumer(prefix)).get(killed.consumer) ?? 0;
  const heldAlerts = [...new Set((await heldEntriesText(admin, redisKeys(prefix).stream(HOOK.id), killed.consumer)).flatMap((t) => t.match(TOKEN_PATTERN) ?? []))];
  fake.setPaused(false);
  const lastOfA = pair.log.filter((r) => r.tag === killed.name).at(-1);
  // The load balancer sends the rest of the storm to the survivor.
  const second = await postSpread([survivor.proc], bodies.slice(half), POST_CONCURRENCY);
  const statuses = [...first, ...second];
  expect(statuses.filter((s) => s === 202)).toHaveLength(GROUPS);

  const acknowledged = tokens(GROUPS);
  await expect.poll(() => missingFrom(counts(fake), acknowledged).length, { timeout: 60_000, interval: 100 }).toBe(0);
  const recoveredMs = Date.now() - killedAt;
  const takeoverMs = Math.max(...heldAlerts.map((t) => firstStored(fake, t) - killedAt));
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

  const final = counts(fake);
  const duplicated = [...final].filter(([, n]) => n > 1).map(([token]) => token);
  const inLastOfA = new Set(lastOfA?.body.match(TOKEN_PATTERN) ?? []);
  console.info(
    `replica kill: ${acknowledged.length} acknowledged, ${final.size} delivered; ${heldAtKill} entries (${heldAlerts.length} alerts) pending on the killed replica at kill -9, ` +
      `stored by ${takeoverMs} ms after the kill; all delivered ${recoveredMs} ms after the kill (visibility timeout ${VISIBILITY_MS} ms); duplicates ${duplicatesOf(final)} ` +
      `(the killed replica had sent ${sentBy(pair.log, killed.name).length} messages; its last request carried ${inLastOfA.size} alerts, answered ${lastOfA?.status ?? 'never'}); 429s ${fake.stats.status429}; ` +
      `requests ${describeLog(pair.log, killedAt)}`,
  );
  // The kill happened while the victim held work; the survivor claimed all of it (a dead consumer acknowledges nothing, so
  // its pending list empties only by XAUTOCLAIM after the visibility timeout) and delivered it.
  expect(heldAtKill).toBeGreaterThan(0);
  expect((await pendingByConsumer(prefix)).get(killed.consumer) ?? 0).toBe(0);
  expect(missingFrom(final, heldAlerts)).toEqual([]);
  // At least once: only the request in flight (or answered, not yet acknowledged) at the kill can come
  // again, so every duplicate is an alert of the killed replica's last request: at most one message.
  for (const token of duplicated) expect(inLastOfA.has(token), `${token} duplicated but not in the killed replica's last request`).toBe(true);
  expect(fake.stats.status429).toBeLessThanOrEqual(2);
  expect(fake.stats.status400).toBe(0);
});

it('a 429 seen by one replica pauses the other: its next request to the webhook comes after the pause', { timeout: 90_000 }, async () => {
  const RETRY_AFTER_S = 2;
  const { fake, pair } = await setUp();
  const [a, b] = pair.replicas;
  const bodies = stormBodies(5, GROUP_SIZE);
  fake.inject(HOOK.id, { kind: '429', retryAfter: RETRY_AFTER_S });
  // One notification: whichever replica reads it first gets the 429 and sleeps on it (its worker busy).
  expect(await postSpread([a.proc], bodies.slice(0, 1), 1)).toEqual([202]);
  await expect.poll(() => pair.log.find((r) => r.status === 429)?.answeredAt, { timeout: 15_000, interval: 5 }).toBeDefined();
  const throttled = pair.log.find((r) => r.status === 429)!;
  const pauseEnds = throttled.answeredAt! + RETRY_AFTER_S * 1000;
  const other = pair.replicas.find((r) => r.name !== throttled.tag)!;
  // Mid-pause, more work arrives at both replicas; the idle one reads it but hands it back: an older entry is the other's.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const workAt = Date.now();
  expect(await postSpread([a.proc, b.proc], bodies.slice(1), 4)).toEqual([202, 202, 202, 202]);
  await expect.poll(() => missingFrom(counts(fake), tokens(5)).length, { timeout: 20_000, interval: 50 }).toBe(0);

  const otherFirst = pair.log.find((r) => r.tag === other.name);
  console.info(
    `429 pause: ${throttled.tag} got the 429 at +0 ms; ${other.name} had work from +${workAt - throttled.answeredAt!} ms and sent first at ` +
      `+${otherFirst ? otherFirst.at - throttled.answeredAt! : '—'} ms (pause ${RETRY_AFTER_S * 1000} ms); requests ${describeLog(pair.log, throttled.answeredAt!)}`,
  );
  expect(fake.pendingFaults(HOOK.id)).toBe(0);
  // The work that arrived mid-pause goes out after it, whichever replica sends it (the one holding the oldest
  // entry, the throttled one: replicas keep the queue's order).
  const next = pair.log.find((r) => r !== throttled && r.at > throttled.at);
  expect(next, 'nothing sent after the pause').toBeDefined();
  expect(next!.at).toBeGreaterThanOrEqual(pauseEnds);
  // Nobody sent to the webhook during the pause.
  expect(pair.log.filter((r) => r !== throttled && r.at > throttled.at && r.at < pauseEnds)).toEqual([]);
  expect(fake.stats.status429).toBe(1);
  expect(duplicatesOf(counts(fake))).toBe(0);
});
