import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startAlertcordProcess, type AlertcordProcess } from '../helpers/alertcord-process.js';
import { duplicatesOf, markerCounts, missingFrom } from '../helpers/delivered.js';
import { fixtureBody } from '../helpers/fixtures.js';
import { startFakeDiscord, type FakeDiscord } from '../helpers/fake-discord/index.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';

const HOOK = { id: '200000000000000001', token: 'tok-crash-secret', channelId: 'chan-crash' };
/** Alertmanager notifications posted, each a group of PER_REQUEST alerts (one message of 5 embeds). */
const REQUESTS = 100;
const PER_REQUEST = 5;
const ALERTS = REQUESTS * PER_REQUEST;
const CONCURRENCY = 10;
const PASSWORD = 'crash-test-Pa55-w0rd';
/** Short, so the new process takes over what the killed one held in a few seconds (default 60 s). */
const VISIBILITY = '4s';
const marker = (i: number): string => `CRASH${i}X`;

interface AlertWire {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  fingerprint: string;
}

let redis: RedisServer;
let fake: FakeDiscord;
let dir: string;
let first: AlertcordProcess;
const children: AlertcordProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
  const admin = new Redis(redis.url);
  await admin.config('SET', 'requirepass', PASSWORD);
  admin.disconnect();
  // Discord's limits are not under test here: off, so the 100 messages go out in seconds.
  fake = await startFakeDiscord({ webhooks: [HOOK], rateLimits: { webhook: false, channel: false, global: false } });
  dir = await mkdtemp(join(tmpdir(), 'alertcord-crash-'));
  await writeFile(join(dir, 'alertcord.yaml'), `store:\n  redis:\n    visibility_timeout: ${VISIBILITY}\n`);
  // Discord hangs from the start: every request the first process makes is held, unanswered.
  fake.setPaused(true);
  first = await start();
});

afterAll(async () => {
  await Promise.all(children.map((c) => c.kill()));
  await fake?.close();
  await redis?.destroy();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function start(): Promise<AlertcordProcess> {
  return startAlertcordProcess({
    CONFIG_FILE: join(dir, 'alertcord.yaml'),
    REDIS_URL: redis.url,
    REDIS_PASSWORD: PASSWORD,
    DISCORD_WEBHOOK_GENERAL: fake.urlFor(HOOK.id),
    DISCORD_ALLOWED_HOSTS: new URL(fake.origin).host,
    // Discord's limits are off in the fake; ours must not make the backlog wait minutes either.
    DISCORD_RATE_LIMIT: '6000',
  }).then((child) => (children.push(child), child));
}

/** One Alertmanager notification: group `r`, its alerts marked `r * PER_REQUEST + k` in their summary. */
function alertmanagerGroup(r: number): unknown {
  const body = fixtureBody<{ alerts: AlertWire[]; groupKey: string }>('alertmanager/firing-two-alerts.json');
  const template = body.alerts[0]!;
  body.groupKey = `{}:{alertname="DiskFull", batch="${r}"}`;
  body.alerts = Array.from({ length: PER_REQUEST }, (_, k) => {
    const i = r * PER_REQUEST + k;
    return { ...template, labels: { ...template.labels, instance: `web-${i}` }, annotations: { summary: `Disk full ${marker(i)}` }, fingerprint: i.toString(16).padStart(16, '0') };
  });
  return body;
}

/** Posts REQUESTS Alertmanager notifications, CONCURRENCY at a time; returns their statuses. */
async function postAll(child: AlertcordProcess): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < REQUESTS) {
      const r = next++;
      const res = await child.post('/webhook/alertmanager', alertmanagerGroup(r));
      statuses[r] = res.status;
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return statuses;
}

it('kill -9 while 500 acknowledged alerts wait on a hanging Discord: a new process on the same Redis delivers every one', { timeout: 60_000 }, async () => {
  expect(first.logs.some((l) => l.msg === 'store: redis (prefix alertcord, db 0)')).toBe(true);

  const statuses = await postAll(first);
  expect(statuses.filter((s) => s === 202)).toHaveLength(REQUESTS);
  // The first process holds a batch in flight (its request hangs on the paused fake) when it dies.
  await expect.poll(() => fake.requests.length).toBeGreaterThan(0);
  await first.kill();
  const heldAtKill = fake.requests.flatMap((r) => r.rawBody.match(/CRASH\d+X/g) ?? []);
  // Destroy the held requests: the dead process never learnt their fate, as if Discord never got them.
  fake.reset();

  const restartedAt = Date.now();
  const second = await start();
  const expected = Array.from({ length: ALERTS }, (_, i) => marker(i));
  await expect
    .poll(() => missingFrom(markerCounts(fake.messages, /CRASH\d+X/), expected).length, { timeout: 40_000, interval: 200 })
    .toBe(0);
  const deliveredInMs = Date.now() - restartedAt;
  const duplicates = duplicatesOf(markerCounts(fake.messages, /CRASH\d+X/));
  // Had Discord stored the request in flight at the kill, its alerts would be the duplicates (at most one message).
  console.info(
    `crash test: ${ALERTS} acknowledged alerts, all delivered ${deliveredInMs} ms after the restart in ${fake.messages.length} messages; ` +
      `${duplicates} duplicates; ${new Set(heldAtKill).size} alerts were in flight at kill -9 (destroyed unanswered)`,
  );
  expect(duplicates).toBeLessThanOrEqual(ALERTS / 100);

  await second.stop();
  const output = first.output() + second.output();
  expect(output).not.toContain(PASSWORD);
  expect(output).not.toContain(HOOK.token);
});
