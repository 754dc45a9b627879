import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAlertcordProcess, type AlertcordProcess } from '../helpers/alertcord-process.js';
import { HOOK_IDS } from '../helpers/bridge.js';
import { startFakeDiscord, type FakeDiscord } from '../helpers/fake-discord/index.js';

let fake: FakeDiscord;
let child: AlertcordProcess | undefined;
let dir: string;
let secrets: string;

beforeEach(async () => {
  fake = await startFakeDiscord({ webhooks: Object.entries(HOOK_IDS).map(([type, id]) => ({ id, token: `tok-${type}-secret`, channelId: `chan-${type}` })) });
  dir = mkdtempSync(join(tmpdir(), 'alertcord-watch-'));
  secrets = mkdtempSync(join(tmpdir(), 'alertcord-secrets-'));
});
afterEach(async () => {
  await child?.stop(5_000);
  child = undefined;
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(secrets, { recursive: true, force: true });
});

const hook = (type: string) => fake.urlFor(HOOK_IDS[type]!);
const v1 = () => `alert_types:\n  general: { webhook: "${hook('general')}" }\n`;

async function start(extraEnv: Record<string, string> = {}): Promise<AlertcordProcess> {
  const file = join(dir, 'alertcord.yaml');
  writeFileSync(file, v1());
  child = await startAlertcordProcess({ CONFIG_FILE: file, DISCORD_ALLOWED_HOSTS: new URL(fake.origin).host, ...extraEnv });
  return child;
}

async function status(c: AlertcordProcess): Promise<{ alertTypes: { name: string; webhookId: string | null }[] }> {
  return (await (await fetch(`${c.url}/api/status`)).json()) as { alertTypes: { name: string; webhookId: string | null }[] };
}
const reloads = (c: AlertcordProcess, trigger: string) => c.logs.filter((l) => l.trigger === trigger && (l.msg === 'config reloaded' || l.msg.startsWith('config reload failed')));

describe('reload triggers on a running alertcord (child process)', () => {
  it('reloads when the config file changes (also when an editor renames a new file over it); a bad file keeps the old config', { timeout: 60_000 }, async () => {
    const c = await start();
    const file = join(dir, 'alertcord.yaml');
    // Save the way vim does: write a new file, rename it over the old one.
    writeFileSync(join(dir, '.alertcord.yaml.swp'), `${v1()}  database: { webhook: "${hook('security')}" }\n`);
    renameSync(join(dir, '.alertcord.yaml.swp'), file);
    await expect.poll(() => reloads(c, 'file').length, { timeout: 10_000 }).toBe(1);
    expect(reloads(c, 'file')[0]).toMatchObject({ msg: 'config reloaded', added: [HOOK_IDS.security] });
    expect((await status(c)).alertTypes).toContainEqual(expect.objectContaining({ name: 'database', webhookId: HOOK_IDS.security }));

    writeFileSync(file, 'alert_types:\n  database: { color: "not a colour" }\nroutes: 42\n');
    await expect.poll(() => reloads(c, 'file').length, { timeout: 10_000 }).toBe(2);
    const failed = reloads(c, 'file')[1]!;
    expect(failed.level).toBe(50);
    expect(failed.msg).toContain('alert_types.database.color');
    expect(failed.msg).toContain('routes');
    const metrics = await (await fetch(`${c.url}/metrics`)).text();
    expect(metrics).toMatch(/^alertcord_config_reloads_total\{result="failed"\} 1$/m);
    expect(metrics).toMatch(/^alertcord_config_reloads_total\{result="ok"\} 1$/m);
    // The file on disk would fail a restart: the gauge AlertcordConfigReloadFailed watches says so, and the
    // last success is the good reload's time.
    expect(metrics).toMatch(/^alertcord_config_last_reload_successful 0$/m);
    const lastOk = Number(/^alertcord_config_last_reload_success_timestamp_seconds (\S+)$/m.exec(metrics)?.[1]);
    expect(lastOk * 1000).toBeGreaterThanOrEqual(Number(reloads(c, 'file')[0]!.time) - 1000);
    expect(lastOk * 1000).toBeLessThanOrEqual(Number(failed.time));
    // Still running on the last good config.
    expect((await (await c.post('/webhook/generic', { type: 'database', title: 'STILL-DATABASE' })).status)).toBe(202);
    await expect.poll(() => fake.messagesFor(HOOK_IDS.security!).length, { timeout: 10_000 }).toBe(1);
    expect(c.output()).not.toContain('tok-security-secret');
  });

  it('reloads on SIGHUP: a rotated webhook secret (DISCORD_WEBHOOK_CRITICAL_FILE) takes effect without a restart', { timeout: 60_000 }, async () => {
    const secret = join(secrets, 'critical-webhook');
    writeFileSync(secret, `${hook('critical')}\n`);
    const c = await start({ DISCORD_WEBHOOK_CRITICAL_FILE: secret });
    expect((await status(c)).alertTypes).toContainEqual({ name: 'critical', webhookId: HOOK_IDS.critical, fallsBackToGeneral: false });
    writeFileSync(secret, `${hook('monitoring')}\n`);
    // The pid to signal is in the start line (README: under `npm start` it is not the wrapper's).
    expect(c.logs.find((l) => l.msg === 'alertcord listening')?.pid).toBe(c.pid);
    process.kill(c.pid, 'SIGHUP');
    await expect.poll(() => reloads(c, 'SIGHUP').length, { timeout: 10_000 }).toBe(1);
    expect(reloads(c, 'SIGHUP')[0]).toMatchObject({ msg: 'config reloaded', added: [HOOK_IDS.monitoring], removed: [HOOK_IDS.critical] });
    expect((await status(c)).alertTypes).toContainEqual({ name: 'critical', webhookId: HOOK_IDS.monitoring, fallsBackToGeneral: false });
    await c.post('/webhook/generic', { type: 'critical', title: 'AFTER-SIGHUP' });
    await expect.poll(() => fake.messagesFor(HOOK_IDS.monitoring!).length, { timeout: 10_000 }).toBe(1);
    // The config file did not change: no file-triggered reload, and the process is still up.
    await new Promise((r) => setTimeout(r, 800));
    expect(reloads(c, 'file')).toHaveLength(0);
    expect((await fetch(`${c.url}/healthz`)).status).toBeLessThan(500);
  });

  // A SIGHUP while alertcord is still starting (Redis not answering yet: the start waits on it for the command
  // timeout) met Node's default for the signal, which ends the process: `systemctl reload` or a config
  // reloader right after a restart killed the service it meant to reload.
  it('a SIGHUP while it is still starting (Redis down) reloads instead of ending the process', { timeout: 60_000 }, async () => {
    const redisPort = await closedPort();
    let signalled = false;
    const file = join(dir, 'alertcord.yaml');
    writeFileSync(file, v1());
    child = await startAlertcordProcess({ CONFIG_FILE: file, DISCORD_ALLOWED_HOSTS: new URL(fake.origin).host, REDIS_URL: `redis://127.0.0.1:${redisPort}` }, [], {
      onLog: (line, proc) => {
        if (signalled || !String(line.msg).startsWith('store: redis')) return;
        signalled = true;
        proc.kill('SIGHUP');
      },
    });
    expect(signalled).toBe(true);
    await expect.poll(() => reloads(child!, 'SIGHUP').length, { timeout: 10_000 }).toBe(1);
    expect((await fetch(`${child.url}/healthz`)).status).toBeLessThan(500);
  });
});

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
