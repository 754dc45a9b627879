import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HOOK_IDS, startBridge, type Bridge } from '../helpers/bridge.js';
import { runCliAll, runCliProcess } from '../helpers/cli-process.js';
import { startFakeDiscord, type FakeDiscord } from '../helpers/fake-discord/index.js';

/** Child processes on a loaded machine: generous, but bounded. */
const SLOW = { timeout: 150_000 };

let dir: string;
let emptyConfig: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'alertcord-cli-'));
  emptyConfig = join(dir, 'empty.yaml');
  writeFileSync(emptyConfig, '');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fake: FakeDiscord | undefined;
let bridge: Bridge | undefined;
afterEach(async () => {
  await bridge?.close();
  await fake?.close();
  bridge = undefined;
  fake = undefined;
});

async function startFake(): Promise<FakeDiscord> {
  fake = await startFakeDiscord({ webhooks: Object.entries(HOOK_IDS).map(([type, id]) => ({ id, token: `tok-${type}-secret`, channelId: `chan-${type}`, name: `${type}-hook` })) });
  return fake;
}
/** Env that points general and error at the fake, with an empty YAML file. */
const fakeEnv = (f: FakeDiscord, types = ['general', 'error']): Record<string, string> => ({
  CONFIG_FILE: emptyConfig,
  DISCORD_ALLOWED_HOSTS: new URL(f.origin).host,
  ...Object.fromEntries(types.map((t) => [t === 'error' ? 'DISCORD_WEBHOOK_ERRORS' : `DISCORD_WEBHOOK_${t.toUpperCase()}`, f.urlFor(HOOK_IDS[t]!)])),
});

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

describe('alertcord CLI: help and usage', () => {
  it('prints help with examples for the tool and each command; usage errors exit 2', SLOW, async () => {
    const [top, serve, check, send, validate, helpSend, none, unknown, badOption, noType] = await runCliAll([
      { args: ['--help'] },
      { args: ['serve', '--help'] },
      { args: ['check-config', '--help'] },
      { args: ['send', '-h'] },
      { args: ['validate-webhooks', '--help'] },
      { args: ['help', 'send'] },
      { args: [] },
      { args: ['frobnicate'] },
      { args: ['send', '--type', 'error', '--bogus'] },
      { args: ['send', '--title', 'x'] },
    ]);
    expect(top.code).toBe(0);
    for (const name of ['serve', 'check-config', 'send', 'validate-webhooks', 'Exit codes', 'Examples']) expect(top.stdout).toContain(name);
    for (const [run, name] of [[serve, 'serve'], [check, 'check-config'], [send, 'send'], [validate, 'validate-webhooks']] as const) {
      expect([name, run.code]).toEqual([name, 0]);
      expect(run.stdout).toContain(`Usage: alertcord ${name}`);
      expect(run.stdout).toContain('Examples:');
      expect(run.stdout).toContain('Exit codes:');
    }
    expect(helpSend.stdout).toBe(send.stdout);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: alertcord <command>');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toMatch(/Unknown option '--bogus'[\s\S]*See: alertcord send --help/);
    expect(noType.code).toBe(2);
    expect(noType.stderr).toContain('--type is required');
  });
});

describe('alertcord help and serve: failures say what to do', () => {
  it('`help` with an unknown command is a usage error (2) naming it, not the general help with 0', SLOW, async () => {
    const run = await runCliProcess(['help', 'frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown command "frobnicate"');
    expect(run.stdout).toBe('');
  });

  it('serve on a port another process has: exit 1 with one line naming the address, not a stack trace', SLOW, async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const { port } = taken.address() as AddressInfo;
    try {
      const run = await runCliProcess(['serve', '--config', emptyConfig], { HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn' });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`^alertcord: cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE.*PORT`, 'm'));
      expect(run.stderr).not.toMatch(/^\s+at /m);
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });
});

describe('alertcord check-config', () => {
  it('exit 0 with a summary (type names, webhook ids, routes, watchdog), never a token', SLOW, async () => {
    const f = await startFake();
    const file = join(dir, 'good.yaml');
    writeFileSync(file, `alert_types:\n  database: { webhook: "${f.urlFor(HOOK_IDS.security!)}" }\nwatchdog: { timeout: 15m }\n`);
    const run = await runCliProcess(['check-config', file], fakeEnv(f));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`config OK: ${file}`);
    expect(run.stdout).toMatch(/database\s+webhook 100000000000000006/);
    expect(run.stdout).toMatch(/critical\s+general's webhook 100000000000000001/);
    expect(run.stdout).toContain(`webhooks (3): ${HOOK_IDS.general}, ${HOOK_IDS.error}, ${HOOK_IDS.security}`);
    expect(run.stdout).toMatch(/routes \(6\):\n {2}1\. everything → type from label alert_type/);
    expect(run.stdout).toContain('watchdog: expects "Watchdog" at least every 15m, else tells "critical"');
    expect(run.stdout + run.stderr).not.toMatch(/tok-\w+-secret|\/api\/webhooks\//);
  });

  it('exit 1 listing every problem with its path (YAML and env)', SLOW, async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'server: { port: 99999 }\ndedupe: { window: soon }\nwatchdog: { timeout: 1s }\n');
    const [bad, missing] = await runCliAll([
      { args: ['check-config', file], env: { DISCORD_RETRY_ATTEMPTS: 'many', HTTPS_PROXY: 'proxy:3128' } },
      { args: ['check-config', join(dir, 'nope.yaml')] },
    ]);
    expect(bad.code).toBe(1);
    for (const path of ['server.port', 'dedupe.window', 'watchdog.timeout', 'DISCORD_RETRY_ATTEMPTS', 'HTTPS_PROXY']) expect(bad.stderr).toContain(`  - ${path}: `);
    expect(bad.stdout).toBe('');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('CONFIG_FILE: cannot read');
  });
});

describe('alertcord send', () => {
  it('through a running bridge: 0 and the notification id; 401 without the token → 1; bad severity → 1 with the path; unreachable → 3', SLOW, async () => {
    bridge = await startBridge({ env: { INGEST_TOKEN: 'ingest-token-123' } });
    const b = bridge;
    const args = ['send', '--server', b.url, '--type', 'error', '--title', 'CLI-BACKUP', '--message', 'exit code 2', '--field', 'host=db1', '--field', 'cmd=a=b', '--severity', 'error', '--template', 'traceback=KeyError: id at job.py:3'];
    const port = await closedPort();
    const [ok, noToken, badSeverity, unreachable, typo] = await runCliAll([
      { args: [...args, '--token', 'ingest-token-123'] },
      { args },
      { args: ['send', '--server', b.url, '--type', 'error', '--title', 'x', '--severity', 'apocalyptic'], env: { INGEST_TOKEN: 'ingest-token-123' } },
      { args: ['send', '--server', `http://127.0.0.1:${port}`, '--type', 'error', '--title', 'x'] },
      { args: ['send', '--server', b.url, '--type', 'eror', '--title', 'CLI-TYPO'], env: { INGEST_TOKEN: 'ingest-token-123' } },
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^queued: notification [0-9a-f-]{36}$/m);
    expect(ok.stderr).not.toContain('warning');
    // A type that does not exist: queued by the rules (to general), and the typo is named.
    expect(typo.code).toBe(0);
    expect(typo.stdout).toMatch(/^queued: notification /m);
    expect(typo.stderr).toContain('warning: alert type "eror" is not configured');
    const msg = (await b.fake.waitForMessages(2, 10_000)).find((m) => JSON.stringify(m.body).includes('CLI-BACKUP'));
    expect(msg?.webhookId).toBe(HOOK_IDS.error);
    const body = JSON.stringify(msg?.body);
    for (const text of ['CLI-BACKUP', 'exit code 2', 'db1', 'a=b', '**Traceback**', 'KeyError: id at job.py:3']) expect(body).toContain(text);
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain('401');
    expect(badSeverity.code).toBe(1);
    expect(badSeverity.stderr).toMatch(/400 invalid_payload[\s\S]*- .*severity/);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain('cannot reach');
  });

  // Without a key a resolve clears only a firing of the same text: "Backup OK" did not clear "Backup failed:
  // exit 2", and the same failure again within dedupe.window was answered "duplicate", nobody paged.
  it('--dedupe-key: a resolve with the firing\'s key clears it whatever the text, so the same failure again is sent', SLOW, async () => {
    bridge = await startBridge();
    const b = bridge;
    const send = (...rest: string[]) => runCliProcess(['send', '--server', b.url, '--type', 'error', '--severity', 'error', '--dedupe-key', 'backup-db1', ...rest]);
    const fired = await send('--title', 'KEYED-BACKUP failed', '--message', 'exit 2');
    expect(fired.code).toBe(0);
    expect((await send('--title', 'KEYED-BACKUP ok', '--status', 'resolved')).code).toBe(0);
    const again = await send('--title', 'KEYED-BACKUP failed', '--message', 'exit 2');
    expect(again.stdout).toMatch(/^queued: notification /m);
    expect(again.stdout).not.toContain('duplicate');
    const texts = (await b.fake.waitForMessages(3, 10_000)).map((m) => JSON.stringify(m.body));
    expect(texts.filter((t) => t.includes('KEYED-BACKUP failed'))).toHaveLength(2);
    const direct = await runCliProcess(['send', '--direct', '--type', 'error', '--title', 'x', '--dedupe-key', 'k']);
    expect(direct.code).toBe(2);
    expect(direct.stderr).toContain('--dedupe-key only applies without --direct');
  });

  it('--direct: sends from the process with the library and prints the DeliveryResult; refused → 1', SLOW, async () => {
    const f = await startFake();
    const sent = await runCliProcess(['send', '--direct', '--type', 'error', '--title', 'DIRECT-SEND', '--field', 'job=nightly', '--template', 'traceback=DIRECT-TRACE'], fakeEnv(f));
    expect(sent.code).toBe(0);
    const result = JSON.parse(sent.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({ success: true, status: 'sent', attempts: 1 });
    expect(f.messagesFor(HOOK_IDS.error!)).toHaveLength(1);
    expect(JSON.stringify(f.messagesFor(HOOK_IDS.error!)[0]!.body)).toMatch(/\*\*Traceback\*\*.*DIRECT-TRACE/);
    expect(result.messageId).toBe(f.messagesFor(HOOK_IDS.error!)[0]!.id);

    f.setBroken(HOOK_IDS.general!);
    const refused = await runCliProcess(['send', '--direct', '--type', 'general', '--title', 'NOWHERE'], fakeEnv(f, ['general']));
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ success: false, status: 'failed' });
    expect(refused.stdout + refused.stderr).not.toContain('tok-general-secret');
  });
});

describe('alertcord send --direct --type', () => {
  it('takes a type in any case, as the running alertcord does ("ERROR" is error)', SLOW, async () => {
    const f = await startFake();
    const run = await runCliProcess(['send', '--direct', '--type', ' ERROR ', '--title', 'UPPER-CASE-TYPE'], fakeEnv(f));
    expect(run.stderr).not.toContain('unknown alert type');
    expect(run.code).toBe(0);
    expect(f.messagesFor(HOOK_IDS.error!)).toHaveLength(1);
  });
});

describe('alertcord send --direct --timeout', () => {
  it('gives up at the timeout (3, "retry later") and nothing reaches Discord after it: a retry by the caller is no duplicate', SLOW, async () => {
    const f = await startFake();
    // Discord asks for a 3 s pause, far past the 0.5 s the caller allows.
    f.inject(HOOK_IDS.error!, { kind: '429', retryAfter: 3 });
    const run = await runCliProcess(['send', '--direct', '--type', 'error', '--title', 'TOO-LATE', '--timeout', '0.5'], fakeEnv(f));
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('did not take the message within 0.5s');
    // The process has exited: whatever it was going to send, it sent.
    expect(f.messages).toHaveLength(0);
  });
});

describe('alertcord validate-webhooks', () => {
  it('exit 0 when every webhook is valid, 1 when one is refused or none is configured; posts nothing', SLOW, async () => {
    const f = await startFake();
    const good = await runCliProcess(['validate-webhooks'], fakeEnv(f));
    expect(good.code).toBe(0);
    // general's line also names the types without a webhook of their own: they post there too.
    expect(good.stdout).toMatch(new RegExp(`^ok\\s+${HOOK_IDS.general}\\s+general(, [a-z]+)+\\s+"general-hook" in channel chan-general$`, 'm'));
    expect(good.stdout).toMatch(new RegExp(`^ok\\s+${HOOK_IDS.error}\\s+error`, 'm'));
    f.setBroken(HOOK_IDS.error!);
    const [bad, json, none] = await runCliAll([
      { args: ['validate-webhooks'], env: fakeEnv(f) },
      { args: ['validate-webhooks', '--json'], env: fakeEnv(f) },
      { args: ['validate-webhooks'], env: { CONFIG_FILE: emptyConfig } },
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(new RegExp(`^INVALID\\s+${HOOK_IDS.error}\\s+error\\s+broken`, 'm'));
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ webhookId: HOOK_IDS.error, valid: false })]));
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no Discord webhook is configured');
    expect(f.messages).toHaveLength(0);
    expect(f.requests.every((r) => r.method === 'GET')).toBe(true);
  });
});
