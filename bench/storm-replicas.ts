import { startFakeDiscord, type FakeDiscord } from '../test/helpers/fake-discord/index.js';
import { ALERTCORD_CHILD, startAlertcord, type ChildServer } from './child.js';
import { benchRedis, discordRequests2xx, REDIS_NOTE, redisVersion } from './redis-support.js';
import { measureStorm, WEBHOOK, webhookEnv } from './storm.js';
import { STORM_METRICS, STORM_TABLE, STORM_TITLE } from './storm-shared.js';
import type { ScenarioOutput } from './types.js';

/** The storm table's column of this scenario. */
export const REPLICAS_LABEL = 'alertcord ×2 + Redis';

/**
 * Scenario 1c: the storm of `storm.ts` through two alertcord replicas (child processes, product defaults)
 * sharing one Redis and one webhook of the strict fake: the groups are POSTed alternately to both, as a
 * load balancer would. Together they must stay within the webhook's limits (shared rate-limit state and
 * pauses in Redis). Adds a column to the storm table. Skipped without redis-server.
 */
export async function runStormReplicas(): Promise<ScenarioOutput[] | { skip: string }> {
  const redis = await benchRedis();
  if ('skip' in redis) return redis;
  let fake: FakeDiscord | undefined;
  const replicas: ChildServer[] = [];
  try {
    fake = await startFakeDiscord({ webhooks: [WEBHOOK] });
    const env = { ...webhookEnv(fake), REDIS_URL: redis.url };
    await Promise.all([0, 1].map(async () => void replicas.push(await startAlertcord(env))));
    const { system, notes } = await measureStorm(fake, replicas.map((r) => `${r.url}/webhook/alertmanager`), REPLICAS_LABEL);
    const sent = await Promise.all(replicas.map((r) => discordRequests2xx(r.url)));
    return [{
      table: STORM_TABLE,
      title: STORM_TITLE,
      metrics: STORM_METRICS,
      systems: [system],
      notes: [
        `${REPLICAS_LABEL}: two replicas, ${ALERTCORD_CHILD}; REDIS_URL set, everything else the product's defaults; Redis ${await redisVersion(redis.url)}: ${REDIS_NOTE}. The groups alternate between the replicas; messages sent per replica (its own /metrics, 2xx): ${sent.map((n, i) => `${'ab'[i]} ${n}`).join(', ')}.`,
        ...notes,
      ],
    }];
  } finally {
    for (const r of replicas) await r.stop();
    await fake?.close();
    await redis.destroy();
  }
}
