import { Hono } from 'hono';

export interface ReadinessCheck {
  ok: boolean;
  message?: string;
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, ReadinessCheck>;
  /** Present while running dry, saying why and what to set. */
  dryRun?: string;
}

/**
 * Liveness and readiness. Readiness means "can accept" (config loaded, store reachable); Discord-side
 * trouble never makes it fail (architecture.md). Dry-run answers 503 so an orchestrator notices that
 * nothing is being delivered, naming the variables to set.
 */
export function healthRoutes(readiness: () => Promise<Readiness>): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const r = await readiness();
    const ready = r.ready && !r.dryRun;
    return c.json({ status: ready ? 'ready' : 'not_ready', ...r, ready }, ready ? 200 : 503);
  });
  return app;
}
