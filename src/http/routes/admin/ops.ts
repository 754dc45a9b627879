import type { Hono } from 'hono';
import { statusReport, type StatusDeps } from '../../../ops/status.js';
import { sendTestNotification, type TestSendDeps } from '../../../ops/test-notification.js';
import { validateWebhooks } from '../../../ops/validate-webhooks.js';
import type { Runtime } from '../../../runtime.js';
import { replayDeadLetters } from '../../../delivery/replay.js';
import { deadLetterRoutes } from './dead-letters.js';
import { historyRoutes } from './history.js';
import { statsRoutes } from './stats.js';
import { statusRoutes } from './status.js';
import { webhookActionRoutes } from './webhook-actions.js';

/** What the operations routes read and drive; runtime.ts hands its parts over. */
export type OpsRouteDeps = StatusDeps & Omit<TestSendDeps, 'config' | 'queue'> & Pick<Runtime, 'sender' | 'discordSender' | 'delivery'>;

/** Mounts `GET /status`, `POST /test/:type` and `POST /validate` on the admin area (they inherit its rule). */
export function mountOpsRoutes(api: Hono, deps: OpsRouteDeps): void {
  api.route('/', statusRoutes(() => statusReport(deps)));
  api.route(
    '/',
    webhookActionRoutes({
      sendTest: (type) => sendTestNotification({ ...deps, queue: deps.store.queue }, type),
      validate: () => validateWebhooks(deps),
    }),
  );
}

/** Every admin route: operations, dead letters (with replay), history and statistics. */
export function mountAdminRoutes(api: Hono, deps: OpsRouteDeps): void {
  const { store, delivery } = deps;
  mountOpsRoutes(api, deps);
  api.route('/', deadLetterRoutes({ deadLetters: store.deadLetters, replay: (ids) => replayDeadLetters(store, deps.config(), ids, (k) => delivery.ensureWorker(k), deps.now) }));
  api.route('/', historyRoutes({ history: store.history }));
  api.route('/', statsRoutes({ stats: store.stats }));
}
