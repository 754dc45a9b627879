/**
 * The ingest baseline: the same @hono/node-server and Hono, one route that parses the same JSON and
 * answers 202, nothing else. Started as a child by bench/ingest.ts (HOST and PORT from the environment).
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.get('/healthz', (c) => c.json({ status: 'ok' }));
app.post('/webhook/alertmanager', async (c) => {
  const body = (await c.req.json()) as { alerts?: unknown[] };
  return c.json({ accepted: Array.isArray(body.alerts) ? body.alerts.length : 0 }, 202);
});
serve({ fetch: app.fetch, hostname: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 0) });
// Exit cleanly on signals (so `node --cpu-prof` can write its profile when it is stopped).
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0));
