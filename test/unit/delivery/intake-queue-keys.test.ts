import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../src/config/load.js';
import { createIntake } from '../../../src/delivery/intake.js';
import type { AlertGroup } from '../../../src/model/alert.js';
import { MemoryQueue } from '../../../src/store/memory/queue.js';
import type { EnqueueStatus } from '../../../src/store/types.js';

/**
 * The library's send() waits on each queued notification's queue (the hold of a webhook Discord does not
 * answer) through `queueKeys`, read at the notification's index: a message fanned out to several types
 * (`continue: true`) of which some were duplicates must still pair each id with its own queue.
 */
const config = loadConfigOrThrow({
  env: {
    DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/general-token',
    DISCORD_WEBHOOK_CRITICAL: 'https://discord.com/api/webhooks/2/critical-token',
    DISCORD_WEBHOOK_MONITORING: 'https://discord.com/api/webhooks/3/monitoring-token',
  },
  yaml: "routes:\n  - type: critical\n    continue: true\n  - type: monitoring\n    continue: true\n  - type: general\n",
}).config;

const scriptAlert = (title: string): AlertGroup =>
  ({ source: 'generic', truncatedAlerts: 0, alerts: [{ source: 'generic', status: 'firing', severity: 'error', title, message: 'm', labels: {}, annotations: {}, links: [], fingerprint: title }] }) as unknown as AlertGroup;

describe('intake queueKeys', () => {
  it('gives each queued notification its own queue, at its index, whatever was a duplicate before it', async () => {
    const queue = new MemoryQueue({ maxPerQueue: 100 });
    const queuedTo = new Map<string, string>();
    const intake = createIntake({ config: () => config, queue, logger: pino({ level: 'silent' }), onQueued: (n, key) => queuedTo.set(n.id, key) });
    // The same alert once alone: its copy for critical is claimed, so the fan-out below finds it a duplicate.
    const alone = createIntake({ config: () => ({ ...config, routes: config.routes.slice(0, 1) }), queue, logger: pino({ level: 'silent' }) });
    expect((await alone.accept([scriptAlert('a')])).ok).toBe(true);
    const result = await intake.accept([scriptAlert('a'), scriptAlert('b')]);
    if (!result.ok) throw new Error(result.message);
    expect(result.duplicates).toBe(1);
    expect(result.notifications).toHaveLength(5);
    expect(result.queueKeys).toEqual(result.notifications.map((id) => queuedTo.get(id)));
    expect(new Set(result.queueKeys)).toEqual(new Set(['1', '2', '3']));
  });

  it('still queues the rest of a fan-out when a queue in its middle is full, and answers queue_full with no group done', async () => {
    const queue = new MemoryQueue({ maxPerQueue: 100 });
    const enqueue = queue.enqueue.bind(queue);
    queue.enqueue = (key, n, dedupe, form): Promise<EnqueueStatus> => (n.alertType === 'monitoring' ? Promise.resolve('full') : enqueue(key, n, dedupe, form));
    const queuedTo = new Map<string, string>();
    const intake = createIntake({ config: () => config, queue, logger: pino({ level: 'silent' }), onQueued: (n, key) => queuedTo.set(n.id, key) });
    const result = await intake.accept([scriptAlert('c')]);
    expect(result).toMatchObject({ ok: false, reason: 'queue_full', done: [] });
    expect([...queuedTo.values()]).toEqual(['2', '1']);
  });
});
