import { startFakeDiscord } from '../test/helpers/fake-discord/index.js';
import { ALERTCORD_CHILD, startAlertcord } from './child.js';
import { int, mebibytes } from './format.js';
import { pool, postJson, sleep } from './net.js';
import { uniqueBodies } from './payloads.js';
import { WEBHOOK, webhookEnv } from './storm.js';
import type { ScenarioOutput } from './types.js';

const REQUESTS = 10_000;
const ALERTS_PER_REQUEST = 10;
const CONCURRENCY = 16;
const SETTLE_MS = 3_000;
const CAP_MS = 180_000;
export const RSS_TARGET_MB = 256;

/**
 * Scenario 4: alertcord's resident memory with 100,000 alerts queued (10,000 distinct Alertmanager groups
 * of 10). Discord is a paused fake (every request held) and the queue is sized for it; alertcord runs as
 * a child process and its VmRSS is read from /proc after the push and a short settle.
 */
export async function runRss(): Promise<ScenarioOutput[]> {
  const fake = await startFakeDiscord({ webhooks: [WEBHOOK] });
  fake.setPaused(true);
  try {
    const server = await startAlertcord({
      ...webhookEnv(fake),
      DISCORD_QUEUE_SIZE: String(2 * REQUESTS),
      DISCORD_TIMEOUT_SECONDS: '300',
    });
    try {
      await sleep(500);
      const idle = server.memory();
      const body = uniqueBodies(ALERTS_PER_REQUEST);
      const deadline = Date.now() + CAP_MS;
      const started = Date.now();
      const statuses = await pool(REQUESTS, CONCURRENCY, (i) => (Date.now() < deadline ? postJson(`${server.url}/webhook/alertmanager`, body(i)) : Promise.resolve(0)));
      const pushMs = Date.now() - started;
      await sleep(SETTLE_MS);
      const queued = statuses.filter((s) => s === 202).length * ALERTS_PER_REQUEST;
      return [rssOutput(idle, server.memory(), queued, pushMs)];
    } finally {
      await server.stop();
    }
  } finally {
    await fake.close();
  }
}

function rssOutput(idle: { rss: number }, loaded: { rss: number; peak: number }, queued: number, pushMs: number): ScenarioOutput {
  const mb = loaded.rss / 1024 ** 2;
  return {
    table: 'rss',
    title: 'Memory: alertcord RSS with 100,000 alerts queued (Discord paused)',
    metrics: [
      { key: 'queued', label: 'alerts queued (202)', target: int(REQUESTS * ALERTS_PER_REQUEST) },
      { key: 'rss', label: 'RSS with them queued', target: `≤ ${RSS_TARGET_MB} MB` },
      { key: 'peak', label: 'peak RSS (VmHWM)' },
      { key: 'idle', label: 'RSS idle, before the push' },
    ],
    systems: [{
      system: 'alertcord, memory store',
      values: { queued: int(queued), rss: mebibytes(loaded.rss), peak: mebibytes(loaded.peak), idle: mebibytes(idle.rss) },
      pass: { queued: queued === REQUESTS * ALERTS_PER_REQUEST, rss: mb <= RSS_TARGET_MB },
    }],
    notes: [
      `${int(REQUESTS)} distinct Alertmanager groups of ${ALERTS_PER_REQUEST} alerts POSTed ${CONCURRENCY} at a time in ${(pushMs / 1000).toFixed(1)} s; DISCORD_QUEUE_SIZE=${2 * REQUESTS}; the fake Discord holds every request (DISCORD_TIMEOUT_SECONDS=300), so all stay queued. VmRSS of the alertcord child from /proc/<pid>/status, ${SETTLE_MS / 1000} s after the last 202.`,
      `${ALERTCORD_CHILD}.`,
    ],
  };
}
