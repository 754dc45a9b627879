import { startFakeDiscord } from '../test/helpers/fake-discord/index.js';
import { ALERTCORD_CHILD, startAlertcord, startBareServer, startEdgeServer, type ChildServer } from './child.js';
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
  return measureIngest({ table: 'ingest', system: 'memory store', env: {}, targetRatio: INGEST_TARGET_RATIO, withEdge: true });
}

/** One ingest comparison; issue 7's "ingest with Redis" is another call (REDIS_URL in `env`, ratio ≥ 0.3). */
export interface IngestVariant {
  table: string;
  system: string;
  /** Extra environment for alertcord (e.g. the store). */
  env: Record<string, string>;
  targetRatio: number;
  /**
   * Also measure alertcord's HTTP layer over a no-op pipeline (bench/edge-server.ts) in the same rotation:
   * how much of the gap to bare Hono is the HTTP layer and how much the pipeline.
   */
  withEdge?: boolean;
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
    const edge = variant.withEdge ? await startEdgeServer() : undefined;
    if (edge) servers.push(edge);
    const opts: LoadOptions = { path: '/webhook/alertmanager', durationS: ROUND_S, connections: CONNECTIONS, body: uniqueBodies(ALERTS_PER_REQUEST) };
    for (const server of [alertcord, bare, edge]) if (server) await loadRound(server, { ...opts, durationS: WARMUP_S });
    const a: Round[] = [];
    const b: Round[] = [];
    const e: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      a.push(await loadRound(alertcord, opts));
      b.push(await loadRound(bare, opts));
      if (edge) e.push(await loadRound(edge, opts));
    }
    return [ingestOutput(variant, a, b, e, alertcord.memory().rss)];
  } finally {
    for (const s of servers) await s.stop();
    await fake.close();
  }
}

function ingestOutput(variant: IngestVariant, a: Round[], b: Round[], e: Round[], rss: number): ScenarioOutput {
  const ra = rate(a);
  const rb = rate(b);
  const ratio = rb > 0 ? ra / rb : 0;
  const re = rate(e);
  const perRound = (rs: Round[]) => rs.map((r) => `${int(r.ok / r.seconds)}`).join(' / ');
  const cpu = (rs: Round[]) => rs.map((r) => `${Math.round(100 * r.serverCpu)}%`).join(' / ');
  // Process CPU (all threads) per answered request, over all rounds: steadier than req/s on a noisy VM.
  const cpuPerRequest = (rs: Round[]) => {
    const ok = rs.reduce((s, r) => s + r.ok, 0);
    return ok > 0 ? `${Math.round((rs.reduce((s, r) => s + r.serverCpu * r.seconds, 0) * 1e6) / ok)} µs` : 'n/a';
  };
  const refused = (rs: Round[]) => rs.reduce((s, r) => s + r.non2xx + r.errors, 0);
  return {
    table: variant.table,
    title: `Ingest (${variant.system}): POST /webhook/alertmanager, ${ALERTS_PER_REQUEST}-alert bodies, each unique, against a bare Hono endpoint`,
    metrics: [
      { key: 'alertcord', label: 'alertcord, requests/s (2xx only)' },
      { key: 'bare', label: 'bare Hono (parse JSON, answer 202), requests/s' },
      { key: 'ratio', label: 'ratio alertcord / bare', target: `≥ ${variant.targetRatio}` },
      ...(e.length > 0
        ? [
            { key: 'edge', label: "alertcord's HTTP layer alone (no-op pipeline), requests/s" },
            { key: 'edgeRatio', label: 'ratio HTTP layer alone / bare' },
          ]
        : []),
    ],
    systems: [{
      system: variant.system,
      values: { alertcord: int(ra), bare: int(rb), ratio: ratio.toFixed(2), ...(e.length > 0 ? { edge: int(re), edgeRatio: (rb > 0 ? re / rb : 0).toFixed(2) } : {}) },
      pass: { ratio: ratio >= variant.targetRatio },
    }],
    notes: [
      ...(e.length > 0
        ? [`"HTTP layer alone" is bench/edge-server.ts: alertcord's own app (request ids, ingest metrics, ingest auth, body reader, Alertmanager parser) over an intake that accepts without routing, deduplicating or queueing; per round ${perRound(e)} req/s, server CPU ${cpu(e)}. Its gap to bare Hono is the cost of the HTTP layer; its gap to alertcord, the pipeline's (route, dedupe key, notification, queue).`]
        : []),
      `autocannon ${CONNECTIONS} connections, ${ROUNDS} rounds of ${ROUND_S} s each, alternated (alertcord, bare, …) after a ${WARMUP_S} s warm-up of each; per round alertcord ${perRound(a)} req/s, bare ${perRound(b)} req/s; non-2xx or errors: alertcord ${refused(a)}, bare ${refused(b)}.`,
      `${ALERTCORD_CHILD}; the bare server too, also compiled; autocannon runs in the benchmark process, so with 2 cores the generator and the server each have a core; server CPU per round (share of one core): alertcord ${cpu(a)}, bare ${cpu(b)}. A server below ~95% was held back by the load generator, not by itself. CPU per request: alertcord ${cpuPerRequest(a)}, bare ${cpuPerRequest(b)}${e.length > 0 ? `, HTTP layer alone ${cpuPerRequest(e)}` : ''}.`,
      `alertcord's Discord is a paused fake (one request held, DISCORD_TIMEOUT_SECONDS=300), DISCORD_QUEUE_SIZE=5,000,000: nothing refused, no delivery work; the queue grows through the run (alertcord RSS at the end ${Math.round(rss / 1024 ** 2)} MB). Latency p50/p99 per round: alertcord ${a.map((r) => `${r.latencyP50}/${r.latencyP99}`).join(', ')} ms; bare ${b.map((r) => `${r.latencyP50}/${r.latencyP99}`).join(', ')} ms.`,
    ],
  };
}
