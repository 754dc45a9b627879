import { startFakeDiscord, type FakeDiscord } from '../test/helpers/fake-discord/index.js';
import { ALERTCORD_CHILD, startAlertcord } from './child.js';
import { counts, int, seconds } from './format.js';
import { leastDrainMs } from './limits.js';
import { pool, postJson, sleep } from './net.js';
import { alertmanagerBody, stormGroups, type AlertGroup } from './payloads.js';
import { STORM_ALERTS, STORM_METRICS, STORM_TABLE, STORM_TARGET, STORM_TITLE } from './storm-shared.js';
import { DeliveryTracker, rateLimitsByScope } from './tracker.js';
import type { ScenarioOutput, SystemResult } from './types.js';

const CAP_MS = 120_000;
/** After the last alert is seen, wait this long so late extra messages still count as used. */
const SETTLE_MS = 3_000;
const POST_CONCURRENCY = 20;
export const WEBHOOK = { id: '100000000000000001', token: 'bench-storm-token', channelId: '200000000000000001', name: 'bench' };

/** Every token of the storm, for the tracker. */
export function expectedTokens(groups: readonly AlertGroup[]): Set<string> {
  return new Set(groups.flatMap((g) => g.alerts.map((a) => a.labels.instance!.split(':')[0]!)));
}

/** The environment that points alertcord's general webhook at the fake (all types fall back to it). */
export function webhookEnv(fake: FakeDiscord): Record<string, string> {
  return { DISCORD_WEBHOOK_GENERAL: fake.urlFor(WEBHOOK.id), DISCORD_ALLOWED_HOSTS: `127.0.0.1:${fake.port}` };
}

/** Scenario 1: the storm through alertcord (a child process, product defaults) into the strict fake Discord. */
export async function runStorm(): Promise<ScenarioOutput[]> {
  const fake = await startFakeDiscord({ webhooks: [WEBHOOK] });
  try {
    const server = await startAlertcord(webhookEnv(fake));
    try {
      const { system, notes } = await measureStorm(fake, [`${server.url}/webhook/alertmanager`], 'alertcord');
      return [{ table: STORM_TABLE, title: STORM_TITLE, metrics: STORM_METRICS, systems: [system], notes: [`${ALERTCORD_CHILD}; only DISCORD_WEBHOOK_GENERAL set, everything else the product's defaults (DISCORD_RATE_LIMIT 30/min).`, ...notes] }];
    } finally {
      await server.stop();
    }
  } finally {
    await fake.close();
  }
}

/**
 * POSTs the storm's 100 groups as fast as possible (spread round-robin over `ingestUrls`, e.g. several
 * replicas), then watches the fake until every alert is visible or the cap passes. Reusable by storm
 * variants (issue 7: two replicas sharing Redis) that add a column to the storm table.
 */
export async function measureStorm(fake: FakeDiscord, ingestUrls: readonly string[], label: string): Promise<{ system: SystemResult; notes: string[] }> {
  const groups = stormGroups();
  const bodies = groups.map((g) => JSON.stringify(alertmanagerBody(g)));
  const tracker = new DeliveryTracker(fake, expectedTokens(groups));
  const started = Date.now();
  const statuses = await pool(bodies.length, POST_CONCURRENCY, (i) => postJson(ingestUrls[i % ingestUrls.length]!, bodies[i]!));
  const ingestedMs = Date.now() - started;
  const drained = await tracker.waitAll(started + CAP_MS);
  await sleep(SETTLE_MS);
  tracker.scan();
  return stormResult(fake, tracker, label, { started, ingestedMs, drained, statuses });
}

interface StormRun {
  started: number;
  ingestedMs: number;
  drained: boolean;
  statuses: number[];
}

function stormResult(fake: FakeDiscord, tracker: DeliveryTracker, label: string, run: StormRun): { system: SystemResult; notes: string[] } {
  const messages = fake.stats.messages;
  const delivered = tracker.delivered;
  const drainMs = run.drained ? (tracker.lastAt ?? run.started) - run.started : undefined;
  const accepted = run.statuses.filter((s) => s === 202).length;
  const system: SystemResult = {
    system: label,
    values: {
      delivered: `${int(delivered)} (${((100 * delivered) / STORM_ALERTS).toFixed(1)}%)`,
      lost: int(STORM_ALERTS - delivered),
      duplicates: int(tracker.duplicates),
      r429: int(fake.stats.status429),
      r400: int(fake.stats.status400),
      messages: int(messages),
      drain: drainMs === undefined ? `not drained in ${seconds(CAP_MS)}` : seconds(drainMs),
      least: seconds(leastDrainMs(messages)),
      scopes: counts(rateLimitsByScope(fake)),
    },
    pass: {
      delivered: delivered === STORM_ALERTS,
      lost: delivered === STORM_ALERTS,
      r429: fake.stats.status429 <= STORM_TARGET.maxRateLimited,
      r400: fake.stats.status400 === 0,
      messages: messages <= STORM_TARGET.maxMessages,
      drain: drainMs !== undefined && drainMs <= STORM_TARGET.maxDrainMs,
    },
  };
  const since = (t: number): string => `+${((t - run.started) / 1000).toFixed(1)} s`;
  const throttled = fake.requests.filter((r) => r.status === 429).map((r) => since(r.receivedAt));
  const timeline = tracker.sightings.map((s) => `${since(s.at)}: ${s.alerts} alerts/${s.embeds} embeds`);
  return {
    system,
    notes: [
      `${label}: the 100 POSTs of 10 alerts, ${POST_CONCURRENCY} at a time, were all answered ${seconds(run.ingestedMs)} after the first (${accepted}/${run.statuses.length} × 202).`,
      `${label} message timeline (since the first POST): ${timeline.length > 0 ? timeline.join('; ') : 'no message'}.`,
      `${label} 429s at: ${throttled.length > 0 ? throttled.join(', ') : 'none'}; requests the fake saw: ${fake.stats.requests}.`,
    ],
  };
}
