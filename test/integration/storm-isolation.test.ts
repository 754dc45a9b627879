/**
 * A storm on one alert type must not hold up another type's alert that has its own webhook: queues,
 * limits and workers are per webhook, so the critical alert goes out while the storm is still draining.
 * (A type WITHOUT its own webhook shares general's queue, and waits behind a storm there: by design.)
 */
import { afterEach, expect, it } from 'vitest';
import { startBridge, HOOK_IDS, type Bridge } from '../helpers/bridge.js';
import { amAlert, amGroup, warningStorm } from '../helpers/storm.js';

/** Groups and alerts per group of the storm: 2,000 warnings, minutes of work at 30 messages / min. */
const STORM_GROUPS = 200;
const STORM_SIZE = 10;

let bridge: Bridge | undefined;
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
});

/** POSTs `bodies` 16 at a time, as Alertmanager's parallel group notifications would; returns the statuses. */
async function postAll(b: Bridge, bodies: readonly unknown[]): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < bodies.length; i += 16) {
    const batch = await Promise.all(bodies.slice(i, i + 16).map((body) => b.post('/webhook/alertmanager', body)));
    statuses.push(...batch.map((r) => r.status));
  }
  return statuses;
}

const critical = (b: Bridge) => b.fake.messagesFor(HOOK_IDS.critical!).filter((m) => JSON.stringify(m.body).includes('CRITICAL-3AM'));

it('a critical alert goes out while a 2,000-alert storm on monitoring is still draining (memory store)', { timeout: 60_000 }, async () => {
  bridge = await startBridge({ types: ['general', 'monitoring', 'critical'] });
  const statuses = await postAll(bridge, warningStorm(STORM_GROUPS, STORM_SIZE));
  expect(statuses.every((s) => s === 202)).toBe(true);
  const res = await bridge.post('/webhook/generic', { title: 'CRITICAL-3AM database primary down', severity: 'critical' });
  expect(res.status).toBe(202);
  await expect.poll(() => critical(bridge!).length, { timeout: 15_000, interval: 20 }).toBe(1);
  // Seen while most of the storm still waits: it did not queue behind it.
  expect(await bridge.runtime.store.queue.depth(HOOK_IDS.monitoring!)).toBeGreaterThan(STORM_GROUPS / 2);
  expect(bridge.fake.stats.status429).toBe(0);
});

it('a full monitoring queue does not refuse the critical alert of the same Alertmanager group', { timeout: 60_000 }, async () => {
  // Monitoring's Discord hangs on its first request: its small queue fills; critical's webhook is healthy.
  bridge = await startBridge({ types: ['general', 'monitoring', 'critical'], env: { DISCORD_QUEUE_SIZE: '5', DISCORD_TIMEOUT_SECONDS: '60' } });
  bridge.fake.inject(HOOK_IDS.monitoring!, { kind: 'hang' });
  const storm = await postAll(bridge, warningStorm(10, 1));
  expect(storm.filter((s) => s === 503).length).toBeGreaterThan(0); // monitoring's queue is full now
  // One group (grouped by cluster, say) carries a warning first and the critical alert after it.
  const mixed = amGroup(99, [amAlert(99, 0, 'warning'), { ...amAlert(99, 1, 'critical'), annotations: { summary: 'CRITICAL-3AM primary down' } }]);
  const first = await bridge.post('/webhook/alertmanager', mixed);
  // 503: the warning is not queued, so Alertmanager must retry; the critical alert goes out meanwhile.
  expect(first.status).toBe(503);
  await expect.poll(() => critical(bridge!).length, { timeout: 10_000, interval: 20 }).toBe(1);
  // Alertmanager's retry: still 503 for the warning, and the critical alert is a duplicate, not sent again.
  expect((await bridge.post('/webhook/alertmanager', mixed)).status).toBe(503);
  expect(await bridge.runtime.store.queue.depth(HOOK_IDS.critical!)).toBe(0);
  expect(critical(bridge).length).toBe(1);
});
