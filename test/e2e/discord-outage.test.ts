import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startAlertcordProcess, type AlertcordProcess, type LogLine } from '../helpers/alertcord-process.js';
import { amConfig, amWebhookConfig, resolvedAlerts, startAlertmanager, type AlertmanagerProcess, type PostableAlert } from '../helpers/alertmanager.js';
import { HOOK_IDS, startBridge, type Bridge } from '../helpers/bridge.js';
import { startFakeDiscord, type Fault, type FakeDiscord, type RecordedMessage } from '../helpers/fake-discord/index.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';

/**
 * README "An outage dead-letters nothing", end to end: a real Alertmanager posts groups while the fake Discord
 * is down (every request, GETs included, a 502 page or a reset), then Discord recovers. Short breaker and retry
 * settings keep it bounded.
 */
const TOKEN = 'outage-ingest-token';
const MONITORING = HOOK_IDS.monitoring!;
const FAST_DELIVERY = ['discord:', '  retry_attempts: 1', '  circuit_breaker:', '    failure_threshold: 2', '    cooldown: 1s', ''].join('\n');
const WAIT = { timeout: 25_000, interval: 200 };
const GATEWAY_502: Fault = { status: 502, body: '<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>' };
const OUTAGE_LINE = 'Discord does not answer the webhook at all';

interface Line {
  level: number;
  msg: string;
  webhookId?: string;
}

let am: AlertmanagerProcess | undefined;
let bridge: Bridge | undefined;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await am?.stop();
  await bridge?.close();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  am = undefined;
  bridge = undefined;
});

const alert = (alertname: string, instance: string): PostableAlert => ({
  labels: { alertname, instance, severity: 'warning' },
  annotations: { summary: `${alertname} on ${instance}` },
});

/** Each embed (or packed field) that names `summary`, in posting order, as 'firing' or 'resolved'. */
function statesOf(messages: readonly RecordedMessage[], summary: string): string[] {
  const out: string[] = [];
  for (const m of messages) {
    const body = m.body as { embeds?: { title?: string; color?: number; fields?: { name: string; value: string }[] }[] };
    for (const embed of body.embeds ?? []) {
      const parts = [embed.title ?? '', ...(embed.fields ?? []).map((f) => `${f.name} ${f.value}`)];
      for (const part of parts) {
        if (!part.includes(summary)) continue;
        out.push(/resolved|✅/i.test(part) || (part === embed.title && embed.color === 0x2ecc71) ? 'resolved' : 'firing');
      }
    }
  }
  return out;
}

async function amFailures(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('alertmanager_notifications_failed_total'))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

async function amSent(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('alertmanager_notifications_total') && l.includes('webhook'))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

async function admin(url: string, path: string): Promise<Record<string, unknown>> {
  return (await (await fetch(`${url}/api${path}`)).json()) as Record<string, unknown>;
}

interface WebhookStatus {
  webhookId: string;
  breaker: { state: string };
  queue: { depth: number };
  lastError?: { reason: string } | null;
}

const monitoringStatus = async (url: string): Promise<WebhookStatus | undefined> =>
  ((await admin(url, '/status')).webhooks as WebhookStatus[]).find((w) => w.webhookId === MONITORING);

describe.each([
  ['a 502 page', GATEWAY_502],
  ['a connection reset', { kind: 'reset' } as Fault],
])('a Discord outage (%s to every request) with a real Alertmanager sending, memory store', (_name, fault) => {
  it('loses nothing, dead-letters nothing, keeps Alertmanager on 2xx, and tells the truth during it', async () => {
    const lines: Line[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Line) });
    bridge = await startBridge({ env: { INGEST_TOKEN: TOKEN }, yaml: FAST_DELIVERY, logger });
    am = await startAlertmanager({ config: amConfig({ webhookConfigs: [amWebhookConfig({ url: `${bridge.url}/webhook/alertmanager`, bearer: TOKEN, sendResolved: true })] }) });
    const fake = bridge.fake;
    fake.setDown(fault);

    const disk = [alert('DiskFull', 'web-1'), alert('DiskFull', 'web-2')];
    await am.pushAlerts([...disk, alert('CpuHigh', 'db-1')]);
    // Both groups accepted by alertcord while Discord is down: the breaker opens, the queue holds them.
    await expect.poll(() => amSent(am!.url), WAIT).toBeGreaterThanOrEqual(2);
    await expect.poll(async () => (await monitoringStatus(bridge!.url))?.breaker.state, WAIT).not.toBe('closed');
    const during = (await monitoringStatus(bridge.url))!;
    expect(during.queue.depth).toBeGreaterThanOrEqual(1);
    expect(during.lastError?.reason).toMatch(/server_error|network/);
    const metrics = await (await fetch(`${bridge.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`alertcord_circuit_breaker_state\\{webhook="${MONITORING}"\\} [12]`));
    expect(metrics).toMatch(new RegExp(`alertcord_queue_depth\\{webhook="${MONITORING}"\\} [1-9]`));

    // One resolves while Discord is still down: its resolve must not overtake its firing.
    await am.pushAlerts(resolvedAlerts([disk[0]!]));
    await expect.poll(() => amSent(am!.url), WAIT).toBeGreaterThanOrEqual(3);
    // Several probes fail (cooldown 1 s) before Discord comes back.
    const probesBefore = fake.requests.length;
    await expect.poll(() => fake.requests.length, WAIT).toBeGreaterThanOrEqual(probesBefore + 6);
    fake.setDown(null);

    await expect.poll(() => statesOf(fake.messagesFor(MONITORING), 'DiskFull on web-1').includes('resolved'), WAIT).toBe(true);
    await expect.poll(() => statesOf(fake.messagesFor(MONITORING), 'CpuHigh on db-1').length, WAIT).toBeGreaterThan(0);
    await expect.poll(async () => (await monitoringStatus(bridge!.url))?.queue.depth, WAIT).toBe(0);
    const messages = fake.messagesFor(MONITORING);
    expect(statesOf(messages, 'DiskFull on web-1')).toEqual(['firing', 'resolved']);
    expect(statesOf(messages, 'DiskFull on web-2')[0]).toBe('firing');
    expect(statesOf(messages, 'CpuHigh on db-1')).toEqual(['firing']);
    expect((await admin(bridge.url, '/dead-letter')).total).toBe(0);
    expect(await amFailures(am.url)).toBe(0);
    expect((await monitoringStatus(bridge.url))?.breaker.state).toBe('closed');
    // The outage line: at most once per message that used its retries, never once per probe.
    const outage = lines.filter((l) => l.msg.includes(OUTAGE_LINE));
    expect(outage.length).toBeGreaterThanOrEqual(1);
    expect(outage.length).toBeLessThanOrEqual(3);
    expect(outage.every((l) => l.webhookId === MONITORING)).toBe(true);
  }, 60_000);
});

describe('a Discord outage with a real Alertmanager sending, two replicas on Redis, each restarted (SIGTERM) during it', () => {
  it('loses nothing, dead-letters nothing, keeps Alertmanager on 2xx, and tells the truth during it', async () => {
    const redis: RedisServer = await startRedis();
    cleanups.push(() => redis.destroy());
    const fake: FakeDiscord = await startFakeDiscord({ webhooks: [{ id: MONITORING, token: 'tok-monitoring-secret', channelId: 'chan-monitoring' }] });
    cleanups.push(() => fake.close());
    const dir = await mkdtemp(join(tmpdir(), 'alertcord-outage-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const configFile = join(dir, 'alertcord.yaml');
    await writeFile(configFile, `${FAST_DELIVERY}server:\n  shutdown_deadline: 1s\nstore:\n  redis:\n    key_prefix: outage\n`);
    const env = {
      CONFIG_FILE: configFile,
      REDIS_URL: redis.url,
      INGEST_TOKEN: TOKEN,
      DISCORD_WEBHOOK_GENERAL: fake.urlFor(MONITORING),
      DISCORD_ALLOWED_HOSTS: new URL(fake.origin).host,
    };
    const procs: AlertcordProcess[] = [];
    const start = async (): Promise<AlertcordProcess> => {
      const proc = await startAlertcordProcess(env);
      procs.push(proc);
      return proc;
    };
    cleanups.push(() => Promise.all(procs.map((p) => p.kill())));
    let [a, b] = await Promise.all([start(), start()]);
    // Alertmanager posts to b while a restarts, then to a (the new one) while b restarts: a load balancer's job.
    const front = await startSwitchableFront(b!.url);
    cleanups.push(() => front.close());
    am = await startAlertmanager({ config: amConfig({ webhookConfigs: [amWebhookConfig({ url: `${front.url}/webhook/alertmanager`, bearer: TOKEN, sendResolved: true })] }) });
    fake.setDown(GATEWAY_502);

    const disk = [alert('DiskFull', 'web-1'), alert('DiskFull', 'web-2')];
    await am.pushAlerts([...disk, alert('CpuHigh', 'db-1')]);
    await expect.poll(() => amSent(am!.url), WAIT).toBeGreaterThanOrEqual(2);
    await expect.poll(async () => (await monitoringStatus(a!.url))?.breaker.state, WAIT).not.toBe('closed');
    const during = (await monitoringStatus(a!.url))!;
    expect(during.queue.depth).toBeGreaterThanOrEqual(1);
    expect(during.lastError?.reason).toBe('server_error');
    const metrics = await (await fetch(`${b!.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`alertcord_circuit_breaker_state\\{webhook="${MONITORING}"\\} [12]`));
    expect(metrics).toMatch(new RegExp(`alertcord_queue_depth\\{webhook="${MONITORING}"\\} [1-9]`));

    const oldLogs: LogLine[][] = [];
    await a!.stop();
    oldLogs.push(a!.logs);
    a = await start();
    await am.pushAlerts(resolvedAlerts([disk[0]!]));
    await expect.poll(() => amSent(am!.url), WAIT).toBeGreaterThanOrEqual(3);
    front.switchTo(a.url);
    await b!.stop();
    oldLogs.push(b!.logs);
    b = await start();
    const requestsBefore = fake.requests.length;
    await expect.poll(() => fake.requests.length, WAIT).toBeGreaterThanOrEqual(requestsBefore + 3);
    expect((await monitoringStatus(b.url))?.queue.depth).toBeGreaterThanOrEqual(1);
    fake.setDown(null);

    await expect.poll(() => statesOf(fake.messagesFor(MONITORING), 'DiskFull on web-1').includes('resolved'), WAIT).toBe(true);
    await expect.poll(() => statesOf(fake.messagesFor(MONITORING), 'CpuHigh on db-1').length, WAIT).toBeGreaterThan(0);
    await expect.poll(async () => (await monitoringStatus(a!.url))?.queue.depth, WAIT).toBe(0);
    const messages = fake.messagesFor(MONITORING);
    expect(statesOf(messages, 'DiskFull on web-1')).toEqual(['firing', 'resolved']);
    expect(statesOf(messages, 'DiskFull on web-2')[0]).toBe('firing');
    expect(statesOf(messages, 'CpuHigh on db-1')).toEqual(['firing']);
    expect((await admin(a.url, '/dead-letter')).total).toBe(0);
    expect(await amFailures(am.url)).toBe(0);
    const all = [...oldLogs.flat(), ...a.logs, ...b.logs];
    const outage = all.filter((l) => l.msg.includes(OUTAGE_LINE));
    expect(outage.length).toBeGreaterThanOrEqual(1);
    expect(outage.length).toBeLessThanOrEqual(6);
  }, 90_000);
});

/** A one-target HTTP front (a load balancer's virtual IP) whose target can be switched. */
async function startSwitchableFront(initial: string): Promise<{ url: string; switchTo(url: string): void; close(): Promise<void> }> {
  const { createServer } = await import('node:http');
  let target = initial;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length' && k !== 'connection')) as Record<string, string>;
      fetch(`${target}${req.url}`, { method: req.method, headers, body: req.method === 'POST' ? Buffer.concat(chunks) : undefined })
        .then(async (up) => {
          res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/json' });
          res.end(Buffer.from(await up.arrayBuffer()));
        })
        .catch(() => {
          res.writeHead(502);
          res.end();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    switchTo: (url) => void (target = url),
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
