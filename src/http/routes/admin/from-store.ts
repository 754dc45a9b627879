import type { Context } from 'hono';
import { STORE_DOWN_RETRY_AFTER_S } from '../../../delivery/intake.js';
import { sendError } from '../../errors.js';

/**
 * Runs an admin route's store work. A store that cannot answer (Redis down, or slower than its command
 * timeout) is an expected failure, not a bug: 503 `unavailable` with Retry-After, as intake and
 * `POST /test/:type` answer, and as the dashboard shows it ("History unavailable: the store is
 * unavailable"). Thrown, it became a 500 "internal error" and an "unhandled error" stack in the log for
 * every read of every dashboard poll (three per 4 s) through the whole outage.
 */
export async function fromStore<T>(c: Context, work: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; response: Response }> {
  try {
    return { ok: true, value: await work() };
  } catch (err) {
    // A bug in the store code is not an outage: it stays a 500 with its stack in the log (app.onError).
    if (err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError || err instanceof SyntaxError) throw err;
    const response = sendError(c, { status: 503, code: 'unavailable', message: 'the store is unavailable; retry later', headers: { 'Retry-After': String(STORE_DOWN_RETRY_AFTER_S) } });
    return { ok: false, response };
  }
}
