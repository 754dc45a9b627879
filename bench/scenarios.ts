import { runIngest } from './ingest.js';
import { runLatency } from './latency.js';
import { runRss } from './rss.js';
import { runStorm } from './storm.js';
import { runStormAlertmanager } from './storm-alertmanager.js';
import type { Scenario } from './types.js';

/**
 * Every scenario, in run (and table) order. Issue 7's additions (ingest with Redis, the storm with two
 * replicas, the crash test) slot in here: a storm variant returns a column for the `storm` table.
 */
export const SCENARIOS: readonly Scenario[] = [
  { id: 'storm', describe: '1,000 alerts in 100 groups through alertcord into the strict fake Discord', run: runStorm },
  { id: 'storm-alertmanager', describe: 'the same storm through a real Alertmanager\'s own discord_configs (group_interval 5m and 10s, 60 s each)', run: runStormAlertmanager },
  { id: 'ingest', describe: 'requests/s of POST /webhook/alertmanager against a bare Hono endpoint, alternated', run: runIngest },
  { id: 'latency', describe: 'added latency from ingest to the Discord request, unthrottled (p50/p99)', run: runLatency },
  { id: 'rss', describe: 'alertcord RSS with 100,000 alerts queued, Discord paused', run: runRss },
];
