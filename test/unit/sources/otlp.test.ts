import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/model/alert.js';
import type { Severity } from '../../../src/model/severity.js';
import { decodeOtlpLogsProtobuf, logsServiceProto } from '../../../src/sources/otlp/decode-protobuf.js';
import { parseOtlpLogs, type OtlpParseResult } from '../../../src/sources/otlp/parse.js';
import { keyLabels } from '../../../src/render/format.js';
import { renderNotification } from '../../../src/render/notification.js';

const SERVICE = [{ key: 'service.name', value: { stringValue: 'checkout' } }];

/** An ExportLogsServiceRequest in the JSON mapping with one resource and one scope. */
function request(records: unknown[], resourceAttributes: unknown[] = SERVICE): Record<string, unknown> {
  return { resourceLogs: [{ resource: { attributes: resourceAttributes }, scopeLogs: [{ scope: { name: 'app.logger' }, logRecords: records }] }] };
}

function ok(result: OtlpParseResult) {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.issues)}`);
  return result;
}

function alerts(result: OtlpParseResult): Alert[] {
  return ok(result).groups.flatMap((g) => g.alerts);
}

function only(result: OtlpParseResult): Alert {
  const list = alerts(result);
  expect(list).toHaveLength(1);
  return list[0]!;
}

const ALL: { minSeverity: Severity } = { minSeverity: 'info' };

describe('parseOtlpLogs: JSON mapping', () => {
  it('maps one record to one group with source otlp, title from eventName, message from the body', () => {
    const result = ok(
      parseOtlpLogs(
        request([
          { timeUnixNano: '1700000000123456789', severityNumber: 17, severityText: 'ERROR', eventName: 'payment.failed', body: { stringValue: 'card declined\nretrying' } },
          { severityNumber: 21, body: { stringValue: 'disk full' } },
        ]),
      ),
    );
    expect(result.groups).toHaveLength(2);
    expect(result.groups.map((g) => [g.source, g.alerts.length, g.truncatedAlerts])).toEqual([['otlp', 1, 0], ['otlp', 1, 0]]);
    const [first, second] = result.groups.map((g) => g.alerts[0]!);
    expect(first).toMatchObject({ source: 'otlp', status: 'firing', severity: 'error', title: 'payment.failed', message: 'card declined\nretrying', startsAt: '2023-11-14T22:13:20.123Z' });
    expect(first?.annotations).toEqual({ severity_text: 'ERROR', 'otel.scope.name': 'app.logger' });
    expect(second).toMatchObject({ severity: 'critical', title: 'disk full' });
    expect(result.rejected).toBe(0);
  });

  it('accepts 64-bit integers as numbers or decimal strings and falls back to observedTimeUnixNano', () => {
    const [a, b] = alerts(
      parseOtlpLogs(
        request([
          { timeUnixNano: 1_700_000_000_000_000_000, severityNumber: 13, body: { stringValue: 'a' } },
          { timeUnixNano: '0', observedTimeUnixNano: '1700000001000000000', severityNumber: 13, body: { intValue: '9007199254740993' } },
        ]),
      ),
    );
    expect(a?.startsAt).toBe('2023-11-14T22:13:20.000Z');
    expect(b?.startsAt).toBe('2023-11-14T22:13:21.000Z');
    expect(b?.message).toBe('9007199254740993');
  });

  it('ignores unknown fields and accepts an empty request', () => {
    const alert = only(parseOtlpLogs({ extra: 1, resourceLogs: [{ schemaUrl: 'x', resource: { attributes: SERVICE, droppedAttributesCount: 0 }, scopeLogs: [{ logRecords: [{ severityNumber: 17, body: { stringValue: 'x' }, flags: 1, future: { a: 1 } }] }] }] }));
    expect(alert.message).toBe('x');
    expect(ok(parseOtlpLogs({}))).toMatchObject({ groups: [], rejected: 0, dropped: 0 });
  });

  it('answers issues for a malformed envelope', () => {
    const result = parseOtlpLogs({ resourceLogs: 'nope' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => i.path)).toEqual(['resourceLogs']);
  });
});

describe('parseOtlpLogs: severity', () => {
  it.each([
    [1, 'info'], [4, 'info'], [9, 'info'], [12, 'info'],
    [13, 'warning'], [16, 'warning'], [17, 'error'], [20, 'error'], [21, 'critical'], [24, 'critical'],
  ] as const)('severityNumber %i → %s', (severityNumber, expected) => {
    expect(only(parseOtlpLogs(request([{ severityNumber, body: { stringValue: 'x' } }]), ALL)).severity).toBe(expected);
  });

  it.each([
    ['WARN', 'warning'], ['Warning', 'warning'], ['WARN2', 'warning'], ['ERROR', 'error'], ['fatal', 'critical'],
    ['INFO', 'info'], ['DEBUG', 'info'], ['TRACE', 'info'], [undefined, 'info'],
  ] as const)('severityText %s with severityNumber 0 or missing → %s', (severityText, expected) => {
    const records = [{ severityNumber: 0, severityText, body: { stringValue: 'x' } }, { severityText, body: { stringValue: 'y' } }];
    expect(alerts(parseOtlpLogs(request(records), ALL)).map((a) => a.severity)).toEqual([expected, expected]);
  });

  // Logging libraries' own level names, sent as text alone (a log shipper told only where the level is): the
  // logs data model's Appendix B maps java.util.logging SEVERE to ERROR, zap DPanic and Panic to ERROR2/ERROR3;
  // Go's slog writes levels between its four as "ERROR+2", "WARN+1"; glog, klog and Android write one letter
  // (I, W, E, F); pino and bunyan write numbers (30 info, 40 warn, 50 error, 60 fatal). None of them may be
  // dropped as info.
  it.each([
    ['SEVERE', 'error'], ['DPanic', 'error'], ['panic', 'error'], ['ERROR+2', 'error'], ['WARN+1', 'warning'], ['INFO+2', 'info'],
    ['W', 'warning'], ['E', 'error'], ['f', 'critical'], ['I', 'info'], ['40', 'warning'], ['50', 'error'], ['60', 'critical'], ['30', 'info'],
  ] as const)('severityText %s alone (a logging library\'s level name) → %s, and passes the default minimum when it is one', (severityText, expected) => {
    expect(only(parseOtlpLogs(request([{ severityText, body: { stringValue: 'x' } }]), ALL)).severity).toBe(expected);
    if (expected !== 'info') expect(alerts(parseOtlpLogs(request([{ severityText, body: { stringValue: 'x' } }])))).toHaveLength(1);
  });

  it('prefers severityNumber over severityText and accepts the enum name', () => {
    const list = alerts(parseOtlpLogs(request([{ severityNumber: 9, severityText: 'FATAL', body: { stringValue: 'a' } }, { severityNumber: 'SEVERITY_NUMBER_ERROR2', body: { stringValue: 'b' } }]), ALL));
    expect(list.map((a) => a.severity)).toEqual(['info', 'error']);
  });

  it('drops records below the minimum (warning by default) without rejecting them', () => {
    const records = [9, 12, 13, 17, 21].map((severityNumber) => ({ severityNumber, body: { stringValue: `n${severityNumber}` } }));
    const byDefault = ok(parseOtlpLogs(request(records)));
    expect(byDefault.groups.map((g) => g.alerts[0]?.message)).toEqual(['n13', 'n17', 'n21']);
    expect(byDefault).toMatchObject({ rejected: 0, dropped: 2 });
    const errorsOnly = ok(parseOtlpLogs(request(records), { minSeverity: 'error' }));
    expect(errorsOnly.groups.map((g) => g.alerts[0]?.severity)).toEqual(['error', 'critical']);
    expect(errorsOnly.dropped).toBe(3);
  });
});

describe('parseOtlpLogs: dropped before validation', () => {
  it('drops a record below the minimum on its declared severity alone, even when the rest is invalid', () => {
    const result = ok(parseOtlpLogs(request([{ severityNumber: 9, traceId: 'nope', body: { intValue: 'x' } }, { severityNumber: 'SEVERITY_NUMBER_INFO', traceId: 'nope' }])));
    expect(result).toMatchObject({ groups: [], dropped: 1, rejected: 1 });
  });
});

describe('parseOtlpLogs: labels, body, ids', () => {
  it('turns resource and record attributes into labels, stringified, with Prometheus aliases', () => {
    const resource = [...SERVICE, { key: 'deployment.environment', value: { stringValue: 'prod' } }, { key: 'host.name', value: { stringValue: 'web-1' } }, { key: 'region', value: { stringValue: 'eu' } }];
    const record = {
      severityNumber: 17,
      body: { stringValue: 'x' },
      attributes: [
        { key: 'region', value: { stringValue: 'us' } },
        { key: 'http.status_code', value: { intValue: '503' } },
        { key: 'retry', value: { boolValue: true } },
        { key: 'ratio', value: { doubleValue: 0.5 } },
        { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 2 }] } } },
        { key: 'user', value: { kvlistValue: { values: [{ key: 'id', value: { intValue: 7 } }] } } },
        { key: '__proto__', value: { stringValue: 'safe' } },
        { key: 'empty', value: {} },
      ],
    };
    const labels = only(parseOtlpLogs(request([record], resource))).labels;
    expect(labels).toEqual({
      'service.name': 'checkout', service_name: 'checkout',
      'deployment.environment': 'prod', deployment_environment: 'prod',
      'host.name': 'web-1', host_name: 'web-1',
      region: 'us',
      'http.status_code': '503', http_status_code: '503',
      retry: 'true', ratio: '0.5', tags: '["a",2]', user: '{"id":7}',
      ['__proto__']: 'safe',
    });
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
  });

  it('renders a kvlist or array body as compact JSON and titles from its first line', () => {
    const [kv, arr, bytes] = alerts(
      parseOtlpLogs(
        request([
          { severityNumber: 17, body: { kvlistValue: { values: [{ key: 'msg', value: { stringValue: 'boom' } }, { key: 'n', value: { doubleValue: 'NaN' } }] } } },
          { severityNumber: 17, body: { arrayValue: { values: [{ stringValue: 'a' }, { boolValue: false }] } } },
          { severityNumber: 17, body: { bytesValue: 'AAEC' } },
        ]),
      ),
    );
    expect([kv?.message, kv?.title]).toEqual(['{"msg":"boom","n":"NaN"}', '{"msg":"boom","n":"NaN"}']);
    expect(arr?.message).toBe('["a",false]');
    expect(bytes?.message).toBe('AAEC');
  });

  it('cuts a title from a long first line and falls back when there is no body', () => {
    const [long, none] = alerts(parseOtlpLogs(request([{ severityNumber: 13, body: { stringValue: `\n  ${'é'.repeat(300)}\nmore` } }, { severityNumber: 17, severityText: 'ERROR' }])));
    expect(Array.from(long?.title ?? '')).toHaveLength(256);
    expect(none).toMatchObject({ title: 'ERROR log record from checkout', message: '' });
  });

  it('puts trace and span ids in fields, lower-cased hex; the all-zero id means none', () => {
    const [a, b] = alerts(
      parseOtlpLogs(
        request([
          { severityNumber: 17, body: { stringValue: 'a' }, traceId: '5B8EFFF798038103D269B633813FC60C', spanId: 'EEE19B7EC3C1B174' },
          { severityNumber: 17, body: { stringValue: 'b' }, traceId: '00000000000000000000000000000000', spanId: '' },
        ]),
      ),
    );
    expect(a?.fields).toEqual([
      { name: 'Trace ID', value: '5b8efff798038103d269b633813fc60c', inline: true },
      { name: 'Span ID', value: 'eee19b7ec3c1b174', inline: true },
    ]);
    expect(b?.fields).toEqual([]);
  });

  it('fingerprints by service, severity, event name and body (not by attributes)', () => {
    const [a, b, c, d, e] = alerts(
      parseOtlpLogs(
        request([
          { severityNumber: 17, body: { stringValue: 'same' }, eventName: 'one', attributes: [{ key: 'x', value: { stringValue: '1' } }] },
          { severityNumber: 18, body: { stringValue: 'same' }, eventName: 'one' },
          { severityNumber: 17, body: { stringValue: 'same' }, eventName: 'two' },
          { severityNumber: 21, body: { stringValue: 'same' }, eventName: 'one' },
          { severityNumber: 17, body: { stringValue: 'other' }, eventName: 'one' },
        ]),
      ),
    );
    expect(a?.fingerprint).toBe(b?.fingerprint); // 17 and 18 are both ERROR; attributes do not count
    // Another event with the same body (event records often have an empty one) is another alert.
    expect(new Set([a?.fingerprint, c?.fingerprint, d?.fingerprint, e?.fingerprint]).size).toBe(4);
  });
});

describe('OTLP labels in a notification (render keyLabels)', () => {
  it('shows service.name first and each attribute once, not its matcher alias', () => {
    const resource = [...SERVICE, { key: 'deployment.environment', value: { stringValue: 'prod' } }];
    const record = { severityNumber: 17, body: { stringValue: 'x' }, attributes: [{ key: 'order.id', value: { stringValue: 'A-1' } }, { key: 'order_id', value: { stringValue: 'other' } }] };
    const shown = keyLabels(only(parseOtlpLogs(request([record], resource))).labels);
    // A record's own `order_id` with another value is not an alias: both stay.
    expect(shown).toEqual([['service.name', 'checkout'], ['deployment.environment', 'prod'], ['order.id', 'A-1'], ['order_id', 'other']]);
  });
});

describe('an exception log record in Discord', () => {
  // OpenTelemetry's exception semantic conventions put the stack trace in the record's `exception.stacktrace`
  // attribute (the Java agent's logback/log4j appenders do), not in the body: as a label it showed as 200
  // characters squashed onto one line of inline code, the top frame cut off mid-name.
  it('shows exception.stacktrace as a readable "Stack trace" field, line by line, not as a label', () => {
    const stack = 'java.lang.NullPointerException: cart is null\n\tat com.shop.checkout.CheckoutService.pay(CheckoutService.java:142)\n'
      + '\tat com.shop.checkout.CheckoutController.post(CheckoutController.java:57)\n\tat java.base/java.lang.Thread.run(Thread.java:1583)';
    const record = {
      severityNumber: 17, body: { stringValue: 'Payment failed for order 8812' }, spanId: 'eee19b7ec3c1b174',
      attributes: [{ key: 'exception.type', value: { stringValue: 'java.lang.NullPointerException' } }, { key: 'exception.stacktrace', value: { stringValue: stack } }],
    };
    const alert = only(parseOtlpLogs(request([record])));
    const n = { id: 'n', alertType: 'error', source: 'otlp' as const, status: 'firing' as const, alerts: [alert], truncatedAlerts: 0, dedupeKey: 'k', receivedAt: 0, attempts: 0 };
    const fields = renderNotification(n, { alertType: 'error', color: 0xe67e22 })[0]!.embeds[0]!.fields!;
    expect(fields.map((f) => f.name)).toEqual(['Severity', 'service.name', 'exception.type', 'Span ID', 'Stack trace']);
    expect(fields.at(-1)!.value.split('\n')).toEqual([
      'java.lang.NullPointerException: cart is null', '\tat com.shop.checkout.CheckoutService.pay(CheckoutService.java:142)',
      '\tat com.shop.checkout.CheckoutController.post(CheckoutController.java:57)', '\tat java.base/java.lang.Thread.run(Thread.java:1583)',
    ]);
    expect(fields.at(-1)!.inline).toBe(false);
    // The same record without it is the same alert: the stack trace is not part of its identity.
    const plain = only(parseOtlpLogs(request([{ ...record, attributes: record.attributes.slice(0, 1) }])));
    expect(plain.fingerprint).toBe(alert.fingerprint);
  });

  // A logger that writes the attribute with nothing in it (no stack captured) would show an empty field.
  it('shows no "Stack trace" field, nor the label, for a blank exception.stacktrace', () => {
    const alert = only(parseOtlpLogs(request([{ severityNumber: 17, body: { stringValue: 'boom' }, attributes: [{ key: 'exception.stacktrace', value: { stringValue: ' \n ' } }] }])));
    expect(alert.fields.map((f) => f.name)).not.toContain('Stack trace');
    expect(Object.keys(alert.labels).filter((k) => k.includes('stacktrace'))).toEqual([]);
  });
});

describe('parseOtlpLogs: rejected records', () => {
  it('rejects records invalid in themselves and keeps the others, saying why', () => {
    const result = ok(
      parseOtlpLogs(
        request([
          { severityNumber: 17, body: { stringValue: 'good' } },
          { severityNumber: 17, timeUnixNano: 'yesterday', body: { stringValue: 'bad time' } },
          { severityNumber: 99, body: { stringValue: 'bad severity' } },
          { severityNumber: 17, traceId: 'xyz', body: { stringValue: 'bad trace id' } },
          { severityNumber: 17, body: { intValue: 'abc' } },
          'not a record',
        ]),
      ),
    );
    expect(result.groups.map((g) => g.alerts[0]?.message)).toEqual(['good']);
    expect(result.rejected).toBe(5);
    expect(result.rejectedMessage).toMatch(/^5 log records rejected as invalid: resourceLogs\.0\.scopeLogs\.0\.logRecords\.1\.timeUnixNano: /);
    expect(result.rejectedMessage).toContain('logRecords.2.severityNumber');
    expect(result.rejectedMessage).toContain('and 2 more');
  });

  it('rejects a record nested deeper than the schema can walk instead of crashing', () => {
    let body: Record<string, unknown> = { stringValue: 'leaf' };
    for (let i = 0; i < 3000; i++) body = { arrayValue: { values: [body] } };
    const result = ok(parseOtlpLogs(request([{ severityNumber: 17, body }, { severityNumber: 17, body: { stringValue: 'fine' } }])));
    expect(result.groups.map((g) => g.alerts[0]?.message)).toEqual(['fine']);
    expect(result.rejectedMessage).toContain('logRecords.0: value nested too deeply');
  });

  it('rejects the records of a resource whose attributes are invalid', () => {
    const body = { resourceLogs: [{ resource: { attributes: [{ key: 1 }] }, scopeLogs: [{ logRecords: [{ severityNumber: 17 }, { severityNumber: 17 }] }] }, request([{ severityNumber: 17, body: { stringValue: 'ok' } }]).resourceLogs as unknown[]].flat() };
    const result = ok(parseOtlpLogs(body));
    expect(result).toMatchObject({ rejected: 2 });
    expect(result.groups).toHaveLength(1);
  });
});

describe('decodeOtlpLogsProtobuf', () => {
  const { ExportLogsServiceRequest } = logsServiceProto;
  const encode = (plain: Record<string, unknown>) => ExportLogsServiceRequest.encode(ExportLogsServiceRequest.fromObject(plain)).finish();

  it('decodes binary protobuf into the JSON shape: same alerts as the JSON encoding', () => {
    const record = (traceId: string | Uint8Array, spanId: string | Uint8Array) => ({
      timeUnixNano: '1700000000123456789',
      severityNumber: 17,
      eventName: 'db.down',
      body: { kvlistValue: { values: [{ key: 'n', value: { intValue: 5 } }] } },
      attributes: [{ key: 'big', value: { intValue: '9007199254740993' } }],
      traceId,
      spanId,
    });
    const trace = '5b8efff798038103d269b633813fc60c';
    const span = 'eee19b7ec3c1b174';
    const bytes = encode(request([record(Buffer.from(trace, 'hex'), Buffer.from(span, 'hex'))]));
    const decoded = decodeOtlpLogsProtobuf(bytes, 64);
    if (!decoded.ok) throw new Error(decoded.message);
    expect(parseOtlpLogs(decoded.value)).toEqual(parseOtlpLogs(request([record(trace, span)])));
    expect(only(parseOtlpLogs(decoded.value)).labels['big']).toBe('9007199254740993');
  });

  it('reads a KeyValue without its key as the empty key (proto3 encoders, Go\'s among them, leave an empty string out), as the JSON "key": "" is, instead of rejecting the record', () => {
    const record = (key?: string) => ({
      severityNumber: 21,
      body: { kvlistValue: { values: [{ ...(key === undefined ? {} : { key }), value: { stringValue: 'v' } }] } },
      attributes: [{ ...(key === undefined ? {} : { key }), value: { stringValue: 'from an unnamed JSON field' } }, { key: 'order.id', value: { stringValue: 'A-1' } }],
    });
    const decoded = decodeOtlpLogsProtobuf(encode(request([record()])), 64);
    if (!decoded.ok) throw new Error(decoded.message);
    const result = ok(parseOtlpLogs(decoded.value));
    expect(result.rejected).toBe(0);
    expect(result).toEqual(ok(parseOtlpLogs(request([record('')]))));
    expect(only(result).labels['order.id']).toBe('A-1');
  });

  it('says invalid for bytes that are not a request, too_deep for absurd nesting', () => {
    expect(decodeOtlpLogsProtobuf(Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0x0f]), 64)).toMatchObject({ ok: false, reason: 'invalid' });
    let value: Record<string, unknown> = { stringValue: 'leaf' };
    for (let i = 0; i < 40; i++) value = { arrayValue: { values: [value] } };
    const deep = encode(request([{ severityNumber: 17, body: value }]));
    expect(decodeOtlpLogsProtobuf(deep, 64)).toMatchObject({ ok: false, reason: 'too_deep' });
    expect(decodeOtlpLogsProtobuf(deep, 200).ok).toBe(true);
  });
});
