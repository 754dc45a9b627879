import { afterEach, describe, expect, it } from 'vitest';
import { startHttpServer, type HttpServer } from '../../../src/http/serve.js';
import { appHarness } from '../../helpers/app-harness.js';

/**
 * readJsonBody behind @hono/node-server, on a socket: with a Content-Length and no content coding the body is
 * read as text by the adapter (read-json.ts), a path `app.request` tests never take.
 */
let http: HttpServer | undefined;
afterEach(async () => {
  await http?.close();
  http = undefined;
});

async function serve(yaml: string) {
  const harness = appHarness({}, yaml);
  http = await startHttpServer(harness.app, harness.config, { host: '127.0.0.1', port: 0 });
  return { ...harness, url: http.url };
}

describe('a JSON body read through the adapter', () => {
  it('takes a body within server.body_limit whose bytes are not all UTF-8 (Latin-1 from a script), as without Content-Length', async () => {
    const { url } = await serve('server: { body_limit: 2048 }');
    // 1,000 "é" in Latin-1: a byte each, three each once decoded to U+FFFD: 1,034 bytes sent, 3,034 as text.
    const body = Buffer.concat([Buffer.from('{"title":"Disk full","message":"'), Buffer.alloc(1000, 0xe9), Buffer.from('"}')]);
    expect(body.byteLength).toBeLessThan(2048);
    const declared = await fetch(`${url}/webhook/generic`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const chunked = await fetch(`${url}/webhook/generic`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({ start: (c) => (c.enqueue(body), c.close()) }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(202);
    expect(declared.status).toBe(202);
  });
});
