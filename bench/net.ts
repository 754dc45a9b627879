import { Agent, request } from 'node:http';
export { freePort } from '../test/helpers/processes.js';

/** Polls `url` until it answers 200, or throws after `timeoutMs` (or as soon as `failed()` says why). */
export async function waitForHttp(url: string, timeoutMs: number, failed: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const why = failed();
    if (why !== undefined) throw new Error(why);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Keep-alive connections for {@link postJson}, as Alertmanager and Grafana keep theirs. node:http rather
 * than `fetch`: fetch's own cost per request (~1.4 ms at p50 against the bare server on this VM) would be
 * counted as alertcord's latency.
 */
const keepAlive = new Agent({ keepAlive: true, maxSockets: 64 });
const POST_TIMEOUT_MS = 30_000;

/** POSTs JSON text; resolves with the status (the body is read and dropped). */
export function postJson(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: keepAlive, timeout: POST_TIMEOUT_MS, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', reject);
    });
    req.once('timeout', () => req.destroy(new Error(`POST ${url}: no answer within ${POST_TIMEOUT_MS} ms`)));
    req.once('error', reject);
    req.end(body);
  });
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` at once; resolves with the results in order. */
export async function pool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
