import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAlertcordProcess, type AlertcordProcess } from '../helpers/alertcord-process.js';
import { HOOK_IDS } from '../helpers/bridge.js';
import { startFakeDiscord, type FakeDiscord } from '../helpers/fake-discord/index.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';

let fake: FakeDiscord | undefined;
let child: AlertcordProcess | undefined;
let redis: RedisServer | undefined;
let dir: string | undefined;

afterEach(async () => {
  await child?.stop(5_000);
  await fake?.close();
  await redis?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
  child = fake = redis = dir = undefined;
});

/** alertcord as a child process with `yaml` (general's webhook on the fake) and `env`. */
async function start(yaml: string, env: Record<string, string> = {}): Promise<AlertcordProcess> {
  fake = await startFakeDiscord({ webhooks: [{ id: HOOK_IDS.general!, token: 'tok-general-secret', channelId: 'chan-general' }] });
  dir = mkdtempSync(join(tmpdir(), 'alertcord-signals-'));
  const file = join(dir, 'alertcord.yaml');
  writeFileSync(file, `alert_types:\n  general: { webhook: "${fake.urlFor(HOOK_IDS.general!)}" }\n${yaml}`);
  child = await startAlertcordProcess({ CONFIG_FILE: file, DISCORD_ALLOWED_HOSTS: new URL(fake.origin).host, ...env });
  return child;
}

describe('stopping a running alertcord (child process)', () => {
  // The drain of empty queues ends at once, and the process exited with this request's body still arriving:
  // the sender got its connection dropped, no answer (curl: "Empty reply from server", which --retry does
  // not retry), instead of the 503 + Retry-After that sends it to another replica.
  it('answers a request still arriving when the drain ends (503 shutting_down), then exits 0', { timeout: 60_000 }, async () => {
    const c = await start('');
    const body = JSON.stringify({ title: 'arriving at SIGTERM' });
    const socket = connect(Number(new URL(c.url).port), '127.0.0.1');
    let response = '';
    socket.on('data', (chunk: Buffer) => (response += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    const closed = new Promise((resolve) => socket.on('close', resolve));
    // Node answers "100 Continue" once it has parsed the headers: the request is in the server's hands.
    socket.write(`POST /webhook/generic HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n${body.slice(0, 5)}`);
    await expect.poll(() => response, { timeout: 10_000 }).toContain('100 Continue');
    c.signal('SIGTERM');
    await expect.poll(() => c.logs.some((l) => l.msg === 'drained: nothing left in the queues'), { timeout: 10_000 }).toBe(true);
    socket.write(body.slice(5));
    await closed;
    expect(response).toMatch(/\r\n\r\nHTTP\/1\.1 503 /);
    expect(response).toContain('"code":"shutting_down"');
    expect(await c.exited).toBe(0);
  });

  // Answering what is in flight is bounded by the deadline: a client whose body never comes (a stalled proxy,
  // slowloris within request_timeout) held the exit until the forced exit, an error and exit code 1.
  it('a request whose body never comes does not hold the exit past the deadline: exits 0', { timeout: 60_000 }, async () => {
    const c = await start('server: { shutdown_deadline: 1s }\n');
    const socket = connect(Number(new URL(c.url).port), '127.0.0.1');
    let response = '';
    socket.on('data', (chunk: Buffer) => (response += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.write('POST /webhook/generic HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n{"ti');
    await expect.poll(() => response, { timeout: 10_000 }).toContain('100 Continue');
    c.signal('SIGTERM');
    expect(await c.exited).toBe(0);
    expect(c.logs.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual([]);
    socket.destroy();
  });

  it('a second SIGTERM while draining exits at once (143), not after the drain deadline', { timeout: 60_000 }, async () => {
    const c = await start('server: { shutdown_deadline: 60s }\n');
    fake!.setPaused(true); // Discord holds the request: the drain would wait for it up to the deadline
    expect((await c.post('/webhook/generic', { title: 'held by Discord' })).status).toBe(202);
    await expect.poll(() => fake!.requests.length, { timeout: 10_000 }).toBeGreaterThan(0);
    c.signal('SIGTERM');
    await expect.poll(() => c.logs.some((l) => l.msg.startsWith('stopping:')), { timeout: 10_000 }).toBe(true);
    const secondAt = Date.now();
    c.signal('SIGTERM');
    expect(await c.exited).toBe(143);
    expect(Date.now() - secondAt).toBeLessThan(30_000); // far inside the 60 s deadline it would have waited
    expect(c.logs.some((l) => l.msg === 'second SIGTERM while draining: exiting now')).toBe(true);
  });

  it('exits shortly after the deadline even when the store hangs the stop (Redis down), inside Docker’s 10 s', { timeout: 90_000 }, async () => {
    redis = await startRedis();
    const c = await start('server: { shutdown_deadline: 500ms }\n', { REDIS_URL: redis.url });
    expect((await c.post('/webhook/generic', { title: 'before the outage' })).status).toBe(202);
    await expect.poll(() => fake!.messages.length, { timeout: 10_000 }).toBe(1);
    await redis.kill();
    const stopAt = Date.now();
    c.signal('SIGTERM');
    const code = await c.exited;
    const tookMs = Date.now() - stopAt;
    // Either the drain finished in time (0) or the forced exit cut it (1); never past the supervisor's kill.
    // With Redis gone the stop's last reads and closing take a command timeout each (~5 s in all): cut at
    // deadline + 1.5 s, with a line that says so, before a supervisor's SIGKILL (Docker: 10 s).
    expect(code).toBe(1);
    expect(c.logs.some((l) => l.level === 50 && l.msg.startsWith('stopping took 1.5 s longer than server.shutdown_deadline'))).toBe(true);
    expect(tookMs).toBeLessThan(9_000);
  });
});
