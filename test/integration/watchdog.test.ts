import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from '../../src/delivery/clock.js';
import type { WatchdogTimers } from '../../src/ops/watchdog-timers.js';
import { RESOLVED_COLOR } from '../../src/render/colors.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { HOOK_IDS } from '../helpers/bridge.js';
import { startFileRuntime, type FileRuntime } from '../helpers/file-runtime.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';

const TEN_MIN = 10 * 60_000;

/** Timers the test fires by hand (after moving the runtime's clock), so nothing waits ten real minutes. */
function manualTimers(): WatchdogTimers & { due(): number[]; fireAll(): void } {
  const pending = new Map<number, { fn: () => void; ms: number }>();
  let next = 0;
  return {
    set(fn, ms) {
      pending.set(++next, { fn, ms });
      return next;
    },
    clear: (h) => void pending.delete(h as number),
    due: () => [...pending.values()].map((t) => t.ms),
    fireAll() {
      const list = [...pending.values()];
      pending.clear();
      for (const t of list) t.fn();
    },
  };
}

/** An Alertmanager v4 webhook body with the given alerts. */
function alertmanager(alerts: { alertname: string; status?: 'firing' | 'resolved' }[]) {
  return {
    receiver: 'alertcord',
    status: alerts.some((a) => a.status !== 'resolved') ? 'firing' : 'resolved',
    alerts: alerts.map((a, i) => ({
      status: a.status ?? 'firing',
      labels: { alertname: a.alertname, severity: a.alertname === 'Watchdog' ? 'none' : 'warning' },
      annotations: { summary: `${a.alertname} summary` },
      startsAt: '2026-01-01T00:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example:9090/graph',
      fingerprint: `00000000000000${i}${a.alertname.length}`,
    })),
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    version: '4',
    groupKey: `{}:{alertname="${alerts.map((a) => a.alertname).join(',')}"}`,
    truncatedAlerts: 0,
  };
}

let rt: FileRuntime | undefined;
afterEach(async () => {
  await rt?.close();
  rt = undefined;
});

describe('dead man\'s switch through the whole runtime (virtual clock, manual timers)', () => {
  it('swallows the Watchdog, posts "pipeline down" to critical when it stops, and a green resolution when it returns', async () => {
    let skew = 0;
    const timers = manualTimers();
    rt = await startFileRuntime({
      yaml: (hook) => `alert_types:\n  general: { webhook: "${hook('general')}" }\n  critical: { webhook: "${hook('critical')}" }\n  monitoring: { webhook: "${hook('monitoring')}" }\nwatchdog: { alertname: Watchdog, timeout: 10m }\n`,
      clock: { now: () => Date.now() + skew, sleep },
      watchdogTimers: timers,
    });
    const r = rt;
    expect(r.runtime.watchdog.status()).toMatchObject({ enabled: true, state: 'waiting', timeoutSeconds: 600 });
    expect(timers.due()).toHaveLength(1);
    expect(timers.due()[0]).toBeGreaterThan(TEN_MIN - 5_000);
    expect(timers.due()[0]).toBeLessThanOrEqual(TEN_MIN);

    // The heartbeat, grouped with a real alert: the real one is delivered, the Watchdog is not.
    const res = await r.post('/webhook/alertmanager', alertmanager([{ alertname: 'Watchdog' }, { alertname: 'DiskFull' }]));
    expect(res.status).toBe(202);
    await expect.poll(() => r.fake.messages.length).toBe(1);
    expect(JSON.stringify(r.fake.messages[0]!.body)).toContain('DiskFull');
    expect(JSON.stringify(r.fake.messages[0]!.body)).not.toContain('Watchdog');
    const alone = await r.post('/webhook/alertmanager', alertmanager([{ alertname: 'Watchdog' }]));
    expect(await alone.json()).toMatchObject({ accepted: 1, notifications: [] });
    expect(r.runtime.watchdog.status()).toMatchObject({ state: 'ok', heartbeats: 2 });

    // Ten minutes without it: the critical channel hears that the pipeline is down.
    skew += TEN_MIN + 1_000;
    timers.fireAll();
    await expect.poll(() => r.fake.messagesFor(HOOK_IDS.critical!).length).toBe(1);
    const down = JSON.stringify(r.fake.messagesFor(HOOK_IDS.critical!)[0]!.body);
    expect(down).toContain('Alerting pipeline down');
    expect(down).toContain('@here');
    const status = (await (await fetch(`${r.url}/api/status`)).json()) as { watchdog: Record<string, unknown> };
    expect(status.watchdog).toMatchObject({ enabled: true, state: 'missing', alertname: 'Watchdog', heartbeats: 2 });
    const metrics = await (await fetch(`${r.url}/metrics`)).text();
    expect(metrics).toMatch(/^alertcord_watchdog_missing 1$/m);
    expect(metrics).toMatch(/^alertcord_watchdog_heartbeats_total 2$/m);

    // It comes back: a resolved (green) notice, and still no Watchdog message.
    await r.post('/webhook/alertmanager', alertmanager([{ alertname: 'Watchdog' }]));
    await expect.poll(() => r.fake.messagesFor(HOOK_IDS.critical!).length).toBe(2);
    const back = r.fake.messagesFor(HOOK_IDS.critical!)[1]!.body as { embeds?: { title?: string; color?: number }[] };
    expect(back.embeds?.[0]?.title).toContain('Alerting pipeline back');
    expect(back.embeds?.[0]?.color).toBe(RESOLVED_COLOR);
    expect(r.runtime.watchdog.status().state).toBe('ok');
    expect(r.fake.messages).toHaveLength(3);
  });

  it('is off when not configured: a Watchdog alert is delivered like any other, status says disabled', async () => {
    rt = await startFileRuntime({ yaml: (hook) => `alert_types:\n  general: { webhook: "${hook('general')}" }\n` });
    const r = rt;
    await r.post('/webhook/alertmanager', alertmanager([{ alertname: 'Watchdog' }]));
    await expect.poll(() => r.fake.messages.length).toBe(1);
    const status = (await (await fetch(`${r.url}/api/status`)).json()) as { watchdog: Record<string, unknown> };
    expect(status.watchdog).toMatchObject({ enabled: false, state: 'disabled' });
  });
});

describe('dead man\'s switch with two replicas on one Redis', () => {
  let redis: RedisServer | undefined;
  const replicas: FileRuntime[] = [];
  afterEach(async () => {
    await Promise.all(replicas.splice(0).map((r) => r.close()));
    await redis?.destroy();
    redis = undefined;
  });

  /** One replica on the shared Redis: general and critical webhooks, a 10-minute watchdog, `extraYaml` on top. */
  const startReplica = async (clock: { now: () => number; sleep: typeof sleep }, timers: ReturnType<typeof manualTimers>, extraYaml = '') => {
    const r = await startFileRuntime({
      yaml: (hook) => `alert_types:\n  general: { webhook: "${hook('general')}" }\n  critical: { webhook: "${hook('critical')}" }\n${extraYaml}watchdog: { alertname: Watchdog, timeout: 10m }\n`,
      env: { REDIS_URL: redis!.url },
      clock,
      watchdogTimers: timers,
    });
    replicas.push(r);
    return r;
  };

  it('with dedupe switched off (dedupe.window: 0s), the channel still hears "down" and "back" once, not once per replica', async () => {
    redis = await startRedis();
    let skew = 0;
    const clock = { now: () => Date.now() + skew, sleep };
    const start = (timers: ReturnType<typeof manualTimers>) => startReplica(clock, timers, 'dedupe: { window: 0s }\n');
    const timersA = manualTimers();
    const timersB = manualTimers();
    const a = await start(timersA);
    const b = await start(timersB);
    // Each replica posts to its own fake: one channel in production, read here in the order the posts came.
    const critical = () => [...a.fake.messagesFor(HOOK_IDS.critical!), ...b.fake.messagesFor(HOOK_IDS.critical!)].sort((x, y) => x.receivedAt - y.receivedAt).map((m) => JSON.stringify(m.body));
    expect((await a.post('/webhook/alertmanager', alertmanager([{ alertname: 'Watchdog' }]))).status).toBe(202);
    skew += TEN_MIN + 1_000;
    timersA.fireAll();
    timersB.fireAll();
    await expect.poll(() => a.runtime.watchdog.status().state === 'missing' && b.runtime.watchdog.status().state === 'missing').toBe(true);
    await expect.poll(() => critical().length).toBe(1);
    // Back at a, which says so; b reads the shared time at its next poll.
    await a.post('/webhook/alertmanager', alertmanager([{ alertname: 'Watchdog' }]));
    await expect.poll(() => critical().length).toBeGreaterThanOrEqual(2);
    skew += 30_000;
    timersB.fireAll();
    await expect.poll(() => b.runtime.watchdog.status().state).toBe('ok');
    await sleep(500);
    expect(critical().map((m) => (m.includes('Alerting pipeline down') ? 'down' : 'back'))).toEqual(['down', 'back']);
  });

  it('the replica Alertmanager does not talk to stays quiet while the other hears the heartbeat; an outage is told once', async () => {
    redis = await startRedis();
    let skew = 0;
    const clock = { now: () => Date.now() + skew, sleep };
    const start = (timers: ReturnType<typeof manualTimers>) => startReplica(clock, timers);
    const timersA = manualTimers();
    const timersB = manualTimers();
    const a = await start(timersA);
    const b = await start(timersB);
    // Alertmanager keeps its connection to a: every heartbeat lands there.
    for (let round = 0; round < 3; round++) {
      expect((await a.post('/webhook/alertmanager', alertmanager([{ alertname: 'Watchdog' }]))).status).toBe(202);
      skew += 6 * 60_000;
      timersB.fireAll(); // b's timer: past ten minutes since b last knew of a heartbeat, it asks Redis
      await sleep(200);
    }
    const critical = () => [...a.fake.messagesFor(HOOK_IDS.critical!), ...b.fake.messagesFor(HOOK_IDS.critical!)];
    expect(critical()).toHaveLength(0);
    // b heard none itself, yet knows when the deployment last did.
    expect(b.runtime.watchdog.status()).toMatchObject({ state: 'ok', heartbeats: 0, lastSeenAt: expect.any(String) });

    // Now the heartbeat stops for real: both replicas find it missing, and the channel hears it once.
    skew += TEN_MIN + 1_000;
    timersA.fireAll();
    timersB.fireAll();
    await expect.poll(() => a.runtime.watchdog.status().state === 'missing' && b.runtime.watchdog.status().state === 'missing').toBe(true);
    await expect.poll(() => critical().length).toBe(1);
    await sleep(500);
    expect(critical()).toHaveLength(1);
    expect(JSON.stringify(critical()[0]!.body)).toContain('Alerting pipeline down');
  });

  it('a replica started after every replica went down during a told outage still tells "back", and no second "down"', async () => {
    redis = await startRedis();
    let skew = 0;
    const clock = { now: () => Date.now() + skew, sleep };
    const timersA = manualTimers();
    const a = await startReplica(clock, timersA);
    expect((await a.post('/webhook/alertmanager', alertmanager([{ alertname: 'Watchdog' }]))).status).toBe(202);
    skew += TEN_MIN + 1_000;
    timersA.fireAll();
    await expect.poll(() => a.fake.messagesFor(HOOK_IDS.critical!).length).toBe(1);
    expect(JSON.stringify(a.fake.messagesFor(HOOK_IDS.critical!)[0]!.body)).toContain('Alerting pipeline down');
    replicas.splice(replicas.indexOf(a), 1);
    await a.close(); // a deploy: the only replica goes away mid-outage

    skew += 5 * 60_000;
    const timersB = manualTimers();
    const b = await startReplica(clock, timersB);
    await expect.poll(() => b.runtime.watchdog.status().state).toBe('missing');
    skew += TEN_MIN + 1_000;
    timersB.fireAll(); // past a timeout since b started: the outage is the one already told
    await sleep(300);
    expect(b.fake.messagesFor(HOOK_IDS.critical!)).toHaveLength(0);
    expect((await b.post('/webhook/alertmanager', alertmanager([{ alertname: 'Watchdog' }]))).status).toBe(202);
    await expect.poll(() => b.fake.messagesFor(HOOK_IDS.critical!).length).toBe(1);
    expect(JSON.stringify(b.fake.messagesFor(HOOK_IDS.critical!)[0]!.body)).toContain('Alerting pipeline back');
  });
});

describe('dead man\'s switch with two replicas on one store whose dedupe claims follow the virtual clock', () => {
  const replicas: FileRuntime[] = [];
  afterEach(async () => {
    await Promise.all(replicas.splice(0).map((r) => r.close()));
  });

  it('a timeout longer than an hour (repeat_interval left at 4h): a replica started just before the outage was told tells no second "down" at its own first check', async () => {
    const HOUR = 60 * 60_000;
    let skew = 0;
    const clock = { now: () => Date.now() + skew, sleep };
    // Redis claims expire in Redis' real time; the memory store's follow the runtime clock, so hours can pass here.
    const store = createMemoryStore({ queueSize: 1_000, historyMaxEntries: 1_000, historyRetentionMs: 86_400_000, now: clock.now });
    const start = async (timers: ReturnType<typeof manualTimers>) => {
      const r = await startFileRuntime({
        yaml: (hook) => `alert_types:\n  general: { webhook: "${hook('general')}" }\n  critical: { webhook: "${hook('critical')}" }\nwatchdog: { alertname: Watchdog, timeout: 5h }\n`,
        clock,
        watchdogTimers: timers,
        store,
      });
      replicas.push(r);
      return r;
    };
    const timersA = manualTimers();
    const a = await start(timersA);
    expect((await a.post('/webhook/alertmanager', alertmanager([{ alertname: 'Watchdog' }]))).status).toBe(202);
    // The pipeline breaks; four hours later, nothing told yet (the timeout is 5h), b starts: a rolling deploy.
    skew += 4 * HOUR;
    const timersB = manualTimers();
    const b = await start(timersB);
    skew += HOUR + 1_000;
    timersA.fireAll(); // five hours without the heartbeat: a tells it
    // Each replica posts to its own fake: one channel in production, read here in the order the posts came.
    const critical = () => [...a.fake.messagesFor(HOOK_IDS.critical!), ...b.fake.messagesFor(HOOK_IDS.critical!)].sort((x, y) => x.receivedAt - y.receivedAt).map((m) => JSON.stringify(m.body));
    await expect.poll(() => critical().length).toBe(1);
    // b's own first check, five hours after its start: the same outage, told four hours before.
    skew += 4 * HOUR;
    timersB.fireAll();
    await expect.poll(() => b.runtime.watchdog.status().state).toBe('missing');
    await sleep(500);
    expect(critical().map((m) => (m.includes('Alerting pipeline down') ? 'down' : 'back'))).toEqual(['down']);
  });
});

describe('config/examples/watchdog-rule.yml', () => {
  it('passes `promtool check rules` (npm test installs Debian\'s prometheus for promtool)', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const run = await new Promise<{ code: number; output: string }>((resolve, reject) =>
      execFile('promtool', ['check', 'rules', 'config/examples/watchdog-rule.yml'], { cwd: root, timeout: 30_000 }, (err, stdout, stderr) => {
        if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') return reject(new Error('promtool not found: apt-get install -y prometheus'));
        resolve({ code: err ? 1 : 0, output: `${stdout}${stderr}` });
      }),
    );
    expect(run.output).toContain('SUCCESS: 1 rules found');
    expect(run.code).toBe(0);
  });
});
