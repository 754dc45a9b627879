import fc from 'fast-check';

/**
 * Hostile payloads for every source: shapes close enough to the real wire formats that most parse, with
 * text that tries every trick (mentions, Markdown, code fences, unicode edge cases, prototype keys, huge
 * strings) and objects nested a few levels deep.
 */

/** Text that has broken chat renderers before, or tries to ping. */
export const NASTY = [
  '', ' ', '\n', '\r\n', '\t', '@everyone', '@here', '<@&123456789012345678>', '<@123456789012345678>', '<@!123456789012345678>',
  '<#123456789012345678>', '@\u200beveryone', '＠everyone', '```', '````js\n', '`', '~~~', '**', '__', '*', '_', '~~', '||', '> ', '# ', '-# ',
  '[x](https://evil.example/)', '[x](javascript:alert(1))', '](', '\\', '\\`', '__proto__', 'constructor', 'prototype', 'toString',
  '\uD800', '\uDC00', '\uDBFF\uDFFF', '\u0000', '\u202E', '\u2066', '\u200F', 'שלום', 'مرحبا', '👩‍👩‍👧‍👦', '🏳️‍🌈', '🔥', 'e\u0301', '\uFEFF',
  'discord', 'Clyde', 'critical', 'error', 'firing', 'resolved', 'http://127.0.0.1:1/', 'https://discord.com/api/webhooks/1/x',
];

/** Strings: mostly short and nasty, sometimes random unicode, sometimes huge. */
export const text: fc.Arbitrary<string> = fc.oneof(
  { weight: 14, arbitrary: fc.array(fc.constantFrom(...NASTY), { maxLength: 4 }).map((p) => p.join('')) },
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('x', '😀', '`', '@everyone ', '<@&1> ', '\uD800', '**', '\u202E'), fc.integer({ min: 500, max: 8_000 }))
      .map(([s, n]) => s.repeat(n)),
  },
);

const key: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'alertname', 'severity', 'instance', 'alert_type', 'category', 'service.name') },
  { weight: 2, arbitrary: text.filter((s) => s.length < 200) },
);

/** A poisoned object: what a `__proto__` / `constructor.prototype` merge would copy onto Object.prototype. */
const poison = fc.constantFrom<unknown>({ polluted: 'yes' }, { prototype: { polluted: 'yes' } }, { toString: 'x', polluted: 1 });

/**
 * A record of string values with hostile keys (labels, annotations); now and then one value is a poisoned
 * object instead (which a schema must refuse, without touching any prototype).
 */
export const labels: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(fc.array(fc.tuple(key, text), { maxLength: 8 }), fc.oneof({ weight: 40, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.tuple(key, poison) }))
  .map(([pairs, bad]) => Object.fromEntries(bad ? [...pairs, bad] : pairs));

/** Any JSON value, a few levels deep, with hostile keys. */
export const deepJson: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.array(fc.tuple(key, tie('v')), { maxLength: 4 }).map((p) => Object.fromEntries(p)),
    poison,
  ),
})).v;

/** Extra top-level keys a sender might add, hoping they reach Discord or the prototype. */
const extras = fc
  .array(fc.tuple(fc.constantFrom('__proto__', 'constructor', 'mentions', 'allowed_mentions', 'content', 'tts', 'flags', 'embeds', 'webhook', 'webhook_url', 'username', 'avatar_url', 'thread_name', 'thread_id', 'url'), deepJson), { maxLength: 3 })
  .map((p) => Object.fromEntries(p));

const time = fc.oneof(
  fc.date({ min: new Date(0), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('0001-01-01T00:00:00Z', 'not a date', '+275760-09-13T00:00:00.000Z', ''),
);
const url = fc.oneof(fc.webUrl(), text, fc.constantFrom('http://127.0.0.1:9/steal', 'javascript:alert(1)', ''));
const severityLabel = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom('critical', 'error', 'warning', 'info', 'page', 'P1') },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', '@everyone', 'constructor') },
);
const status = fc.oneof({ weight: 30, arbitrary: fc.constantFrom('firing', 'resolved') }, { weight: 1, arbitrary: fc.constantFrom('FIRING', '@here', '') });

const alertLabels = fc.tuple(labels, text, severityLabel).map(([l, name, sev]) => ({ alertname: name, severity: sev, ...l }));
const coreAlert = fc.record({
  status, labels: alertLabels, annotations: labels, startsAt: time, endsAt: time, generatorURL: url,
  fingerprint: fc.oneof(fc.stringMatching(/^[0-9a-f]{16}$/), text),
});

/** Alertmanager webhook payloads (version 4). */
export const alertmanagerPayload = fc
  .tuple(
    fc.record({
      version: fc.constantFrom('4', '3', ''), groupKey: text, truncatedAlerts: fc.nat(1000), status, receiver: text,
      groupLabels: labels, commonLabels: labels, commonAnnotations: labels, externalURL: url,
      alerts: fc.array(coreAlert, { minLength: 1, maxLength: 12 }),
    }),
    extras,
  )
  .map(([p, e]) => ({ ...e, ...p }));

const grafanaAlert = fc
  .tuple(coreAlert, fc.record({ silenceURL: url, dashboardURL: url, panelURL: url, valueString: text, imageURL: url, values: fc.option(fc.dictionary(key, fc.option(fc.double(), { nil: null })), { nil: null }) }))
  .map(([a, g]) => ({ ...a, ...g }));

/** Grafana unified (version 1) and legacy payloads. */
export const grafanaPayload = fc.oneof(
  fc
    .tuple(
      fc.record({
        version: fc.constant('1'), orgId: fc.nat(), title: text, message: text, state: fc.constantFrom('alerting', 'ok', 'no_data', 'pending', 'paused', '@here'),
        status, groupKey: text, externalURL: url, truncatedAlerts: fc.nat(100), alerts: fc.array(grafanaAlert, { minLength: 1, maxLength: 10 }),
      }),
      extras,
    )
    .map(([p, e]) => ({ ...e, ...p })),
  fc.record({
    title: text, ruleId: fc.nat(), ruleName: text, ruleUrl: url, state: fc.constantFrom('alerting', 'ok', 'no_data', 'paused', 'pending'), message: text,
    imageUrl: url, tags: labels, evalMatches: fc.array(fc.record({ metric: text, value: fc.option(fc.double(), { nil: null }), tags: fc.option(labels, { nil: null }) }), { maxLength: 10 }),
  }),
);

const genericObject = fc
  .tuple(
    fc.record(
      {
        alert_type: text, type: fc.oneof(text, fc.constantFrom('critical', 'error', 'security', 'general')), title: text, message: text, description: text,
        severity: severityLabel, status: fc.constantFrom('firing', 'resolved', ''), labels, url: fc.oneof(fc.webUrl(), fc.constant('http://127.0.0.1:9/steal')), dedupe_key: text,
        fields: fc.array(fc.record({ name: text, value: text, inline: fc.boolean() }), { maxLength: 26 }), footer: text,
        color: fc.oneof(fc.integer({ min: 0, max: 0xffffff }), fc.constant('#ff0000')), timestamp: fc.integer({ min: 0, max: 4_102_444_800 }),
        author: fc.record({ name: text, url: fc.webUrl() }), thumbnail: fc.record({ url: fc.webUrl() }), image: fc.webUrl(),
      },
      { requiredKeys: ['title'] },
    ),
    extras,
  )
  .map(([p, e]) => ({ ...e, ...p }));

/** Generic (script) payloads: one object or an array. */
export const genericPayload = fc.oneof(genericObject, fc.array(genericObject, { minLength: 1, maxLength: 10 }));

const anyValue = fc.oneof(
  text.map((s) => ({ stringValue: s })),
  fc.integer().map((n) => ({ intValue: String(n) })),
  fc.boolean().map((b) => ({ boolValue: b })),
  fc.array(fc.tuple(key, text), { maxLength: 4 }).map((kv) => ({ kvlistValue: { values: kv.map(([k, v]) => ({ key: k, value: { stringValue: v } })) } })),
  fc.array(text, { maxLength: 4 }).map((a) => ({ arrayValue: { values: a.map((s) => ({ stringValue: s })) } })),
);
const attributes = fc.array(fc.record({ key, value: anyValue }), { maxLength: 6 });

/** OTLP/HTTP JSON logs requests. */
export const otlpPayload = fc.record({
  resourceLogs: fc.array(
    fc.record({
      resource: fc.record({ attributes: fc.tuple(text, attributes).map(([svc, a]) => [{ key: 'service.name', value: { stringValue: svc } }, ...a]) }),
      scopeLogs: fc.array(
        fc.record({
          scope: fc.record({ name: text }),
          logRecords: fc.array(
            fc.record({
              timeUnixNano: fc.bigInt({ min: 0n, max: 4_102_444_800_000_000_000n }).map(String), severityNumber: fc.integer({ min: 0, max: 24 }),
              severityText: fc.oneof(text, fc.constantFrom('FATAL', 'ERROR', 'WARN')), body: anyValue, attributes, eventName: text,
              traceId: fc.oneof(fc.stringMatching(/^[0-9a-f]{32}$/), text), spanId: fc.oneof(fc.stringMatching(/^[0-9a-f]{16}$/), text),
            }, { requiredKeys: ['severityNumber', 'body'] }),
            { maxLength: 6 },
          ),
        }),
        { maxLength: 3 },
      ),
    }),
    { maxLength: 3 },
  ),
});
