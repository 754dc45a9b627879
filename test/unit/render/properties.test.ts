import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/model/alert.js';
import type { Notification } from '../../../src/model/notification.js';
import { packNotifications } from '../../../src/render/compact.js';
import { DiscordEmbedBuilder } from '../../../src/render/embed-builder.js';
import { codeBlock } from '../../../src/render/escape.js';
import { codePointLength, truncate } from '../../../src/render/limits.js';
import { mergeMentions } from '../../../src/render/mentions.js';
import { renderNotification } from '../../../src/render/notification.js';
import type { MentionOptions, RenderOptions } from '../../../src/render/render-options.js';
import { expectSafeMessage } from './helpers.js';

/** 300 runs in the normal test run; `FC_RUNS=10000 npx vitest run test/unit/render/properties.test.ts` for a deep run. */
const RUNS = Number(process.env['FC_RUNS'] ?? 300);
const params = { numRuns: RUNS };
const timeout = Math.max(60_000, RUNS * 200);

const NASTY = [
  '', ' ', '\n', '@everyone', '@here', '<@&123>', '<@456>', '<@!789>', '```', '````', '`', '__proto__', 'constructor',
  '*', '_', '~~', '||', '> ', '# ', '[x](javascript:alert(1))', ')', '\\', '🔥', '👩‍👩‍👧‍👦', '\uD800', '\uDC00', '\u0000', 'discord', 'Clyde',
];

const piece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('x', '😀', '`', '@everyone '), fc.integer({ min: 100, max: 6000 })).map(([s, n]) => s.repeat(n)) },
);
const text = fc.array(piece, { maxLength: 4 }).map((parts) => parts.join(''));
const url = fc.oneof(fc.webUrl(), text, fc.constant('javascript:alert(1)'), fc.constant(`https://x.example/${'a'.repeat(3000)}`));
const time = fc.oneof(
  fc.date({ min: new Date(0), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('0001-01-01T00:00:00Z', 'not a date', '+275760-09-13T00:00:00.000Z'),
);
const record = fc.array(fc.tuple(fc.oneof(fc.constantFrom('__proto__', 'alertname', 'severity', 'instance'), text), text), { maxLength: 12 })
  .map((pairs) => Object.fromEntries(pairs) as Record<string, string>);
const snowflake = fc.oneof(fc.bigInt({ min: 1n, max: 10n ** 19n }).map(String), text);

function alertArb(maxFields: number): fc.Arbitrary<Alert> {
  return fc.record({
  source: fc.constantFrom('alertmanager', 'grafana', 'generic', 'otlp', 'library'),
  status: fc.constantFrom('firing', 'resolved'),
  severity: fc.constantFrom('critical', 'error', 'warning', 'info'),
  title: text, message: text, labels: record, annotations: fc.constant({}),
  links: fc.array(fc.record({ title: text, url }), { maxLength: Math.min(8, maxFields) }),
  fields: fc.array(fc.record({ name: text, value: text, inline: fc.option(fc.boolean(), { nil: undefined }) }, { requiredKeys: ['name', 'value'] }), { maxLength: maxFields }),
  fingerprint: fc.string(), startsAt: time, endsAt: time, isTest: fc.boolean(), stateNote: text,
  presentation: fc.record({
    color: fc.integer({ min: -5, max: 0x1000005 }), url, imageUrl: url, thumbnailUrl: url, footer: text,
    author: fc.record({ name: text, url, iconUrl: url }, { requiredKeys: ['name'] }),
    template: record,
  }, { requiredKeys: [] }),
}, { requiredKeys: ['source', 'status', 'severity', 'title', 'message', 'labels', 'annotations', 'links', 'fields', 'fingerprint'] });
}

function notificationArb(maxAlerts: number, maxFields = 30): fc.Arbitrary<Notification> {
  return fc.record({
    id: fc.uuid(), alertType: fc.constantFrom('general', 'error', 'critical', 'tracklist', 'monitoring', 'security', 'custom'),
    alerts: fc.array(alertArb(maxFields), { maxLength: maxAlerts }), truncatedAlerts: fc.nat(1000), reroutedFrom: fc.option(text, { nil: undefined }),
    receivedAt: fc.integer({ min: -10, max: 4_102_444_800_000 }),
  }).map(({ reroutedFrom, ...n }) => ({
    ...n, source: 'alertmanager' as const, dedupeKey: 'k', attempts: 0,
    status: n.alerts.some((a) => a.status === 'firing') ? ('firing' as const) : ('resolved' as const),
    ...(reroutedFrom === undefined ? {} : { reroutedFrom }),
  }));
}

const mentionsArb: fc.Arbitrary<MentionOptions | undefined> = fc.option(fc.record({
  here: fc.boolean(), everyone: fc.boolean(), roles: fc.oneof(fc.array(snowflake, { maxLength: 5 }), fc.array(fc.bigInt({ min: 1n, max: 10n ** 19n }).map(String), { minLength: 90, maxLength: 120 })), users: fc.array(snowflake, { maxLength: 5 }),
}, { requiredKeys: [] }), { nil: undefined });

const optionsArb: fc.Arbitrary<RenderOptions> = fc.record({
  alertType: text, color: fc.integer({ min: -1, max: 0x1000000 }), username: text, avatarUrl: url, threadName: text, mentions: mentionsArb,
}, { requiredKeys: ['alertType', 'color'] }).map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as unknown as RenderOptions);

describe('render properties', () => {
  it('renderNotification: every message valid, every alert in order, pings only as configured', { timeout }, () => {
    fc.assert(fc.property(notificationArb(25), optionsArb, (n, opts) => {
      const msgs = renderNotification(n, opts);
      msgs.forEach((m, i) => expectSafeMessage(m, i === 0 && n.status === 'firing' ? opts.mentions : undefined));
      expect(msgs.flatMap((m) => m.embeds)).toHaveLength(Math.max(1, n.alerts.length));
      if (n.status === 'resolved' || !opts.mentions) for (const m of msgs) expect(m.allowed_mentions).toEqual({ parse: [] });
    }), params);
  });

  it('packNotifications: every message valid, every alert visible once, mentions only from firing ones', { timeout }, () => {
    const batch = fc.array(fc.tuple(notificationArb(6, 2), optionsArb), { maxLength: 8 });
    fc.assert(fc.property(batch, (pairs) => {
      const ns = pairs.map(([n], i) => ({ ...n, id: `n${i}` }));
      const optsOf = new Map(ns.map((n, i) => [n.id, pairs[i]![1]]));
      const packed = packNotifications(ns, (n) => optsOf.get(n.id)!);
      const firingMentions = mergeMentions(ns.filter((n) => n.status === 'firing').map((n) => optsOf.get(n.id)!.mentions));
      for (const p of packed) expectSafeMessage(p.message, firingMentions);
      const fields = packed.flatMap((p) => p.message.embeds.flatMap((e) => e.fields ?? []));
      expect(fields).toHaveLength(ns.reduce((sum, n) => sum + n.alerts.length, 0));
      expect([...new Set(packed.flatMap((p) => p.notificationIds))]).toEqual(ns.map((n) => n.id));
    }), params);
  });

  it('templates and the fluent builder: always valid, never ping unasked', { timeout }, () => {
    fc.assert(fc.property(text, text, record, text, fc.array(fc.record({ title: text, artist: text, time: text }), { maxLength: 60 }), (a, b, details, tb, tracks) => {
      expectSafeMessage(DiscordEmbedBuilder.buildErrorEmbed({ errorMessage: a, errorDetails: details, traceback: tb, title: b }));
      expectSafeMessage(DiscordEmbedBuilder.buildCriticalEmbed({ title: a, message: b, impact: tb, actionRequired: a }), { here: true });
      expectSafeMessage(DiscordEmbedBuilder.buildTracklistEmbed({ title: a, tracks }));
      expectSafeMessage(DiscordEmbedBuilder.buildMonitoringEmbed({ metricName: a, currentValue: b, threshold: tb, status: a, unit: b }));
      expectSafeMessage(DiscordEmbedBuilder.buildSecurityEmbed({ event: a, severity: b, source: tb, details }));
      expectSafeMessage(DiscordEmbedBuilder.buildGeneralEmbed({ title: a, message: b, username: tb, footer: a }));
      const builder = DiscordEmbedBuilder.create().title(a).description(b).footer(tb).author(a, b).url(tb).image(a).thumbnail(b);
      for (const [k, v] of Object.entries(details)) builder.field(k, v);
      expectSafeMessage(builder.toMessage({ username: a }));
    }), params);
  });

  it('codeBlock: never closable by its text, always within its limit', () => {
    fc.assert(fc.property(text, fc.integer({ min: 0, max: 5000 }), fc.boolean(), (t, max, tail) => {
      const block = codeBlock(t, { max, keep: tail ? 'tail' : 'head' });
      expect(codePointLength(block)).toBeLessThanOrEqual(max);
      if (block !== '') expect(block.slice(4, -4)).not.toContain('``');
    }), params);
  });

  it('truncate: within max, never creates a lone surrogate', () => {
    const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 0, max: 300 }), (s, max) => {
      const cut = truncate(s, max);
      expect(codePointLength(cut)).toBeLessThanOrEqual(max);
      expect(lone.test(cut)).toBe(false);
      if (codePointLength(s) > max && max > 0) expect(cut.endsWith('…')).toBe(true);
    }), params);
  });
});
