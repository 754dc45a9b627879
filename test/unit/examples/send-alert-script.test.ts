import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

describe('send-alert.sh builds valid JSON from any text', () => {
  it('escapes tabs, carriage returns, backslashes, quotes and newlines, and drops other control characters', async () => {
    const message = 'db-1\tFAILED\r\nC:\\backup "nightly"\nbell\u0007 esc\u001b[31mred';
    const env: NodeJS.ProcessEnv = { ...process.env, ALERTCORD_URL: url };
    delete env.ALERTCORD_TOKEN;
    delete env.INGEST_TOKEN;
    const { stdout } = await run('bash', [SCRIPT, 'error', 'Backup\tfailed', message, 'error'], { env });
    expect(JSON.parse(stdout)).toEqual({ accepted: 1 });
    const body = JSON.parse(bodies.at(-1) ?? '') as Record<string, unknown>;
    expect(body).toMatchObject({
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
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.ALERTCORD_TOKEN;
    delete env.INGEST_TOKEN;
    paths.length = 0;
    for (const base of [url, `${url}/`, `${url}//`, `${url}/alertcord/`]) {
      await run('bash', [SCRIPT, 'general', 'Deploy done'], { env: { ...env, ALERTCORD_URL: base } });
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
