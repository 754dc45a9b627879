import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Hono, type Context } from 'hono';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../src/config/load.js';
import { createIntake } from '../../../src/delivery/intake.js';
import type { RequestText } from '../../../src/delivery/intake-types.js';
import { ingestRoutes } from '../../../src/http/routes/ingest.js';
import type { AlertGroup } from '../../../src/model/alert.js';
import { MemoryQueue } from '../../../src/store/memory/queue.js';
import { fixtureBody } from '../../helpers/fixtures.js';

/**
 * What the memory queue keeps beside each packed entry (the decoder, and in it the route's reparse) must
 * hold nothing of the request: not its context, Request, RequestText (the text, packed apart) nor the parsed
 * groups. A route without params shares one reparse; `/generic/:type` makes one per request over its params.
 */
const config = loadConfigOrThrow({ env: { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/general-token' } }).config;

describe('an ingest route, once answered', () => {
  it.each([
    ['/webhook/alertmanager', fixtureBody('alertmanager/firing-two-alerts.json'), 'monitoring'],
    ['/webhook/generic/security', { title: 'Login from a new IP', message: 'ssh root@db-1' }, 'security'],
  ])('%s keeps nothing of the request in the queue but its packed text', async (path, body, alertType) => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const queue = new MemoryQueue({ maxPerQueue: 100, packFromDepth: 0, packBlock: 1 });
    const inner = createIntake({ config: () => config, queue, logger: pino({ level: 'silent' }) });
    const refs: WeakRef<object>[] = [];
    const intake = {
      accept(groups: AlertGroup[], origin?: RequestText) {
        refs.push(new WeakRef(groups), new WeakRef(origin!));
        return inner.accept(groups, origin);
      },
    };
    const app = new Hono();
    app.use('*', (c: Context, next) => {
      refs.push(new WeakRef(c), new WeakRef(c.req.raw));
      return next();
    });
    app.route('/webhook', ingestRoutes({ intake: () => intake, limits: () => ({ bodyLimit: 1 << 20, maxDepth: 64 }) }));
    await (async () => {
      const res = await app.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(202);
      await res.text();
    })();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(refs).toHaveLength(4);
    expect(refs.map((r) => r.deref())).toEqual([undefined, undefined, undefined, undefined]);
    const [item] = await queue.read((await queue.queueKeys())[0]!, 10, 0);
    expect(item?.notification.alertType).toBe(alertType);
  });
});
