import fc from 'fast-check';
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { createIntake } from '../../src/delivery/intake.js';
import { planMessages, planMessagesAsync } from '../../src/delivery/plan.js';
import type { Notification } from '../../src/model/notification.js';
import { parseAlertmanager } from '../../src/sources/alertmanager/parse.js';
import { parseGeneric } from '../../src/sources/generic/parse.js';
import { parseGrafana } from '../../src/sources/grafana/parse.js';
import { parseOtlpLogs } from '../../src/sources/otlp/parse.js';
import type { ParseResult } from '../../src/sources/types.js';
import type { NotificationQueue, QueuedItem } from '../../src/store/types.js';
import { expectSafeMessage } from '../unit/render/helpers.js';
import { alertmanagerPayload, genericPayload, grafanaPayload, otlpPayload, text } from './hostile-arbitraries.js';

/** 200 runs per source in the normal run; `npm run test:property` runs 10,000. */
const RUNS = Number(process.env.FC_RUNS ?? 200);
const timeout = Math.max(60_000, RUNS * 100);

const HOOKS: Record<string, string> = {
  DISCORD_WEBHOOK_GENERAL: '101', DISCORD_WEBHOOK_ERRORS: '102', DISCORD_WEBHOOK_CRITICAL: '103',
  DISCORD_WEBHOOK_TRACKLIST: '104', DISCORD_WEBHOOK_MONITORING: '105', DISCORD_WEBHOOK_SECURITY: '106',
};
const env = Object.fromEntries(Object.entries(HOOKS).map(([name, id]) => [name, `https://discord.com/api/webhooks/${id}/tok-${id}`]));
const config: Config = loadConfigOrThrow({ env }).config;
const WEBHOOK_IDS = new Set(Object.values(HOOKS));
const silent = pino({ level: 'silent' });

/** A queue that only records what intake puts in it, by queue key (a webhook id). */
function recordingQueue(into: Map<string, QueuedItem[]>): NotificationQueue {
  return {
    async enqueue(key, n) {
      const items = into.get(key) ?? [];
      items.push({ entryId: String(items.length), notification: structuredClone(n), enqueuedAt: 0 });
      into.set(key, items);
      return 'queued';
    },
    dropClaims: async () => undefined,
    read: async () => [],
    ack: async () => undefined,
    release: async () => undefined,
    depth: async () => 0,
    oldestEnqueuedAt: async () => undefined,
    queueKeys: async () => [...into.keys()],
    forget: async () => false,
  };
}

/** The mentions a message may carry with the default config: critical's @here, only when firing. */
function allowedMentions(ns: readonly Notification[]): { here: boolean } | undefined {
  return ns.some((n) => n.alertType === 'critical' && n.status === 'firing') ? { here: true } : undefined;
}

/**
 * Body → parse → route → intake → plan (full and packed) → every Discord body checked like the strict
 * fake checks it, with `allowed_mentions` explicit and no ping but critical's configured @here.
 */
async function throughThePipeline(body: unknown, parse: (b: unknown) => ParseResult): Promise<void> {
  const wire = JSON.parse(JSON.stringify(body)) as unknown; // what the HTTP route parses: own "__proto__" keys and all
  const parsed = parse(wire);
  if (!parsed.ok) {
    expect(parsed.issues.length).toBeGreaterThan(0);
    return;
  }
  const queues = new Map<string, QueuedItem[]>();
  const intake = createIntake({ config: () => config, queue: recordingQueue(queues), logger: silent, now: () => Date.UTC(2024, 4, 1) });
  const result = await intake.accept(parsed.groups);
  expect(result.ok).toBe(true);
  for (const [key, items] of queues) {
    expect(WEBHOOK_IDS.has(key), `queue ${key} is not a configured webhook`).toBe(true);
    const byId = new Map(items.map((i) => [i.notification.id, i.notification]));
    for (const freeSlots of [1000, 0]) {
      const now = () => Date.UTC(2024, 4, 1, 0, 5);
      const plans = planMessages(config, items, freeSlots, now);
      // The worker's planner (the event loop let in between packing levels) plans the same messages.
      expect(await planMessagesAsync(config, items, freeSlots, now, undefined, async () => undefined)).toStrictEqual(plans);
      for (const planned of plans) {
        const ns = planned.notificationIds.map((id) => byId.get(id)!);
        expect(planned.message.allowed_mentions).toBeDefined();
        expectSafeMessage(planned.message, allowedMentions(ns));
      }
      // Packed, every alert of every notification is one field of some message, with its status.
      if (plans.some((p) => p.alertsShown !== undefined)) {
        const fields = plans.flatMap((p) => p.message.embeds.flatMap((e) => e.fields ?? []));
        const alerts = items.flatMap((i) => i.notification.alerts);
        expect(fields.map((f) => [...f.name][0])).toEqual(alerts.map((a) => (a.status === 'firing' ? '🔥' : '✅')));
      }
    }
  }
}

const PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();

function expectNoPollution(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTO_NAMES);
  expect(Object.prototype.toString.call({})).toBe('[object Object]');
}

describe('hostile input through every source (fast-check)', () => {
  beforeAll(() => expectNoPollution());
  afterEach(() => expectNoPollution());

  const cases: [string, fc.Arbitrary<unknown>, (b: unknown) => ParseResult][] = [
    ['alertmanager', alertmanagerPayload, parseAlertmanager],
    ['grafana', grafanaPayload, parseGrafana],
    ['generic', genericPayload, (b) => parseGeneric(b)],
    ['generic/:type', fc.tuple(genericPayload, text), (b) => parseGeneric((b as [unknown, string])[0], { type: (b as [unknown, string])[1] })],
    ['otlp (JSON)', otlpPayload, (b) => parseOtlpLogs(b, { minSeverity: 'info' })],
  ];

  for (const [name, arbitrary, parse] of cases) {
    it(`${name}: valid Discord bodies, explicit allowed_mentions, no unasked ping, no crash, no pollution`, { timeout }, async () => {
      await fc.assert(
        fc.asyncProperty(arbitrary, async (body) => {
          await throughThePipeline(body, parse);
          expectNoPollution();
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('a good share of the generated payloads parse (the properties are not vacuous)', async () => {
    for (const [name, arbitrary, parse] of cases) {
      const samples = fc.sample(arbitrary, { numRuns: 60, seed: 42 });
      const ok = samples.filter((s) => parse(JSON.parse(JSON.stringify(s)) as unknown).ok).length;
      expect(ok, name).toBeGreaterThanOrEqual(15);
    }
  });

  it('a payload built to pollute leaves every prototype alone', async () => {
    const poisoned = '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"title":"x",'
      + '"labels":{"__proto__":{"polluted":"yes"},"constructor":"c"},"fields":[{"name":"__proto__","value":"v"}]}';
    await throughThePipeline(JSON.parse(poisoned), (b) => parseGeneric(b));
    const am = `{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"__proto__":{"polluted":1},"alertname":"A"},"annotations":{"constructor":{"prototype":{"polluted":1}}},"startsAt":"2024-05-01T00:00:00Z"}],"commonLabels":{"__proto__":{"polluted":1}}}`;
    await throughThePipeline(JSON.parse(am), parseAlertmanager);
    expectNoPollution();
  });
});
