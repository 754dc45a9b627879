import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../src/config/load.js';
import { planMessages, planMessagesAsync } from '../../../src/delivery/plan.js';
import type { Notification } from '../../../src/model/notification.js';
import { COMPACT_LEVELS, PACK_STEP_ALERTS } from '../../../src/render/compact.js';
import type { QueuedItem } from '../../../src/store/types.js';
import { workerHarness, workerNotification } from '../../helpers/worker-harness.js';

// Two types through one webhook, each into a forum thread of its own: their notifications never share a
// message, so a batch of both is packed per thread.
const HOOK = 'https://discord.com/api/webhooks/1/token';
const { config } = loadConfigOrThrow({
  env: { DISCORD_WEBHOOK_GENERAL: HOOK, DISCORD_WEBHOOK_ERROR: HOOK },
  yaml: 'alert_types:\n  general:\n    thread_id: "111"\n  error:\n    thread_id: "222"\n',
});

interface Group { type: 'general' | 'error' | 'critical'; alerts: number; resolved: boolean }

function batch(groups: readonly Group[]): QueuedItem[] {
  return groups.map((g, i) => {
    const n: Notification = { ...workerNotification(`g${i}`, g.alerts), alertType: g.type };
    if (g.resolved) {
      n.status = 'resolved';
      n.alerts = n.alerts.map((a) => ({ ...a, status: 'resolved' as const }));
    }
    return { entryId: String(i), notification: n, enqueuedAt: 0 };
  });
}

const noPause = async (): Promise<void> => undefined;
const now = () => 1_800_000_000_000;

/** How many turns of the event loop (setImmediate callbacks) run until `work` settles. */
async function turnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let done = false;
  const tick = (): void => {
    if (done) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  await work();
  done = true;
  return turns;
}

describe('planMessagesAsync: the plans of planMessages, the event loop let in between', () => {
  it('plans every batch exactly as planMessages does (fast-check)', { timeout: 60_000 }, async () => {
    const group = fc.record({ type: fc.constantFrom('general' as const, 'error' as const, 'critical' as const), alerts: fc.integer({ min: 1, max: 40 }), resolved: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(group, { minLength: 1, maxLength: 12 }), fc.constantFrom(0, 1, 3, 1000), fc.constantFrom(undefined, '1'), async (groups, free, webhookId) => {
        const items = batch(groups);
        expect(await planMessagesAsync(config, items, free, now, webhookId, noPause)).toStrictEqual(planMessages(config, items, free, now, webhookId));
      }),
      { numRuns: 40 },
    );
  });

  it('pauses after each packing level of each thread, and never for a batch that goes out in full', async () => {
    let pauses = 0;
    const counting = async (): Promise<void> => void pauses++;
    const storm = batch([...Array(5)].map((_, i) => ({ type: i % 2 ? 'error' : 'general', alerts: 8, resolved: false })));
    await planMessagesAsync(config, storm, 0, now, '1', counting);
    expect(pauses).toBe(2 * COMPACT_LEVELS.length); // two threads
    pauses = 0;
    await planMessagesAsync(config, batch([{ type: 'general', alerts: 1, resolved: false }]), 0, now, '1', counting);
    expect(pauses).toBe(0);
  });

  // One group of 5,000 alerts held the event loop ~200 ms per packing level in one piece.
  it('pauses within a level too, every PACK_STEP_ALERTS alerts, even inside one big group, and plans the same', async () => {
    let pauses = 0;
    const counting = async (): Promise<void> => void pauses++;
    const alerts = 4 * PACK_STEP_ALERTS;
    const big = batch([{ type: 'general', alerts, resolved: false }]);
    const plans = await planMessagesAsync(config, big, 0, now, '1', counting);
    expect(plans).toStrictEqual(planMessages(config, big, 0, now, '1'));
    // A pause per PACK_STEP_ALERTS alerts compacted, and one after each level.
    expect(pauses).toBe(COMPACT_LEVELS.length * (alerts / PACK_STEP_ALERTS + 1));
  });

  it('lets other work run while a storm batch is planned (by default, a turn of the event loop per pause)', async () => {
    const storm = batch([...Array(40)].map(() => ({ type: 'general', alerts: 20, resolved: false })));
    const turns = await turnsDuring(() => planMessagesAsync(config, storm, 0, now, '1'));
    expect(turns).toBeGreaterThanOrEqual(COMPACT_LEVELS.length - 1);
    // The synchronous planner lets nothing run: what the count above tells apart.
    expect(await turnsDuring(async () => planMessages(config, storm, 0, now, '1'))).toBe(0);
  });
});

describe('worker: planning a storm batch', () => {
  it('lets the event loop run meanwhile (everything else in the harness settles without a turn)', async () => {
    const h = workerHarness();
    for (let i = 0; i < 40; i++) await h.store.queue.enqueue(h.queueKey, workerNotification(`s${i}`, 20));
    const items = await h.store.queue.read(h.queueKey, 100, 0);
    const turns = await turnsDuring(() => h.worker.deliver(items, new AbortController().signal));
    expect(turns).toBeGreaterThanOrEqual(COMPACT_LEVELS.length - 1);
    expect(h.posts.length).toBeGreaterThan(0);
    expect(await h.store.queue.depth(h.queueKey)).toBe(0);
  });
});
