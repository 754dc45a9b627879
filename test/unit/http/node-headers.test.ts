import { connect } from 'node:net';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../src/config/load.js';
import { requestHeader, setResponseHeader } from '../../../src/http/node-headers.js';
import { startHttpServer } from '../../../src/http/serve.js';
import { startBridge } from '../../helpers/bridge.js';
import { fixtureBody } from '../../helpers/fixtures.js';

/** One raw HTTP/1.1 exchange (duplicate and oddly cased fields need a socket, not fetch). */
function rawRequest(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    socket.on('data', (d) => {
      data += d.toString('latin1');
      if (/\r\n\r\n[\s\S]*\}$/.test(data)) socket.end();
    });
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

/** A Hono app answering what `requestHeader` and Hono's own `Headers` see, with a header set both ways. */
function probeApp(): Hono {
  return new Hono().get('/h', (c) => {
    setResponseHeader(c, 'X-Probe', 'yes');
    const names = ['x-request-id', 'content-type', 'authorization', 'x-absent'];
    return c.json({ ours: names.map((n) => requestHeader(c, n) ?? null), hono: names.map((n) => c.req.header(n) ?? null) });
  });
}

describe('node-headers: Headers.get semantics without building Headers', () => {
  it('behind @hono/node-server: case-insensitive, duplicates joined, absent is undefined; response header merged', async () => {
    const { config } = loadConfigOrThrow({ env: {}, yaml: '' });
    const http = await startHttpServer(probeApp(), config, { host: '127.0.0.1', port: 0 });
    try {
      const answer = await rawRequest(http.address.port, 'GET /h HTTP/1.1\r\nHost: x\r\nX-Request-ID:  abc \r\nx-request-id: second\r\nContent-Type: application/json\r\nAuthorization: Bearer t\r\nConnection: close\r\n\r\n');
      expect(answer).toMatch(/^HTTP\/1\.1 200/);
      expect(answer).toMatch(/\r\nX-Probe: yes\r\n/i);
      const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { ours: unknown[]; hono: unknown[] };
      expect(body.ours).toEqual(['abc, second', 'application/json', 'Bearer t', null]);
      expect(body.ours).toEqual(body.hono);
    } finally {
      await http.close();
    }
  });

  it('under app.request (no Node objects): Hono reads and sets them', async () => {
    const res = await probeApp().request('/h', { headers: { 'x-request-id': 'r1', 'content-type': 'text/plain' } });
    expect(res.headers.get('x-probe')).toBe('yes');
    expect(((await res.json()) as { ours: unknown[] }).ours).toEqual(['r1', 'text/plain', null, null]);
  });
});

describe('X-Request-Id on a real socket', () => {
  it("echoes the sender's id (also on errors) and makes one up otherwise", async () => {
    const bridge = await startBridge();
    try {
      const echoed = await bridge.post('/webhook/alertmanager', fixtureBody('alertmanager/firing-two-alerts.json'), { 'x-request-id': 'trace-42' });
      expect(echoed.status).toBe(202);
      expect(echoed.headers.get('x-request-id')).toBe('trace-42');
      const refused = await fetch(`${bridge.url}/webhook/alertmanager`, { method: 'POST', body: '{}', headers: { 'content-type': 'text/plain', 'x-request-id': 'trace-43' } });
      expect(refused.status).toBe(415);
      expect(refused.headers.get('x-request-id')).toBe('trace-43');
      const made = await bridge.post('/webhook/alertmanager', fixtureBody('alertmanager/firing-two-alerts.json'));
      expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await bridge.close();
    }
  });
});
