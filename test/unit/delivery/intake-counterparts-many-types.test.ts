import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../src/config/load.js';
import { createIntake } from '../../../src/delivery/intake.js';
import type { AlertGroup } from '../../../src/model/alert.js';
import { createMemoryStore } from '../../../src/store/memory/index.js';

/**
 * A big installation: 60 teams, each an alert type with its own webhook, routed by a `team` label (and a
 * fan-out to an audit type). A script's firing or resolve may only drop claims where the other state of
 * the same alert is routed, not in the queue of every one of the 60 webhooks.
 */
const TEAMS = Array.from({ length: 60 }, (_, i) => `team${i}`);
const YAML = [
  'alert_types:',
  ...TEAMS.flatMap((t, i) => [`  ${t}:`, `    webhook: https://discord.com/api/webhooks/${100 + i}/${t}-token`]),
  '  audit:',
  '    webhook: https://discord.com/api/webhooks/99/audit-token',
  'routes:',
  `  - match: ['service="billing"']`,
  '    type: audit',
  '    continue: true',
  `  - match: ['severity="critical"', 'team="team7"']`,
  '    type: critical',
  ...TEAMS.flatMap((t) => [`  - match: ['team="${t}"']`, `    type: ${t}`]),
  '  - type: general',
].join('\n');

function harness() {
  const config = loadConfigOrThrow({ env: { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/general-token', DISCORD_WEBHOOK_CRITICAL: 'https://discord.com/api/webhooks/2/critical-token' }, yaml: YAML }).config;
  const store = createMemoryStore({ queueSize: 100, historyMaxEntries: 100, historyRetentionMs: 86_400_000 });
  const drops: { queueKey: string; keys: number }[] = [];
  const replaced: number[] = [];
  const dropClaims = store.queue.dropClaims.bind(store.queue);
  store.queue.dropClaims = (queueKey, keys) => {
    drops.push({ queueKey, keys: keys.length });
    return dropClaims(queueKey, keys);
  };
  const enqueue = store.queue.enqueue.bind(store.queue);
  store.queue.enqueue = (queueKey, n, dedupe) => {
    replaced.push(dedupe?.replaces?.length ?? 0);
    return enqueue(queueKey, n, dedupe);
  };
  const intake = createIntake({ config: () => config, queue: store.queue, logger: pino({ level: 'silent' }) });
  return { config, store, intake, drops, replaced };
}

function scriptAlert(labels: Record<string, string>, status: 'firing' | 'resolved', severity: 'critical' | 'info'): AlertGroup {
  return {
    source: 'generic',
    truncatedAlerts: 0,
    alerts: [{ source: 'generic', status, severity, title: 'Backup late', message: 'db-1', labels, annotations: {}, links: [], fingerprint: 'f' }],
  } as unknown as AlertGroup;
}

describe('intake with 60 alert types on 60 webhooks', () => {
  it('drops the other state\'s claims only in the queues that state is routed to, not in every webhook\'s', async () => {
    const h = harness();
    expect(h.config.alertTypes.size).toBeGreaterThan(60);
    const result = await h.intake.accept([scriptAlert({ team: 'team3' }, 'firing', 'critical')]);
    expect(result.ok && result.notifications).toHaveLength(1);
    // Every variant of team3's alert routes to team3, whose queue the enqueue itself cleans.
    expect(h.drops).toEqual([]);
    expect(h.replaced[0]).toBeLessThanOrEqual(8); // one key per other state and severity, not × 61 types
  });

  it('a fan-out (continue: true) and a severity-picked type are still cleaned, and nothing more', async () => {
    const h = harness();
    const firing = scriptAlert({ team: 'team7', service: 'billing' }, 'firing', 'critical');
    const resolve = scriptAlert({ team: 'team7', service: 'billing' }, 'resolved', 'info');
    const queued = async (g: AlertGroup) => {
      const r = await h.intake.accept([g]);
      return r.ok ? r.notifications.length : -1;
    };
    expect(await queued(firing)).toBe(2); // audit + critical
    expect(await queued(firing)).toBe(0); // a repeat
    h.drops.length = 0;
    expect(await queued(resolve)).toBe(2); // audit + team7
    // The critical firing's claim is on critical's queue (webhook 2): the resolve, routed to team7, drops it there.
    expect(new Set(h.drops.map((d) => d.queueKey))).toEqual(new Set(['99', '2', '107']));
    expect(await queued(firing)).toBe(2); // it fires again: news on both
  });
});
