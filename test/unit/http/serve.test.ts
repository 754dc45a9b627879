import { connect } from 'node:net';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../src/config/load.js';
import { serverTimeouts, startHttpServer } from '../../../src/http/serve.js';

describe('startHttpServer', () => {
  it('derives Node timeouts from server.request_timeout: whole request, headers ≤ 60 s, a sweep often enough', () => {
    expect(serverTimeouts(30_000)).toEqual({ requestTimeout: 30_000, headersTimeout: 30_000, connectionsCheckingInterval: 3_000 });
    expect(serverTimeouts(300_000)).toEqual({ requestTimeout: 300_000, headersTimeout: 60_000, connectionsCheckingInterval: 30_000 });
    expect(serverTimeouts(200).connectionsCheckingInterval).toBe(50);
  });

  it('request_timeout: 0 lifts the whole-request limit but keeps headers bounded (Node takes headersTimeout 0 as none: slowloris)', () => {
    const timeouts = serverTimeouts(0);
    expect(timeouts.requestTimeout).toBe(0);
    expect(timeouts.headersTimeout).toBe(60_000);
    expect(timeouts.connectionsCheckingInterval).toBe(6_000);
  });

  it('binds with those options (as main.ts does) and closes', async () => {
    const { config } = loadConfigOrThrow({ env: {}, yaml: 'server: { request_timeout: 2s }' });
    const app = new Hono().get('/ping', (c) => c.text('pong'));
    const http = await startHttpServer(app, config, { host: '127.0.0.1', port: 0 });
    try {
      expect(http.server.requestTimeout).toBe(2_000);
      expect(http.server.headersTimeout).toBe(2_000);
      expect(http.server.timeout).toBe(2_000);
      expect(http.url).toBe(`http://127.0.0.1:${http.address.port}`);
      expect(await (await fetch(`${http.url}/ping`)).text()).toBe('pong');
    } finally {
      await http.close();
    }
    expect(http.server.listening).toBe(false);
  });

  // A stopping alertcord closes its server after the drain; a request in flight then was answered with
  // `Connection: keep-alive` and its socket kept until keepAliveTimeout, so the close waited on it.
  it('close() lets a request in flight be answered, then ends its keep-alive socket instead of waiting for keepAliveTimeout', async () => {
    const { config } = loadConfigOrThrow({ env: {}, yaml: '' });
    let arrived!: () => void;
    const inFlight = new Promise<void>((resolve) => (arrived = resolve));
    const app = new Hono().post('/slow', async (c) => {
      arrived();
      return c.text(`got ${(await c.req.text()).length}`);
    });
    const http = await startHttpServer(app, config, { host: '127.0.0.1', port: 0 });
    // Longer than the test may run (nor does the idle timeout end the socket): only the close's ending it does.
    http.server.keepAliveTimeout = 10 * 60_000;
    http.server.setTimeout(0);
    const socket = connect(http.address.port, '127.0.0.1');
    let response = '';
    socket.on('data', (chunk: Buffer) => (response += chunk.toString('latin1')));
    const socketClosed = new Promise((resolve) => socket.on('close', resolve));
    socket.write('POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab');
    await inFlight;
    const closed = http.close();
    socket.write('cd');
    await closed;
    await socketClosed;
    expect(response).toMatch(/^HTTP\/1\.1 200 [\s\S]*got 4$/);
    expect(http.server.listening).toBe(false);
  });
});
