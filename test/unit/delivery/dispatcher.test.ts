import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Dispatcher } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { classify } from '../../../src/delivery/classify.js';
import { createDiscordSender } from '../../../src/delivery/discord-sender.js';
import { createDispatcher } from '../../../src/delivery/dispatcher.js';
import { Secret } from '../../../src/lib/secret.js';

const message = { embeds: [{ title: 't' }], allowed_mentions: { parse: [] } };
const webhook = { id: '42', url: new Secret('https://discord.com/api/v10/webhooks/42/SECRET_tok') };
let proxy: Server | undefined;
let dispatcher: Dispatcher | undefined;
const sockets = new Set<Socket>();

afterEach(async () => {
  await dispatcher?.destroy();
  for (const s of sockets) s.destroy();
  sockets.clear();
  await new Promise((resolve) => proxy?.close(resolve) ?? resolve(undefined));
  proxy = dispatcher = undefined;
});

/** A proxy on loopback that answers every CONNECT with `onConnect`; returns how many CONNECTs it saw. */
async function misbehavingProxy(onConnect: (client: Socket) => void): Promise<{ url: string; connects: () => number }> {
  let connects = 0;
  proxy = createServer((_req, res) => res.writeHead(403).end());
  proxy.on('connection', (s: Socket) => sockets.add(s));
  proxy.on('connect', (_req, client: Socket) => {
    connects++;
    onConnect(client);
  });
  await new Promise<void>((resolve) => proxy!.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  return { url: `http://alice:pa55word@127.0.0.1:${port}`, connects: () => connects };
}

describe('the dispatcher behind an outbound proxy', () => {
  it('fails the request (network, retried by backoff) when the proxy closes the connection on CONNECT, instead of reconnecting in a tight loop', async () => {
    const p = await misbehavingProxy((client) => client.destroy());
    dispatcher = createDispatcher({ HTTPS_PROXY: p.url });
    const raw = await createDiscordSender({ dispatcher, timeoutMs: 5_000 }).post(webhook, message);
    expect(classify(raw)).toMatchObject({ kind: 'retryable', reason: 'network' });
    expect(p.connects()).toBeLessThanOrEqual(2);
  });

  it.each([
    ['407', 'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="proxy"\r\nContent-Length: 0\r\n\r\n'],
    ['502', 'HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n'],
  ])('a proxy refusing CONNECT with %s is a network failure naming its answer, not a timeout (nothing reached Discord)', async (status, answer) => {
    const p = await misbehavingProxy((client) => client.end(answer));
    dispatcher = createDispatcher({ HTTPS_PROXY: p.url });
    const result = classify(await createDiscordSender({ dispatcher, timeoutMs: 5_000 }).post(webhook, message));
    expect(result).toMatchObject({ kind: 'retryable', reason: 'network' });
    expect('detail' in result && result.detail).toContain(status);
    expect(JSON.stringify(result)).not.toContain('pa55word');
    expect(JSON.stringify(result)).not.toContain('SECRET_tok');
  });

  it('ends a request whose proxy never answers CONNECT at discord.timeout (not undici’s 300 s)', { timeout: 8_000 }, async () => {
    const p = await misbehavingProxy(() => undefined);
    dispatcher = createDispatcher({ HTTPS_PROXY: p.url });
    const raw = await createDiscordSender({ dispatcher, timeoutMs: 300 }).post(webhook, message);
    expect((raw.error as Error).name).toBe('TimeoutError');
    expect(classify(raw)).toMatchObject({ kind: 'retryable', reason: 'timeout' });
    expect(p.connects()).toBe(1);
  });
});
