import { Hono } from 'hono';
import { z } from 'zod';
import type { ReplayResult } from '../../../delivery/replay.js';
import type { DeadLetters } from '../../../store/types.js';
import { sendError } from '../../errors.js';
import { readJsonBody } from '../../read-json.js';
import { fromStore } from './from-store.js';
import { limitParam, parseQuery } from './query-params.js';

export interface DeadLetterDeps {
  deadLetters: DeadLetters;
  /** Puts dead letters back on their queues: ids re-queued, kept, and asked for but not found. */
  replay(ids?: string[]): Promise<ReplayResult>;
}

/** `?limit=` (default 100, at most 1000); unknown parameters are refused, as on /history. */
const listQuerySchema = z.strictObject({ limit: limitParam(1000).optional() });

const replaySchema = z.object({ ids: z.array(z.string().min(1)).max(10_000).optional() }).strict();

/** `GET /dead-letter` lists (newest first, `?limit=`), `POST /dead-letter/replay` re-queues all or `{ ids }`. */
export function deadLetterRoutes(deps: DeadLetterDeps): Hono {
  const app = new Hono();
  app.get('/dead-letter', async (c) => {
    const parsed = parseQuery(c, listQuerySchema);
    if (!parsed.ok) return parsed.response;
    const limit = parsed.data.limit ?? 100;
    const read = await fromStore(c, () => Promise.all([deps.deadLetters.list(limit), deps.deadLetters.count()]));
    if (!read.ok) return read.response;
    const [items, total] = read.value;
    return c.json({ total, items });
  });
  app.post('/dead-letter/replay', async (c) => {
    let ids: string[] | undefined;
    if ((c.req.header('content-length') ?? '0') !== '0' || c.req.header('transfer-encoding')) {
      const body = await readJsonBody(c, { bodyLimit: 1024 * 1024, maxDepth: 8 });
      if (!body.ok) return sendError(c, body.failure);
      const parsed = replaySchema.safeParse(body.value ?? {});
      if (!parsed.success) {
        return sendError(c, { status: 400, code: 'invalid_payload', message: 'expected { "ids": [...] } or no body', details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
      }
      ids = parsed.data.ids;
    }
    // A store lost half way: what was queued stays queued, the rest stays held and returns (replay.ts).
    const replayed = await fromStore(c, () => deps.replay(ids));
    return replayed.ok ? c.json(replayed.value) : replayed.response;
  });
  return app;
}
