import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { classify } from '../../../src/delivery/classify.js';
import { createDiscordSender } from '../../../src/delivery/discord-sender.js';
import { Secret } from '../../../src/lib/secret.js';

const message = { embeds: [{ title: 't' }], allowed_mentions: { parse: [] } };
let server: Server | undefined;
let agent: Agent | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  await agent?.close();
  server = agent = undefined;
});

/** A Discord that answers `status` with its headers at once, then sends half of the body and stalls. */
async function stallingDiscord(status: number, headers: Record<string, string>): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  server = createServer((req, res) => {
    requests++;
    req.resume();
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.write('{"id":"11223344556677');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/api/v10/webhooks/42/tok`, requests: () => requests };
}

describe('the Discord sender', () => {
  it('keeps the status Discord gave when the body times out after it (a 200 was stored: no resend)', async () => {
    const discord = await stallingDiscord(200, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': '2' });
    agent = new Agent();
    const sender = createDiscordSender({ dispatcher: agent, timeoutMs: 200 });
    const raw = await sender.post({ id: '42', url: new Secret(discord.url) }, message);
    expect(raw.status).toBe(200);
    expect(raw.error).toBeDefined();
    const result = classify(raw);
    expect(result.kind).toBe('success');
    // The headers that came with it still pause the bucket at Remaining 0.
    expect(result.rateLimit).toMatchObject({ remaining: 0, resetAfterMs: 2000 });
  });

  it('ends at the timeout while still connecting (a TLS handshake that never completes), not at undici’s 10 s connect timeout', { timeout: 8_000 }, async () => {
    const held: Socket[] = [];
    const silent: TcpServer = createTcpServer((s) => held.push(s)); // accepts TCP, never answers the ClientHello
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    agent = new Agent();
    try {
      const sender = createDiscordSender({ dispatcher: agent, timeoutMs: 200 });
      const raw = await sender.post({ id: '42', url: new Secret(`https://127.0.0.1:${port}/api/v10/webhooks/42/tok`) }, message);
      expect((raw.error as Error).name).toBe('TimeoutError');
      expect(classify(raw)).toMatchObject({ kind: 'retryable', reason: 'timeout' });
    } finally {
      for (const s of held) s.destroy();
      silent.close();
    }
  });

  it('keeps a 404 as a 404 when its body is cut off (the webhook is gone, not the network)', async () => {
    const discord = await stallingDiscord(404, {});
    agent = new Agent();
    const sender = createDiscordSender({ dispatcher: agent, timeoutMs: 200 });
    const raw = await sender.post({ id: '42', url: new Secret(discord.url) }, message);
    expect(classify(raw)).toMatchObject({ kind: 'broken', status: 404 });
  });
});
