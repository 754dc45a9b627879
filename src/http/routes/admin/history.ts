import { Hono } from 'hono';
import { z } from 'zod';
import { HISTORY_MAX_LIMIT } from '../../../store/history-query.js';
import type { History, HistoryQuery } from '../../../store/types.js';
import { sendError } from '../../errors.js';
import { fromStore } from './from-store.js';
import { instantParam, limitParam, parseQuery } from './query-params.js';

export interface HistoryRouteDeps {
  history: History;
}

/** Longest id looked up; notification ids are UUIDs, so anything longer cannot exist. */
const MAX_ID_LENGTH = 200;

/** `?type=&status=&outcome=&since=&until=&limit=`; unknown parameters are refused, so a typo is not ignored. */
const historyQuerySchema = z
  .strictObject({
    type: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'expected an alert type name (lowercase [a-z0-9_-])').optional(),
    status: z.enum(['firing', 'resolved']).optional(),
    outcome: z.enum(['sent', 'failed', 'dead_lettered', 'dry_run']).optional(),
    since: instantParam.optional(),
    until: instantParam.optional(),
    limit: limitParam(HISTORY_MAX_LIMIT).optional(),
  })
  .refine((q) => q.since === undefined || q.until === undefined || q.since <= q.until, { path: ['since'], message: 'since is after until' });

/**
 * `GET /history` lists notifications newest first (filters: alert type, firing/resolved, outcome where
 * `failed` means every undelivered one, `since` / `until` as ISO 8601 or epoch ms on the time received (or replayed),
 * `limit` up to 1000); `GET /history/:id` is one notification (404 in the envelope when unknown or expired).
 */
export function historyRoutes(deps: HistoryRouteDeps): Hono {
  const app = new Hono();
  app.get('/history', async (c) => {
    const parsed = parseQuery(c, historyQuerySchema);
    if (!parsed.ok) return parsed.response;
    const query: HistoryQuery = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
    const read = await fromStore(c, () => deps.history.list(query));
    if (!read.ok) return read.response;
    return c.json({ count: read.value.length, items: read.value });
  });
  app.get('/history/:id', async (c) => {
    const id = c.req.param('id');
    const read = await fromStore(c, async () => (id.length <= MAX_ID_LENGTH ? deps.history.get(id) : undefined));
    if (!read.ok) return read.response;
    const entry = read.value;
    if (!entry) return sendError(c, { status: 404, code: 'not_found', message: 'no history entry with this id (unknown, or past retention)' });
    return c.json(entry);
  });
  return app;
}
