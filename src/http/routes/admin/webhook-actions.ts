import { Hono } from 'hono';
import type { TestSendResult } from '../../../ops/test-notification.js';
import type { WebhookValidation } from '../../../ops/validate-webhooks.js';
import { sendError } from '../../errors.js';
import { withoutIdleTimeout } from '../../long-answer.js';
import { fromStore } from './from-store.js';

export interface WebhookActionDeps {
  /** Queues a test notification for an alert type (see ops/test-notification.ts). */
  sendTest(alertType: string): Promise<TestSendResult>;
  /** Discord's GET-webhook call for each configured webhook; posts nothing. */
  validate(): Promise<WebhookValidation[]>;
}

/**
 * `POST /test/:type` queues a test notification and answers 202 with its id (follow it in history;
 * 404 for an unknown type, 503 + Retry-After when it cannot be queued). `POST /validate` checks every
 * webhook and answers 200 with one entry per webhook and `valid` when there is one and all are; 503 when
 * the store that keeps the broken marks it sets and clears is down (Redis), as the other admin routes answer.
 */
export function webhookActionRoutes(deps: WebhookActionDeps): Hono {
  const app = new Hono();
  app.post('/test/:type', async (c) => {
    const result = await deps.sendTest(c.req.param('type'));
    if (result.ok) return c.json(result, 202);
    if (result.reason === 'unknown_type') return sendError(c, { status: 404, code: 'not_found', message: result.message });
    return sendError(c, { status: 503, code: result.reason, message: result.message, headers: { 'Retry-After': '10' } });
  });
  app.post('/validate', async (c) => {
    const read = await withoutIdleTimeout(c, () => fromStore(c, () => deps.validate()));
    if (!read.ok) return read.response;
    const webhooks = read.value;
    // No webhook at all is not "valid" (nothing can be delivered), as the CLI's validate-webhooks exits 1.
    return c.json({ valid: webhooks.length > 0 && webhooks.every((w) => w.valid), webhooks });
  });
  return app;
}
