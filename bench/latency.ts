import { startFakeDiscord, type FakeDiscord } from '../test/helpers/fake-discord/index.js';
import { ALERTCORD_CHILD, startAlertcord, startBareServer } from './child.js';
import { millis } from './format.js';
import { postJson, sleep } from './net.js';
import { alertmanagerBody, stormGroups } from './payloads.js';
import { quantile } from './stats.js';
import { WEBHOOK, webhookEnv } from './storm.js';
import type { ScenarioOutput } from './types.js';

const ALERTS = 500;
const WARMUP = 20;
/** Gap between alerts: well under alertcord's 50 req/s global gate, so nothing ever queues. */
const GAP_MS = 25;
const ARRIVAL_TIMEOUT_MS = 5_000;
export const LATENCY_TARGET_P99_MS = 10;

/**
 * Scenario 3: added latency from ingest to the Discord request, unthrottled. The fake has every limit
 * off and alertcord's own per-webhook limit is raised (DISCORD_RATE_LIMIT), so each alert goes out at
 * once. One alert at a time: t0 before POST /webhook/alertmanager, t1 when alertcord's request reached
 * the fake (same clock: the fake lives in this process; alertcord is a child). The same client and pacing
 * against the bare Hono server give this machine's floor: one loopback round trip to a child process.
 */
export async function runLatency(): Promise<ScenarioOutput[]> {
  const fake = await startFakeDiscord({ webhooks: [WEBHOOK], rateLimits: { webhook: false, channel: false, global: false } });
  try {
    const server = await startAlertcord({
      ...webhookEnv(fake),
      DISCORD_RATE_LIMIT: '1000000',
    });
    try {
      const bodies = singleAlertBodies(WARMUP + ALERTS);
      const total: number[] = [];
      const accepted: number[] = [];
      const after: number[] = [];
      for (let i = 0; i < bodies.length; i++) {
        const sample = await oneAlert(fake, `${server.url}/webhook/alertmanager`, bodies[i]!, i + 1);
        if (i >= WARMUP) {
          total.push(sample.arrivedMs);
          accepted.push(sample.answeredMs);
          after.push(sample.arrivedMs - sample.answeredMs);
        }
        await sleep(GAP_MS);
      }
      return [latencyOutput({ total, accepted, after }, fake.stats.messages - WARMUP, await bareRoundTrips(bodies))];
    } finally {
      await server.stop();
    }
  } finally {
    await fake.close();
  }
}

/** POST → 202 of the bare Hono server, with the same bodies, client and pacing: the machine's floor. */
async function bareRoundTrips(bodies: readonly string[]): Promise<number[]> {
  const bare = await startBareServer();
  try {
    const times: number[] = [];
    for (let i = 0; i < bodies.length; i++) {
      const t0 = performance.now();
      const status = await postJson(`${bare.url}/webhook/alertmanager`, bodies[i]!);
      if (status !== 202) throw new Error(`bare server answered ${status}`);
      if (i >= WARMUP) times.push(performance.now() - t0);
      await sleep(GAP_MS);
    }
    return times;
  } finally {
    await bare.stop();
  }
}

/** Distinct one-alert Alertmanager bodies (each its own group, so no dedupe and no packing). */
function singleAlertBodies(count: number): string[] {
  const groups = stormGroups(Math.ceil(count / 10), 10);
  return groups.flatMap((g) => g.alerts.map((a) => JSON.stringify(alertmanagerBody({ groupLabels: { ...g.groupLabels, instance: a.labels.instance! }, alerts: [a] })))).slice(0, count);
}

/**
 * One alert: t0 before the POST, the 202, then the moment the Discord request reached the fake (its
 * headers, `arrivedAt`): "ingest to the Discord request" as the issue defines it, without the fake's own
 * validation and storage. Client and fake share this process's clock.
 */
async function oneAlert(fake: FakeDiscord, url: string, body: string, expected: number): Promise<{ arrivedMs: number; answeredMs: number }> {
  const stored = fake.waitForMessages(expected, ARRIVAL_TIMEOUT_MS);
  const t0 = performance.now();
  const status = await postJson(url, body);
  const answeredMs = performance.now() - t0;
  if (status !== 202) throw new Error(`alertcord answered ${status} to alert ${expected}`);
  await stored;
  const request = fake.requests.at(-1);
  if (!request || request.arrivedAt < t0) throw new Error(`no Discord request for alert ${expected}`);
  return { arrivedMs: request.arrivedAt - t0, answeredMs };
}

interface Samples {
  /** POST sent → Discord request at the fake. */
  total: number[];
  /** POST sent → 202 received (the ingest stage alone). */
  accepted: number[];
  /** 202 received → Discord request at the fake (the delivery stage; negative when the request won the race). */
  after: number[];
}

function latencyOutput({ total, accepted, after }: Samples, messages: number, bare: number[]): ScenarioOutput {
  const p50 = quantile(total, 0.5);
  const pair = (xs: number[]): string => `${millis(quantile(xs, 0.5))} / ${millis(quantile(xs, 0.99))}`;
  const p99 = quantile(total, 0.99);
  return {
    table: 'latency',
    title: 'Added latency, unthrottled: POST to alertcord → its request at the fake Discord',
    metrics: [
      { key: 'p50', label: 'p50' },
      { key: 'p99', label: 'p99', target: `≤ ${LATENCY_TARGET_P99_MS} ms` },
      { key: 'max', label: 'max' },
      { key: 'ack', label: 'of which POST → 202 (ingest), p50 / p99' },
      { key: 'after', label: 'of which 202 → Discord request (delivery), p50 / p99' },
    ],
    systems: [{
      system: `alertcord, ${total.length} alerts`,
      values: { p50: millis(p50), p99: millis(p99), max: millis(Math.max(...total)), ack: pair(accepted), after: pair(after) },
      pass: { p99: p99 <= LATENCY_TARGET_P99_MS },
    }],
    notes: [
      `${total.length} single-alert Alertmanager notifications, one at a time with ${GAP_MS} ms between them (after ${WARMUP} not counted); fake Discord with every rate limit off, alertcord with DISCORD_RATE_LIMIT=1000000 so its own limiter never waits; ${messages} messages stored. Timed in the benchmark process (client and fake).`,
      `${ALERTCORD_CHILD}.`,
      `The floor on this machine: the same client and pacing against the bare Hono server (parse, answer 202) take ${pair(bare)} (p50 / p99) for the round trip alone; the client is node:http with keep-alive connections.`,
    ],
  };
}
