import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * config/examples/send-alert.sh against a stub that records what curl posts: the script must build valid
 * JSON from whatever text a script hands it (command output holds tabs, CRLF, escape sequences). The
 * delivery through a real alertcord is test/e2e/shell-script.test.ts.
 */
const run = promisify(execFile);
const SCRIPT = new URL('../../../config/examples/send-alert.sh', import.meta.url).pathname;
let server: Server;
let url: string;
const bodies: string[] = [];
const paths: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    paths.push(req.url ?? '');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":1}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** The environment of a run against the recording stub, without a token. */
function stubEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ALERTCORD_URL: url, ...extra };
  delete env.ALERTCORD_TOKEN;
  delete env.INGEST_TOKEN;
  return env;
}

/** The last body the stub received, parsed. */
function lastBody(): Record<string, unknown> {
  return JSON.parse(bodies.at(-1) ?? '') as Record<string, unknown>;
}

describe('send-alert.sh builds valid JSON from any text', () => {
  it('escapes tabs, carriage returns, backslashes, quotes and newlines, and drops other control characters', async () => {
    const message = 'db-1\tFAILED\r\nC:\\backup "nightly"\nbell\u0007 esc\u001b[31mred';
    const { stdout } = await run('bash', [SCRIPT, 'error', 'Backup\tfailed', message, 'error'], { env: stubEnv() });
    expect(JSON.parse(stdout)).toEqual({ accepted: 1 });
    expect(lastBody()).toMatchObject({
      type: 'error',
      title: 'Backup\tfailed',
      message: 'db-1\tFAILED\r\nC:\\backup "nightly"\nbell esc[31mred',
      severity: 'error',
    });
  });
});

describe('send-alert.sh finds the server', () => {
  // ALERTCORD_URL copied with its trailing slash made the path //webhook/generic: a 404, the script failed
  // and the alert was lost. `alertcord send --server` takes either spelling; so does the script.
  it('posts to <ALERTCORD_URL>/webhook/generic whether or not the URL ends with a slash, keeping its path', async () => {
    paths.length = 0;
    for (const base of [url, `${url}/`, `${url}//`, `${url}/alertcord/`]) {
      await run('bash', [SCRIPT, 'general', 'Deploy done'], { env: stubEnv({ ALERTCORD_URL: base }) });
    }
    expect(paths).toEqual(['/webhook/generic', '/webhook/generic', '/webhook/generic', '/alertcord/webhook/generic']);
  });
});

/** The command lines of every process this user can see (Linux /proc), joined. */
function allCommandLines(): string {
  const lines: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      lines.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '));
    } catch {
      // gone meanwhile
    }
  }
  return lines.join('\n');
}

describe('send-alert.sh and the token', () => {
  // A process's arguments are readable by every user of the machine (`ps aux`, /proc/<pid>/cmdline): the
  // token given to curl as `-H "authorization: Bearer …"` was there for as long as curl ran (its retries
  // included), while ALERTCORD_TOKEN itself sat in the script's environment, which only its user can read.
  it('sends the token without putting it on any command line', async () => {
    const token = 'script-token-not-in-ps-7f3a';
    let seen: { authorization?: string; inArgs?: boolean } = {};
    const stub = createServer((req, res) => {
      // curl is still running here, waiting for this answer.
      seen = { authorization: req.headers.authorization, inArgs: allCommandLines().includes(token) };
      req.resume();
      req.on('end', () => res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":1}'));
    });
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, ALERTCORD_URL: `http://127.0.0.1:${(stub.address() as AddressInfo).port}`, ALERTCORD_TOKEN: token };
      delete env.INGEST_TOKEN;
      await run('bash', [SCRIPT, 'general', 'Deploy done'], { env });
    } finally {
      await new Promise<void>((resolve) => stub.close(() => resolve()));
    }
    expect(seen).toEqual({ authorization: `Bearer ${token}`, inArgs: false });
  });
});

describe('send-alert.sh runs wherever a cron job does', () => {
  const message = 'db-1\tFAILED\r\nC:\\backup "nightly"\nbell\u0007 é';
  const expected = { type: 'error', title: 'Backup failed', message: 'db-1\tFAILED\r\nC:\\backup "nightly"\nbell é', severity: 'error' };

  // `sh send-alert.sh …` in a crontab is dash on Debian and busybox ash on Alpine: `set -o pipefail`
  // stopped dash at its first line (exit 2, the alert lost), and busybox is what the script says it runs on.
  it.each([['dash'], ['busybox', 'sh']])('under %s', async (...shell) => {
    const { stdout } = await run(shell[0]!, [...shell.slice(1), SCRIPT, 'error', 'Backup failed', message, 'error'], { env: stubEnv() });
    expect(JSON.parse(stdout)).toEqual({ accepted: 1 });
    expect(lastBody()).toMatchObject(expected);
  });

  /** A PATH of POSIX utilities only (busybox's, as on Alpine) plus curl: no bash, no `hostname`. */
  function posixOnlyPath(): { path: string; cleanup: () => void } {
    const dir = mkdtempSync(join(tmpdir(), 'send-alert-path-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const busybox = execFileSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).trim();
    for (const tool of ['sh', 'env', 'printf', 'tr', 'sed', 'awk', 'uname', 'cat']) symlinkSync(busybox, join(bin, tool));
    symlinkSync(execFileSync('sh', ['-c', 'command -v curl'], { encoding: 'utf8' }).trim(), join(bin, 'curl'));
    return { path: bin, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }

  // Alpine has no bash: `#!/usr/bin/env bash` made `./send-alert.sh` fail with "env: can't execute 'bash'".
  it('as ./send-alert.sh on a system without bash', async () => {
    const { path, cleanup } = posixOnlyPath();
    try {
      const { stdout } = await run(SCRIPT, ['error', 'Backup failed', message, 'error'], { env: stubEnv({ PATH: path }) });
      expect(JSON.parse(stdout)).toEqual({ accepted: 1 });
      expect(lastBody()).toMatchObject(expected);
    } finally {
      cleanup();
    }
  });

  // `hostname` is no POSIX utility and minimal images (Fedora, UBI, Arch) lack it: the host label went
  // out empty, with "hostname: not found" in cron's mail. `uname -n` is the same name, and POSIX.
  it('labels the alert with the host name where no `hostname` command is installed', async () => {
    const { path, cleanup } = posixOnlyPath();
    try {
      const { stderr } = await run('sh', [SCRIPT, 'general', 'Deploy done'], { env: stubEnv({ PATH: path }) });
      expect(stderr).toBe('');
      expect(lastBody()).toMatchObject({ labels: { host: hostname() } });
    } finally {
      cleanup();
    }
  });
});

describe('send-alert.sh and big messages', () => {
  // One argument may hold at most 128 KiB on Linux: a body given to curl as `--data "$body"` over that (a
  // 114 KB JSON report, its quotes doubled by escaping) made curl fail to start, "Argument list too long",
  // exit 126, and the alert was lost. The script's own arguments were within the limit.
  it('sends a body longer than one command-line argument may be', async () => {
    const report = JSON.stringify(Array.from({ length: 2500 }, (_, i) => ({ job: 'nightly', host: `db-${i}`, ok: false })));
    expect(report.length).toBeLessThan(128 * 1024);
    const { stdout } = await run(SCRIPT, ['error', 'Backup report', report], { env: stubEnv() });
    expect(JSON.parse(stdout)).toEqual({ accepted: 1 });
    expect(lastBody()).toMatchObject({ title: 'Backup report', message: report });
  });
});

describe('send-alert.sh gives up', () => {
  // curl has no overall timeout of its own: an alertcord (or a proxy in front of it) that took the
  // connection and never answered kept the backup script waiting for ever, and every later cron run too.
  it('when alertcord does not answer within ALERTCORD_TIMEOUT seconds (curl exit 28)', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer(() => {
      // never answers
    });
    silent.on('connection', (s: Socket) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const env = stubEnv({ ALERTCORD_URL: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, ALERTCORD_TIMEOUT: '1' });
      // execFile's own timeout only stops a hanging script so that the test reports it.
      await expect(run(SCRIPT, ['error', 'Backup failed'], { env, timeout: 15_000 })).rejects.toMatchObject({ code: 28 });
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
