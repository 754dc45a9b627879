import { Hono } from 'hono';
import { z } from 'zod';
import type { Stats } from '../../../store/types.js';
import { fromStore } from './from-store.js';
import { instantParam, parseQuery } from './query-params.js';

export interface StatsRouteDeps {
  stats: Stats;
}

const statsQuerySchema = z.strictObject({ since: instantParam.optional() });

/**
 * `GET /stats?since=` — the seed's statistics (success rate, failures by reason, retry analysis,
 * response-time distribution, counts per alert type, source and UTC day) from `since`'s day (ISO 8601 or
 * epoch ms; default and floor: the history's retention) to now.
 */
export function statsRoutes(deps: StatsRouteDeps): Hono {
  const app = new Hono();
  app.get('/stats', async (c) => {
    const parsed = parseQuery(c, statsQuerySchema);
    if (!parsed.ok) return parsed.response;
    const { since } = parsed.data;
    const read = await fromStore(c, () => deps.stats.summary(since === undefined ? {} : { since }));
    return read.ok ? c.json(read.value) : read.response;
  });
  return app;
}
