import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/model/alert.js';
import type { Notification } from '../../src/model/notification.js';
import { packNotifications } from '../../src/render/compact.js';
import { buildPing } from '../../src/render/mentions.js';
import type { MentionOptions, RenderOptions } from '../../src/render/render-options.js';
import { expectSafeMessage, makeAlert, makeNotification, makeOptions } from '../unit/render/helpers.js';
import { text } from './hostile-arbitraries.js';

/** 100 runs in the normal run; `npm run test:property` runs 10,000. */
const RUNS = Number(process.env.FC_RUNS ?? 100);
const timeout = Math.max(60_000, RUNS * 200);

const snowflake = fc.stringMatching(/^[1-9][0-9]{17}$/);
const mentions: fc.Arbitrary<MentionOptions | undefined> = fc.option(
  fc.record({ here: fc.boolean(), everyone: fc.boolean(), roles: fc.array(snowflake, { maxLength: 3 }), users: fc.array(snowflake, { maxLength: 3 }) }),
  { nil: undefined },
);

const alert: fc.Arbitrary<Alert> = fc
  .record({
    status: fc.constantFrom('firing', 'resolved'),
    severity: fc.constantFrom('critical', 'error', 'warning', 'info'),
    title: text, message: text,
    labels: fc.dictionary(fc.oneof(fc.constantFrom('alertname', 'instance', 'job', 'pod', 'severity'), text), text, { maxKeys: 6 }),
    stateNote: fc.option(fc.constantFrom('no data', 'error'), { nil: undefined }),
    isTest: fc.option(fc.boolean(), { nil: undefined }),
  })
  .map((a) => makeAlert(a as Partial<Alert>));

interface Case { n: Notification; opts: RenderOptions }
const notification: fc.Arbitrary<Omit<Case, 'n'> & { n: Omit<Notification, 'id'> }> = fc
  .record({
    alerts: fc.oneof({ weight: 6, arbitrary: fc.array(alert, { maxLength: 6 }) }, { weight: 1, arbitrary: fc.array(alert, { minLength: 20, maxLength: 80 }) }),
    truncatedAlerts: fc.oneof(fc.constant(0), fc.nat(50)),
    reroutedFrom: fc.option(text, { nil: undefined }),
    mentions, username: fc.option(fc.constantFrom('ops-bot', 'sec-bot'), { nil: undefined }),
  })
  .map(({ alerts, truncatedAlerts, reroutedFrom, mentions: m, username }) => ({
    n: makeNotification(alerts, { truncatedAlerts, ...(reroutedFrom === undefined ? {} : { reroutedFrom }) }),
    opts: makeOptions({ mentions: m, username }),
  }));

const STATUS_EMOJI = { firing: '🔥', resolved: '✅' } as const;

describe('packing a batch (fast-check)', () => {
  it('every alert is one field, in order, with its own status; pings only for firing starters, none lost', { timeout }, () => {
    fc.assert(
      fc.property(fc.array(notification, { minLength: 1, maxLength: 30 }), (drawn) => {
        const cases: Case[] = drawn.map(({ n, opts }, i) => ({ n: { ...n, id: `n-${i}` }, opts }));
        const optsOf = new Map(cases.map((c) => [c.n.id, c.opts]));
        const byId = new Map(cases.map((c) => [c.n.id, c.n]));
        const packed = packNotifications(cases.map((c) => c.n), (n) => optsOf.get(n.id)!);
        // Messages in order: each notification's alerts, in order, one field each (an empty one: none).
        const fields = packed.flatMap((p) => p.message.embeds.flatMap((e) => e.fields ?? []));
        const alerts = cases.flatMap((c) => c.n.alerts);
        expect(fields).toHaveLength(alerts.length);
        alerts.forEach((a, k) => {
          expect(fields[k]!.name.startsWith(`${STATUS_EMOJI[a.status]} `), fields[k]!.name).toBe(true);
          // "(no data)", "(error)": the condition is unknown, not met; it must show however long the title.
          if (a.stateNote) expect(fields[k]!.name).toContain(`(${a.stateNote})`);
        });
        const order = packed.flatMap((p) => p.notificationIds).filter((id, i, all) => all.indexOf(id) === i);
        expect(order).toEqual(cases.map((c) => c.n.id));
        const shown = new Map<string, number>();
        for (const p of packed) for (const [id, k] of p.alertsShown) shown.set(id, (shown.get(id) ?? 0) + k);
        for (const c of cases) expect(shown.get(c.n.id) ?? 0).toBe(c.n.alerts.length);
        const started = new Set<string>();
        for (const p of packed) {
          const starters = p.notificationIds.filter((id) => !started.has(id));
          for (const id of starters) started.add(id);
          const firing = starters.map((id) => byId.get(id)!).filter((n) => n.status === 'firing');
          const wanted = firing.map((n) => optsOf.get(n.id)!.mentions);
          const union: MentionOptions = {
            here: wanted.some((m) => m?.here), everyone: wanted.some((m) => m?.everyone),
            roles: wanted.flatMap((m) => m?.roles ?? []), users: wanted.flatMap((m) => m?.users ?? []),
          };
          expectSafeMessage(p.message, union);
          // Every firing starter's pings are in the content, as it would ping alone.
          for (const m of wanted) {
            const solo = buildPing(m).content;
            for (const token of solo === '' ? [] : solo.split(' ')) expect(p.message.content ?? '').toContain(token);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });
});
