import { afterAll, beforeAll, expect, it } from 'vitest';
import { leftoverSummary } from '../../src/ops/leftover-summary.js';
import { startBridge, type Bridge } from '../helpers/bridge.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';

/**
 * What an operator looks at while Redis is down: /metrics, /api/status and the shutdown log. While Redis is
 * unreachable each store read waits out the command timeout (1.5 s); read one after another, a scrape of
 * six webhooks took over 20 s (Prometheus gives up after 10 s), /api/status failed with 500, and a stop
 * took a command timeout per webhook queue past its deadline and then logged "nothing left".
 */
const COMMAND_TIMEOUT_MS = 1_500;

let redis: RedisServer;
let bridge: Bridge;

beforeAll(async () => {
  redis = await startRedis();
  // Six webhooks (one per built-in type), each with a worker: the bridge starts them by queueing to each.
  bridge = await startBridge({ env: { REDIS_URL: redis.url } });
  for (const type of ['general', 'error', 'critical', 'tracklist', 'monitoring', 'security']) {
    expect((await bridge.post(`/webhook/generic/${type}`, { title: `before the outage (${type})`, message: 'm' })).status).toBe(202);
  }
  const until = Date.now() + 10_000;
  while (bridge.fake.messages.length < 6 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  expect(bridge.fake.messages.length).toBe(6);
  await redis.kill();
}, 60_000);

afterAll(async () => {
  await bridge?.close();
  await redis?.destroy();
});

async function timed(path: string): Promise<{ status: number; ms: number; body: string }> {
  const started = performance.now();
  const res = await fetch(`${bridge.url}${path}`);
  const body = await res.text();
  return { status: res.status, ms: performance.now() - started, body };
}

it('GET /metrics answers within about two command timeouts, well inside a Prometheus scrape timeout', { timeout: 60_000 }, async () => {
  const scrape = await timed('/metrics');
  expect(scrape.status).toBe(200);
  expect(scrape.ms).toBeLessThan(3 * COMMAND_TIMEOUT_MS);
  expect(scrape.body).toContain('alertcord_notifications_total');
});

it('GET /api/status answers 200 with store.ok false, within about two command timeouts', { timeout: 60_000 }, async () => {
  const status = await timed('/api/status');
  expect(status.status).toBe(200);
  expect(status.ms).toBeLessThan(3 * COMMAND_TIMEOUT_MS);
  expect(JSON.parse(status.body)).toMatchObject({ store: { kind: 'redis', ok: false } });
});

it('the admin data routes answer 503 with Retry-After (the store is down), not 500 "internal error"', { timeout: 60_000 }, async () => {
  for (const [method, path] of [['GET', '/api/history'], ['GET', '/api/history/some-id'], ['GET', '/api/stats'], ['GET', '/api/dead-letter'], ['POST', '/api/dead-letter/replay']] as const) {
    const res = await fetch(`${bridge.url}${path}`, { method });
    const body = (await res.json()) as { error: { code: string } };
    expect({ path, status: res.status, code: body.error.code, retryAfter: res.headers.get('retry-after') }).toEqual({ path, status: 503, code: 'unavailable', retryAfter: '10' });
  }
});

// Discord answers the GET-webhook call, but the broken mark it would clear lives in Redis: the dashboard's
// "Validate webhooks" then said "internal error" (500) and the log got an "unhandled error" stack.
it('POST /api/validate answers 503 unavailable with Retry-After (the marks cannot be changed), not 500', { timeout: 60_000 }, async () => {
  const res = await fetch(`${bridge.url}/api/validate`, { method: 'POST' });
  const body = (await res.json()) as { error: { code: string } };
  expect({ status: res.status, code: body.error.code, retryAfter: res.headers.get('retry-after') }).toEqual({ status: 503, code: 'unavailable', retryAfter: '10' });
});

it('stop() does not add a command timeout per webhook to its deadline, and reports the queues as uncounted, not drained', { timeout: 60_000 }, async () => {
  const started = performance.now();
  const left = await bridge.runtime.stop(500);
  // Deadline, then at most: one round of depth reads, the workers' last read, listing the queues, closing
  // (~5 s here). The promise it keeps: inside Docker's 10 s stop grace period (one per queue took 13 s).
  expect(performance.now() - started).toBeLessThan(9_500);
  expect(Object.keys(left).length).toBeGreaterThan(0);
  expect(Object.values(left).every((depth) => depth === -1)).toBe(true);
  expect(leftoverSummary(left, 'redis')).toMatchObject({ drained: false, message: expect.stringContaining('could not be counted') });
});

it('leftoverSummary: counted, uncounted and drained', () => {
  expect(leftoverSummary({}, 'redis')).toEqual({ drained: true, message: 'drained: nothing left in the queues' });
  expect(leftoverSummary({ a: 3, b: 2 }, 'memory')).toMatchObject({ drained: false, message: expect.stringMatching(/^5 notifications were still queued and are LOST/) });
  // A -1 (the store could not say) is neither drained nor summed: { a: -1 } once summed to -1 and logged "nothing left".
  expect(leftoverSummary({ a: -1 }, 'redis')).toMatchObject({ drained: false, message: expect.stringMatching(/^1 queue\(s\) could not be counted.*stays queued in Redis/) });
  expect(leftoverSummary({ a: -1, b: 4 }, 'redis').message).toContain('4 notifications counted');
});
