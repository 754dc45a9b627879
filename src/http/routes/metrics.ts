import { Hono } from 'hono';
import type { Registry } from 'prom-client';

/**
 * `GET /metrics`: the Prometheus text exposition of one runtime's registry. Public, like most exporters
 * (architecture.md puts only /api and the dashboard under the admin rule): it carries counts, ids and
 * reasons, never a webhook token or another secret. Restrict it at the network or proxy if needed.
 */
export function metricsRoutes(registry: Registry): Hono {
  const app = new Hono();
  app.get('/metrics', async (c) => {
    const text = await registry.metrics();
    return c.body(text, 200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' });
  });
  return app;
}
