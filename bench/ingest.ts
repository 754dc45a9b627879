import { startFakeDiscord } from '../test/helpers/fake-discord/index.js';
import { ALERTCORD_CHILD, startAlertcord, startBareServer, type ChildServer } from './child.js';
import { int } from './format.js';
import { loadRound, rate, type LoadOptions, type Round } from './load.js';
import { uniqueBodies } from './payloads.js';
import { WEBHOOK, webhookEnv } from './storm.js';
import type { ScenarioOutput } from './types.js';

const ROUNDS = 3;
const ROUND_S = 5;
const WARMUP_S = 3;
const CONNECTIONS = 10;
const ALERTS_PER_REQUEST = 3;
export const INGEST_TARGET_RATIO = 0.6;

/**
 * Scenario 2: requests/s of `POST /webhook/alertmanager` (3-alert bodies, each unique) on alertcord against
 * a bare Hono endpoint that only parses the JSON, alternated A B A B A B after a warm-up of each. alertcord's
 * Discord is paused, so delivery holds one request and does no other work: intake + queue is what is measured.
 */
export function runIngest(): Promise<ScenarioOutput[]> {
  return measureIngest({ table: 'ingest', system: 'memory store', env: {}, targetRatio: INGEST_TARGET_RATIO });
}

/** One ingest comparison; issue 7's "ingest with Redis" is another call (REDIS_URL in `env`, ratio ≥ 0.3). */
export interface IngestVariant {
  table: string;
  system: string;
  /** Extra environment for alertcord (e.g. the store). */
  env: Record<string, string>;
  targetRatio: number;
}

export async function measureIngest(variant: IngestVariant): Promise<ScenarioOutput[]> {
  const fake = await startFakeDiscord({ webhooks: [WEBHOOK] });
  fake.setPaused(true);
  const servers: ChildServer[] = [];
  try {
    const alertcord = await startAlertcord({
      ...webhookEnv(fake),
      DISCORD_QUEUE_SIZE: '5000000',
      DISCORD_TIMEOUT_SECONDS: '300',
      ...variant.env,
    });
    servers.push(alertcord);
    const bare = await startBareServer();
    servers.push(bare);
    const opts: LoadOptions = { path: '/webhook/alertmanager', durationS: ROUND_S, connections: CONNECTIONS, body: uniqueBodies(ALERTS_PER_REQUEST) };
    await loadRound(alertcord, { ...opts, durationS: WARMUP_S });
    await loadRound(bare, { ...opts, durationS: WARMUP_S });
    const a: Round[] = [];
    const b: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      a.push(await loadRound(alertcord, opts));
      b.push(await loadRound(bare, opts));
    }
    return [ingestOutput(variant, a, b, alertcord.memory().rss)];
  } finally {
    for (const s of servers) await s.stop();
    await fake.close();
  }
}

function ingestOutput(variant: IngestVariant, a: Round[], b: Round[], rss: number): ScenarioOutput {
  const ra = rate(a);
  const rb = rate(b);
  const ratio = rb > 0 ? ra / rb : 0;
  const perRound = (rs: Round[]) => rs.map((r) => `${int(r.ok / r.seconds)}`).join(' / ');
  const cpu = (rs: Round[]) => rs.map((r) => `${Math.round(100 * r.serverCpu)}%`).join(' / ');
  const refused = (rs: Round[]) => rs.reduce((s, r) => s + r.non2xx + r.errors, 0);
  return {
    table: variant.table,
    title: `Ingest (${variant.system}): POST /webhook/alertmanager, ${ALERTS_PER_REQUEST}-alert bodies, each unique, against a bare Hono endpoint`,
    metrics: [
      { key: 'alertcord', label: 'alertcord, requests/s (2xx only)' },
      { key: 'bare', label: 'bare Hono (parse JSON, answer 202), requests/s' },
      { key: 'ratio', label: 'ratio alertcord / bare', target: `≥ ${variant.targetRatio}` },
    ],
    systems: [{
      system: variant.system,
      values: { alertcord: int(ra), bare: int(rb), ratio: ratio.toFixed(2) },
      pass: { ratio: ratio >= variant.targetRatio },
    }],
    notes: [
      `autocannon ${CONNECTIONS} connections, ${ROUNDS} rounds of ${ROUND_S} s each, alternated (alertcord, bare, …) after a ${WARMUP_S} s warm-up of each; per round alertcord ${perRound(a)} req/s, bare ${perRound(b)} req/s; non-2xx or errors: alertcord ${refused(a)}, bare ${refused(b)}.`,
      `${ALERTCORD_CHILD}; the bare server too, also compiled; autocannon runs in the benchmark process, so with 2 cores the generator and the server each have a core; server CPU per round (share of one core): alertcord ${cpu(a)}, bare ${cpu(b)}. A server below ~95% was held back by the load generator, not by itself.`,
      `alertcord's Discord is a paused fake (one request held, DISCORD_TIMEOUT_SECONDS=300), DISCORD_QUEUE_SIZE=5,000,000: nothing refused, no delivery work; the queue grows through the run (alertcord RSS at the end ${Math.round(rss / 1024 ** 2)} MB). Latency p50/p99 per round: alertcord ${a.map((r) => `${r.latencyP50}/${r.latencyP99}`).join(', ')} ms; bare ${b.map((r) => `${r.latencyP50}/${r.latencyP99}`).join(', ')} ms.`,
    ],
  };
}
