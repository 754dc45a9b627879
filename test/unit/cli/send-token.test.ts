import { createServer, type IncomingHttpHeaders } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sendCommand } from '../../../src/cli/send.js';
import { presentedCredential, safeEqual } from '../../../src/http/admin-auth.js';

/**
 * README: "Every secret can come from a file (container secrets): set NAME_FILE=… instead of NAME …
 * INGEST_TOKEN". The shipped docker-compose.yml sets only INGEST_TOKEN_FILE, so `alertcord send` in that
 * container must read it, or every send answers 401 (exit 1).
 */
describe('alertcord send reads INGEST_TOKEN_FILE', () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  // A blank INGEST_TOKEN counts as unset, as the server reads it (config/env.ts blankAsUnset).
  it.each<Record<string, string>>([{}, { INGEST_TOKEN: '  ' }])('sends the token from INGEST_TOKEN_FILE when INGEST_TOKEN is unset (%j)', async (extra) => {
    let seen: IncomingHttpHeaders | undefined;
    const server = createServer((req, res) => {
      seen = req.headers;
      req.resume();
      req.on('end', () => {
        res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: 1, notifications: ['n1'] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = () => server.close();
    const port = (server.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), 'alertcord-send-'));
    writeFileSync(join(dir, 'ingest_token'), 'from-the-file-123\n');
    const out: string[] = [];
    const code = await sendCommand.run(['--server', `http://127.0.0.1:${port}`, '--type', 'general', '--title', 't'], {
      env: { ...extra, INGEST_TOKEN_FILE: join(dir, 'ingest_token') },
      out: (t) => out.push(t),
      err: (t) => out.push(t),
    });
    expect(seen?.authorization).toBe('Bearer from-the-file-123');
    expect(code).toBe(0);
  });

  it('an unreadable or empty INGEST_TOKEN_FILE exits 1 naming the variable, and sends nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alertcord-send-'));
    writeFileSync(join(dir, 'empty'), '\n');
    for (const file of [join(dir, 'missing'), join(dir, 'empty')]) {
      const err: string[] = [];
      const code = await sendCommand.run(['--server', 'http://127.0.0.1:9', '--type', 'general', '--title', 't'], {
        env: { INGEST_TOKEN_FILE: file },
        out: () => undefined,
        err: (t) => err.push(t),
      });
      expect(code).toBe(1);
      expect(err.join('')).toContain('INGEST_TOKEN_FILE');
    }
  });
});

describe('alertcord send with a token beyond ASCII', () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  // The server takes a UTF-8 token (a passphrase), as Alertmanager, Grafana and curl send it. fetch takes
  // only Latin-1 header values: a token with `€` threw before anything was sent, reported as "cannot reach"
  // with exit 3 (retry later), so a script retried a send that could never work.
  it.each(['pass phrase €uro', 'pässwort'])('sends %j as the UTF-8 bytes the server reads, and it is accepted', async (token) => {
    let accepted = false;
    const server = createServer((req, res) => {
      accepted = safeEqual(presentedCredential(req.headers.authorization) ?? '', token);
      req.resume();
      req.on('end', () => {
        if (!accepted) return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"code":"unauthorized"}}');
        res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: 1, notifications: ['n1'] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = () => server.close();
    const port = (server.address() as { port: number }).port;
    const out: string[] = [];
    const code = await sendCommand.run(['--server', `http://127.0.0.1:${port}`, '--token', token, '--type', 'general', '--title', 't'], {
      env: {},
      out: (t) => out.push(t),
      err: (t) => out.push(t),
    });
    expect(out).toEqual(['queued: notification n1']);
    expect(accepted).toBe(true);
    expect(code).toBe(0);
  });
});
