import { Hono } from 'hono';
import { z } from 'zod';
import type { DeadLetters } from '../../../store/types.js';
import { sendError } from '../../errors.js';
import { readJsonBody } from '../../read-json.js';

export interface DeadLetterDeps {
  deadLetters: DeadLetters;
  /** Puts dead letters back on their queues; returns the ids that were re-queued. */
  replay(ids?: string[]): Promise<{ replayed: string[]; failed: string[] }>;
}

const replaySchema = z.object({ ids: z.array(z.string().min(1)).max(10_000).optional() }).strict();

/** `GET /dead-letter` lists (newest first, `?limit=`), `POST /dead-letter/replay` re-queues all or `{ ids }`. */
export function deadLetterRoutes(deps: DeadLetterDeps): Hono {
  const app = new Hono();
  app.get('/dead-letter', async (c) => {
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 100) || 100, 1), 1000);
    const [items, total] = await Promise.all([deps.deadLetters.list(limit), deps.deadLetters.count()]);
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
    return c.json(await deps.replay(ids));
  });
  return app;
}
