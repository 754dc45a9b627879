import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { fromStore } from '../../../src/http/routes/admin/from-store.js';

/** A route whose store work throws `err`. */
function routeThrowing(err: Error): Hono {
  const app = new Hono();
  app.get('/x', async (c) => {
    const read = await fromStore(c, async () => {
      throw err;
    });
    return read.ok ? c.json(read.value) : read.response;
  });
  app.onError((_e, c) => c.text('bug', 500));
  return app;
}

describe('fromStore: an admin route reading the store', () => {
  it('answers a store that cannot answer with 503 and Retry-After', async () => {
    const res = await routeThrowing(new Error('Connection is closed.')).request('/x');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('10');
  });

  it('leaves a bug in the store code a 500 (it is not an outage)', async () => {
    expect((await routeThrowing(new TypeError("Cannot read properties of undefined (reading 'id')")).request('/x')).status).toBe(500);
  });
});
