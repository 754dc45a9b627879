import { Hono } from 'hono';
import type { StatusReport } from '../../../ops/status.js';

/** `GET /status`: per alert type and webhook, limits, breaker, 429 pause, queue, broken, last success/error. */
export function statusRoutes(report: () => Promise<StatusReport>): Hono {
  const app = new Hono();
  app.get('/status', async (c) => c.json(await report()));
  return app;
}
