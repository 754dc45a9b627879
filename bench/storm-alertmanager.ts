import { alertmanagerVersion, amConfig, amDiscordConfig, startAlertmanager } from '../test/helpers/alertmanager.js';
import { startFakeDiscord } from '../test/helpers/fake-discord/index.js';
import { counts, int, seconds } from './format.js';
import { leastDrainMs } from './limits.js';
import { sleep } from './net.js';
import { postableAlerts, stormGroups } from './payloads.js';
import { expectedTokens, WEBHOOK } from './storm.js';
import { STORM_ALERTS, STORM_METRICS, STORM_TABLE, STORM_TITLE } from './storm-shared.js';
import { badRequestReasons, DeliveryTracker, rateLimitsByScope } from './tracker.js';
import type { ScenarioOutput, SystemResult } from './types.js';

/** How long each Alertmanager is watched after the push (issue 5's incumbent measurement). */
const OBSERVE_MS = 60_000;
const GROUP_BY = ['alertname', 'cluster'];

/**
 * Scenario 1b: the same storm pushed into a real Alertmanager whose own `discord_configs` posts into the
 * same strict fake, once with `group_interval: 5m` and once with `10s` (run side by side, each with its
 * own fake and Alertmanager, so neither shares a limit with the other). Skipped without the binary.
 */
export async function runStormAlertmanager(): Promise<ScenarioOutput[] | { skip: string }> {
  let version: string;
  try {
    version = await alertmanagerVersion();
  } catch (err) {
    return { skip: (err as Error).message };
  }
  const runs = await Promise.all(['5m', '10s'].map((interval) => observe(version, interval)));
  const reasons = [...new Set(runs.flatMap((r) => r.reasons))];
  return [{
    table: STORM_TABLE,
    title: STORM_TITLE,
    metrics: STORM_METRICS,
    systems: runs.map((r) => r.system),
    notes: [
      `Alertmanager ${version} (\`prometheus-alertmanager\`), its own \`discord_configs\` into the same fake; group_by [${GROUP_BY.join(', ')}] (100 groups), group_wait 1s, repeat_interval 1h; the 1,000 alerts pushed in one \`POST /api/v2/alerts\`, then watched for ${seconds(OBSERVE_MS)} ("drain time" is the time of its last new alert within that window).`,
      ...(reasons.length > 0 ? [`Alertmanager's 400s: ${reasons.join('; ')} (0.25 sends one embed per group with every alert of the group in its description and does not truncate it).`] : []),
    ],
  }];
}

async function observe(version: string, groupInterval: string): Promise<{ system: SystemResult; reasons: string[] }> {
  const fake = await startFakeDiscord({ webhooks: [WEBHOOK] });
  try {
    const am = await startAlertmanager({
      config: amConfig({ discordConfigs: [amDiscordConfig({ webhookUrl: fake.urlFor(WEBHOOK.id) })], groupBy: GROUP_BY, timing: { group_interval: groupInterval } }),
    });
    try {
      const groups = stormGroups();
      const tracker = new DeliveryTracker(fake, expectedTokens(groups));
      const started = Date.now();
      await am.pushAlerts(postableAlerts(groups));
      await sleep(Math.max(0, started + OBSERVE_MS - Date.now()));
      tracker.scan();
      const system = amColumn(`Alertmanager ${version}, group_interval ${groupInterval}`, fake.stats, tracker, started, rateLimitsByScope(fake));
      return { system, reasons: badRequestReasons(fake) };
    } finally {
      await am.stop();
    }
  } finally {
    await fake.close();
  }
}

function amColumn(system: string, stats: { messages: number; status429: number; status400: number }, tracker: DeliveryTracker, started: number, scopes: Record<string, number>): SystemResult {
  const delivered = tracker.delivered;
  const last = tracker.lastAt;
  return {
    system,
    values: {
      delivered: `${int(delivered)} (${((100 * delivered) / STORM_ALERTS).toFixed(1)}%)`,
      lost: `${int(STORM_ALERTS - delivered)} (after ${seconds(OBSERVE_MS)})`,
      duplicates: int(tracker.duplicates),
      r429: int(stats.status429),
      r400: int(stats.status400),
      messages: int(stats.messages),
      drain: delivered === STORM_ALERTS && last !== undefined ? seconds(last - started) : `not drained in ${seconds(OBSERVE_MS)}`,
      least: seconds(leastDrainMs(stats.messages)),
      scopes: counts(scopes),
    },
  };
}
