import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/cli/args.js';
import { sendCommand } from '../../../src/cli/send.js';

/**
 * `--server` is "the running alertcord": behind a reverse proxy that may be a URL with a path
 * (`https://ops.example.com/alertcord`). The alert goes to `<server>/webhook/generic`, as
 * config/examples/send-alert.sh posts to `$ALERTCORD_URL/webhook/generic`.
 */
describe('alertcord send --server', () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  /** A stand-in alertcord that answers 202 and records the paths it was asked for. */
  async function recordingServer(answer: object = { accepted: 1, notifications: ['n1'] }): Promise<{ origin: string; paths: string[]; bodies: Record<string, unknown>[] }> {
    const paths: string[] = [];
    const bodies: Record<string, unknown>[] = [];
    const server = createServer((req, res) => {
      paths.push(req.url ?? '');
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
        res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = () => server.close();
    return { origin: `http://127.0.0.1:${(server.address() as { port: number }).port}`, paths, bodies };
  }

  const io = { env: {}, out: () => undefined, err: () => undefined };

  it.each([['', '/webhook/generic'], ['/', '/webhook/generic'], ['/alertcord', '/alertcord/webhook/generic'], ['/alertcord/', '/alertcord/webhook/generic']])(
    'posts to <server>/webhook/generic, keeping the path the server is published under (%j)',
    async (path, expected) => {
      const server = await recordingServer();
      const code = await sendCommand.run(['--server', `${server.origin}${path}`, '--type', 'general', '--title', 't'], io);
      expect(server.paths).toEqual([expected]);
      expect(code).toBe(0);
    },
  );

  // A script passes command output: `--message "$(tail -n 1 backup.log)"` whose line reads "-bash: pg_dump:
  // command not found", a list ("- db-1"), a negative number. node:util's strict parseArgs refused such a value
  // as "ambiguous" (exit 2, usage error): the alert about the failed backup was never sent.
  it('sends a title, message or field that starts with a dash: the argument after its option is its value', async () => {
    const server = await recordingServer();
    const code = await sendCommand.run(
      ['--server', server.origin, '--type', 'error', '--title', '--- backup FAILED ---', '-m', '-bash: pg_dump: command not found', '--field', '-delta=-5%', '--severity', 'error'],
      io,
    );
    expect(code).toBe(0);
    expect(server.bodies).toEqual([expect.objectContaining({ title: '--- backup FAILED ---', message: '-bash: pg_dump: command not found', fields: [{ name: '-delta', value: '-5%' }] })]);
  });

  // A script's `--title "$x"` with an unquoted, empty $x leaves the option last without a value: that is a usage
  // error (exit 2), not an alert titled "undefined".
  it('an option that takes a value, given last without one, is a usage error and nothing is sent', async () => {
    const server = await recordingServer();
    for (const last of ['--title', '-m']) {
      await expect(sendCommand.run(['--server', server.origin, '--type', 'general', '--title', 't', last], io), last).rejects.toThrow(UsageError);
    }
    expect(server.bodies).toEqual([]);
  });

  it('an alert a muted route kept back says so (it printed nothing at all: neither queued nor duplicate)', async () => {
    const server = await recordingServer({ accepted: 1, notifications: [], duplicates: 0, skipped: 0, muted: 1 });
    const lines: string[] = [];
    const code = await sendCommand.run(['--server', server.origin, '--type', 'general', '--title', 't'], { ...io, out: (line: string) => lines.push(line) });
    expect(code).toBe(0);
    expect(lines.join('\n')).toMatch(/^muted: .*not sent/m);
  });

  // A reverse proxy in front of alertcord answers its own pages: a 408 when the upstream was slow, a 502
  // with an HTML body. Both are "retry later" (exit 3), and the line reads cleanly without an error code.
  it('a proxy\'s 408 or plain-text 502 is exit 3, said in one clean line', async () => {
    for (const [status, text] of [[408, 'Request Timeout'], [502, 'Bad Gateway']] as const) {
      const server = createServer((req, res) => {
        req.resume();
        req.on('end', () => res.writeHead(status, { 'content-type': 'text/html' }).end('<html>upstream trouble</html>'));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const lines: string[] = [];
      try {
        const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
        const code = await sendCommand.run(['--server', origin, '--type', 'general', '--title', 't'], { ...io, err: (line: string) => lines.push(line) });
        expect(code).toBe(3);
        expect(lines).toEqual([`alertcord: ${status} ${text}`]);
      } finally {
        server.close();
      }
    }
  });

  // 429 (rate_limited) is "retry later" (exit 3) like a 408 or a 5xx; any other 4xx is the sender's mistake (exit 1).
  // An error code that is empty leaves no stray ": " in the line.
  it('429 is exit 3 and 400 is exit 1; an empty error code leaves a clean line', async () => {
    const cases = [
      [429, { error: { code: 'rate_limited', message: 'queue full' } }, 3, 'alertcord: 429 rate_limited: queue full'],
      [400, { error: { code: '', message: 'title or message is required' } }, 1, 'alertcord: 400 title or message is required'],
    ] as const;
    for (const [status, body, exit, line] of cases) {
      const server = createServer((req, res) => {
        req.resume();
        req.on('end', () => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const lines: string[] = [];
      try {
        const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
        const code = await sendCommand.run(['--server', origin, '--type', 'general', '--title', 't'], { ...io, err: (l: string) => lines.push(l) });
        expect(code, String(status)).toBe(exit);
        expect(lines).toEqual([line]);
      } finally {
        server.close();
      }
    }
  });

  it('a server without http:// or https:// is a usage error, not "unreachable"', async () => {
    for (const server of ['localhost:8080', '127.0.0.1:8080', 'ftp://alertcord:8080']) {
      await expect(sendCommand.run(['--server', server, '--type', 'general', '--title', 't'], io)).rejects.toThrow(UsageError);
    }
  });

  it('a server URL with user:password is a usage error that does not print the password (fetch quoted the whole URL, exit 3)', async () => {
    const lines: string[] = [];
    const run = sendCommand.run(['--server', 'http://alertcord:ingest-s3cret@127.0.0.1:9', '--type', 'general', '--title', 't'], { ...io, err: (line: string) => lines.push(line) });
    const error = await run.then(() => undefined, (err: unknown) => err as Error);
    expect(error).toBeInstanceOf(UsageError);
    expect(`${error?.message}\n${lines.join('\n')}`).not.toContain('ingest-s3cret');
  });

  it('a server URL with only a user, or only a password, is a usage error too', async () => {
    for (const server of ['http://:ingest-s3cret@127.0.0.1:9', 'http://ingest-s3cret@127.0.0.1:9']) {
      const lines: string[] = [];
      const error = await sendCommand.run(['--server', server, '--type', 'general', '--title', 't'], { ...io, err: (line: string) => lines.push(line) }).then(() => undefined, (err: unknown) => err as Error);
      expect(error, server).toBeInstanceOf(UsageError);
      expect(`${error?.message}\n${lines.join('\n')}`).not.toContain('ingest-s3cret');
    }
  });

  it('a --timeout longer than a timer can hold is a usage error, not "cannot reach" (exit 3)', async () => {
    const server = await recordingServer();
    for (const timeout of ['99999999999', '2147484']) {
      await expect(sendCommand.run(['--server', server.origin, '--type', 'general', '--title', 't', '--timeout', timeout], io)).rejects.toThrow(UsageError);
    }
    expect(await sendCommand.run(['--server', server.origin, '--type', 'general', '--title', 't', '--timeout', '2147483'], io)).toBe(0);
  });

  it('--server or --token with --direct is a usage error (it would post elsewhere than asked)', async () => {
    for (const extra of [['--server', 'http://127.0.0.1:9'], ['--token', 't']]) {
      await expect(sendCommand.run(['--direct', ...extra, '--type', 'general', '--title', 't'], io)).rejects.toThrow(/only apply without --direct/);
    }
  });
});
