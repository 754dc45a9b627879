import autocannon from 'autocannon';
import type { ChildServer } from './child.js';

/** One timed round of load against one server. */
export interface Round {
  ok: number;
  non2xx: number;
  errors: number;
  seconds: number;
  /** CPU the server process used during the round, as a share of one core. */
  serverCpu: number;
  latencyP50: number;
  latencyP99: number;
}

export interface LoadOptions {
  path: string;
  durationS: number;
  connections: number;
  /** Body of the n-th request (n counts across every round, so each request is unique). */
  body: (n: number) => string;
}

let sequence = 0;

/**
 * Drives `server` with autocannon for `durationS` seconds, each request a fresh body; counts 2xx only.
 * autocannon runs in this process; the server is its own process, so the two get a core each.
 */
export async function loadRound(server: ChildServer, opts: LoadOptions): Promise<Round> {
  const cpuBefore = server.cpuMs();
  const result = await autocannon({
    url: server.url,
    connections: opts.connections,
    duration: opts.durationS,
    requests: [{
      method: 'POST',
      path: opts.path,
      headers: { 'content-type': 'application/json' },
      setupRequest: (req) => ({ ...req, body: opts.body(sequence++) }),
    }],
  });
  const cpu = server.cpuMs() - cpuBefore;
  return {
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    seconds: result.duration,
    serverCpu: cpu / (result.duration * 1000),
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
  };
}

/** Requests per second over several rounds (2xx only). */
export function rate(rounds: readonly Round[]): number {
  const ok = rounds.reduce((s, r) => s + r.ok, 0);
  const seconds = rounds.reduce((s, r) => s + r.seconds, 0);
  return seconds > 0 ? ok / seconds : 0;
}
