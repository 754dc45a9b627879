import { runCrashReplicas } from './crash-replicas.js';
import { runIngest } from './ingest.js';
import { runIngestRedis } from './ingest-redis.js';
import { runLatency } from './latency.js';
import { runRss } from './rss.js';
import { runStorm } from './storm.js';
import { runStormAlertmanager } from './storm-alertmanager.js';
import { runStormReplicas } from './storm-replicas.js';
import type { Scenario } from './types.js';

/**
 * Every scenario, in run (and table) order. Issue 7's additions (ingest with Redis, the storm with two
 * replicas, the crash test) slot in here: a storm variant returns a column for the `storm` table.
 */
export const SCENARIOS: readonly Scenario[] = [
  { id: 'storm', describe: '1,000 alerts in 100 groups through alertcord into the strict fake Discord', run: runStorm },
  { id: 'storm-replicas', describe: 'the same storm posted alternately to two alertcord replicas sharing one Redis', run: runStormReplicas },
  { id: 'storm-alertmanager', describe: 'the same storm through a real Alertmanager\'s own discord_configs (group_interval 5m and 10s, 60 s each)', run: runStormAlertmanager },
  { id: 'ingest', describe: 'requests/s of POST /webhook/alertmanager against a bare Hono endpoint, alternated', run: runIngest },
  { id: 'ingest-redis', describe: 'the same ingest comparison with the Redis store (REDIS_URL)', run: runIngestRedis },
  { id: 'latency', describe: 'added latency from ingest to the Discord request, unthrottled (p50/p99)', run: runLatency },
  { id: 'rss', describe: 'alertcord RSS with 100,000 alerts queued, Discord paused', run: runRss },
  { id: 'crash', describe: 'one of two replicas sharing Redis killed (kill -9) mid-storm; the other delivers every acknowledged alert', run: runCrashReplicas },
];
