import { gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { Intake, IntakeResult } from '../../../src/delivery/intake-types.js';
import { OTLP_MAX_RETRY_AFTER_S, otlpRoutes } from '../../../src/http/routes/otlp.js';
import type { AlertGroup } from '../../../src/model/alert.js';
import type { Severity } from '../../../src/model/severity.js';
import { countLogRecords, decodeOtlpLogsProtobuf, logsServiceProto } from '../../../src/sources/otlp/decode-protobuf.js';
import { createOtlpFloodControl, type OtlpFloodControl } from '../../../src/sources/otlp/flood.js';
import { decodeRpcStatus } from '../../../src/sources/otlp/response.js';
import { appHarness } from '../../helpers/app-harness.js';

const JSON_TYPE = 'application/json';
const PROTO_TYPE = 'application/x-protobuf';
const { ExportLogsServiceRequest, ExportLogsServiceResponse } = logsServiceProto;

interface HarnessOptions {
  result?: IntakeResult;
  bodyLimit?: number;
  minSeverity?: Severity;
  flood?: OtlpFloodControl;
}

/** A small app mounting only otlpRoutes, over a fake intake that records what it is given. */
function harness(opts: HarnessOptions = {}) {
  const accepted: AlertGroup[][] = [];
  const intake: Intake = {
    accept: async (groups) => {
      accepted.push(groups);
      return opts.result ?? { ok: true, accepted: groups.length, notifications: groups.map((_, i) => `n${i}`), duplicates: 0, skipped: 0, muted: 0 };
    },
  };
  const app = new Hono();
  app.route('/', otlpRoutes({
    intake: () => intake,
    limits: () => ({ bodyLimit: opts.bodyLimit ?? 64 * 1024, maxDepth: 64 }),
    minSeverity: () => opts.minSeverity ?? 'warning',
    ...(opts.flood ? { flood: opts.flood } : {}),
  }));
  const post = (body: string | Uint8Array, headers: Record<string, string>) =>
    app.request('/v1/logs', { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers });
  return { app, accepted, post, titles: () => accepted.flat().map((g) => g.alerts[0]?.title) };
}

/** A request with records of the given severity numbers (body "record <n>"). */
function logs(severities: number[], extra: Record<string, unknown>[] = []) {
  return {
    resourceLogs: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
      scopeLogs: [{ logRecords: [...severities.map((severityNumber, i) => ({ severityNumber, body: { stringValue: `record ${i}` } })), ...extra] }],
    }],
  };
}

const toJson = (value: unknown) => JSON.stringify(value);
const toProto = (value: Record<string, unknown>) => ExportLogsServiceRequest.encode(ExportLogsServiceRequest.fromObject(value)).finish();
const bytesOf = async (res: Response) => new Uint8Array(await res.arrayBuffer());

describe('POST /v1/logs: encodings', () => {
  it('accepts JSON and answers {} in JSON', async () => {
    const h = harness();
    const res = await h.post(toJson(logs([17, 21])), { 'content-type': 'application/json; charset=utf-8' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({});
    expect(h.titles()).toEqual(['record 0', 'record 1']);
    expect(h.accepted[0]?.every((g) => g.source === 'otlp' && g.alerts.length === 1)).toBe(true);
  });

  it('accepts protobuf and answers an empty ExportLogsServiceResponse in protobuf', async () => {
    const h = harness();
    const res = await h.post(toProto(logs([17])), { 'content-type': PROTO_TYPE });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(PROTO_TYPE);
    expect(await bytesOf(res)).toEqual(new Uint8Array(0));
    expect(h.titles()).toEqual(['record 0']);
  });

  it('accepts gzip JSON and gzip protobuf', async () => {
    const h = harness();
    const a = await h.post(gzipSync(toJson(logs([17]))), { 'content-type': JSON_TYPE, 'content-encoding': 'gzip' });
    const b = await h.post(gzipSync(toProto(logs([21]))), { 'content-type': PROTO_TYPE, 'content-encoding': 'gzip' });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.headers.get('content-type')).toBe(PROTO_TYPE);
    expect(h.titles()).toEqual(['record 0', 'record 0']);
    expect(h.accepted.map((g) => g[0]?.alerts[0]?.severity)).toEqual(['error', 'critical']);
  });

  // The depth limit held the whole request: one record nested past it answered 400, which an exporter does
  // not retry, so the critical records beside it were lost too.
  it('rejects only a record nested past server.max_json_depth; the records beside it are delivered', async () => {
    let deep: Record<string, unknown> = { stringValue: 'bottom' };
    for (let i = 0; i < 20; i++) deep = { kvlistValue: { values: [{ key: `k${i}`, value: deep }] } }; // 80 levels
    const h = harness();
    for (const [type, encode] of [[JSON_TYPE, toJson], [PROTO_TYPE, toProto]] as const) {
      const res = await h.post(encode(logs([21], [{ severityNumber: 17, body: deep }])), { 'content-type': type });
      expect(res.status).toBe(200);
    }
    expect(h.titles()).toEqual(['record 0', 'record 0']);
    const json = await h.post(toJson(logs([21], [{ severityNumber: 17, body: deep }])), { 'content-type': JSON_TYPE });
    const body = (await json.json()) as { partialSuccess: { rejectedLogRecords: string; errorMessage: string } };
    expect(body.partialSuccess).toMatchObject({ rejectedLogRecords: '1' });
    expect(body.partialSuccess.errorMessage).toContain('logRecords.1: nested deeper than 64 levels');
  });

  it('answers partialSuccess for rejected records, in JSON and in protobuf', async () => {
    const bad = [{ severityNumber: 17, traceId: 'not-hex', body: { stringValue: 'bad' } }];
    const h = harness();
    const json = await h.post(toJson(logs([17], bad)), { 'content-type': JSON_TYPE });
    const body = (await json.json()) as { partialSuccess: { rejectedLogRecords: string; errorMessage: string } };
    expect(body.partialSuccess.rejectedLogRecords).toBe('1');
    expect(body.partialSuccess.errorMessage).toContain('logRecords.1.traceId');
    const proto = await h.post(toProto(logs([17], [{ severityNumber: 17, spanId: Buffer.from('0102', 'hex') }])), { 'content-type': PROTO_TYPE });
    const decoded = ExportLogsServiceResponse.toObject(ExportLogsServiceResponse.decode(await bytesOf(proto)), { longs: Number });
    expect(decoded).toMatchObject({ partialSuccess: { rejectedLogRecords: 1 } });
    expect(h.titles()).toEqual(['record 0', 'record 0']);
  });

  it('accepts the proto field names (snake_case) that proto3 JSON parsers and the Collector accept, instead of dropping every record with a 200', async () => {
    const h = harness();
    const snake = {
      resource_logs: [{
        resource: { attributes: [{ key: 'service.name', value: { string_value: 'checkout' } }] },
        scope_logs: [{ log_records: [{
          time_unix_nano: '1700000000000000000', severity_number: 17, severity_text: 'ERROR',
          body: { string_value: 'payment failed' }, trace_id: '0102030405060708090a0b0c0d0e0f10',
          attributes: [{ key: 'retries', value: { int_value: '3' } }, { key: 'tags', value: { array_value: { values: [{ bool_value: true }] } } }],
        }] }],
      }],
    };
    const res = await h.post(toJson(snake), { 'content-type': JSON_TYPE });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    const alert = h.accepted.flat()[0]?.alerts[0];
    expect(alert).toMatchObject({ title: 'payment failed', severity: 'error', startsAt: '2023-11-14T22:13:20.000Z' });
    expect(alert?.labels).toMatchObject({ 'service.name': 'checkout', retries: '3', tags: '[true]' });
    expect(alert?.fields).toContainEqual({ name: 'Trace ID', value: '0102030405060708090a0b0c0d0e0f10', inline: true });
  });

  it('drops records below the minimum and still answers a full success', async () => {
    const h = harness();
    const res = await h.post(toJson(logs([5, 9, 12])), { 'content-type': JSON_TYPE });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect(h.accepted).toEqual([]);
    const strict = harness({ minSeverity: 'critical' });
    await strict.post(toJson(logs([17, 21])), { 'content-type': JSON_TYPE });
    expect(strict.accepted.flat()).toHaveLength(1);
  });
});

describe('POST /v1/logs: failures as google.rpc.Status', () => {
  it('answers 413 for a gzip bomb (the limit applies to the decompressed size) and for a big body', async () => {
    const h = harness({ bodyLimit: 16 * 1024 });
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(16 * 1024);
    const res = await h.post(bomb, { 'content-type': JSON_TYPE, 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 8, details: [] });
    const proto = await h.post(bomb, { 'content-type': PROTO_TYPE, 'content-encoding': 'gzip' });
    expect(proto.status).toBe(413);
    expect(decodeRpcStatus(await bytesOf(proto)).message).toMatch(/decompressed request body exceeds 16384 bytes/);
    const big = await h.post(toJson({ pad: 'x'.repeat(20_000) }), { 'content-type': JSON_TYPE });
    expect(big.status).toBe(413);
    expect(h.accepted).toEqual([]);
  });

  it('answers 400 with a protobuf Status for a body that is not protobuf', async () => {
    const h = harness();
    const res = await h.post(Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0x0f]), { 'content-type': PROTO_TYPE });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe(PROTO_TYPE);
    expect(decodeRpcStatus(await bytesOf(res))).toMatchObject({ code: 3, message: expect.stringContaining('invalid OTLP protobuf') });
  });

  it('answers 400 in JSON for invalid JSON, a bad envelope, deep JSON and a broken gzip stream', async () => {
    const h = harness();
    const cases = [
      await h.post('{"resourceLogs": [', { 'content-type': JSON_TYPE }),
      await h.post(toJson({ resourceLogs: 'x' }), { 'content-type': JSON_TYPE }),
      await h.post(`${'['.repeat(100)}${']'.repeat(100)}`, { 'content-type': JSON_TYPE }),
      await h.post(gzipSync(toJson(logs([17]))).subarray(0, 20), { 'content-type': JSON_TYPE, 'content-encoding': 'gzip' }),
    ];
    expect(cases.map((r) => r.status)).toEqual([400, 400, 400, 400]);
    const bodies = (await Promise.all(cases.map((r) => r.json()))) as { code: number; message: string; details: unknown[] }[];
    expect(bodies.every((b) => b.code === 3 && Array.isArray(b.details) && b.details.length === 0)).toBe(true);
    expect(bodies[1]?.message).toContain('resourceLogs');
  });

  // A hand-written request (curl) posting a bare log record, or a ResourceLogs without its wrapper, got 200 {}
  // and nothing was delivered: the script's author saw success. Unknown top-level fields alone stay ignored.
  it('answers 400 naming the wrapper for a body that is a part of a request, not a whole one', async () => {
    const h = harness();
    const inner = logs([17]).resourceLogs[0]!;
    const bareRecord = { severityText: 'ERROR', body: { stringValue: 'disk full' } };
    const cases = [
      await h.post(toJson(bareRecord), { 'content-type': JSON_TYPE }),
      await h.post(toJson(inner), { 'content-type': JSON_TYPE }),
      await h.post(toJson({ logRecords: [bareRecord] }), { 'content-type': JSON_TYPE }),
    ];
    expect(cases.map((r) => r.status)).toEqual([400, 400, 400]);
    for (const res of cases) expect(((await res.json()) as { message: string }).message).toContain('resourceLogs[].scopeLogs[].logRecords[]');
    expect(h.accepted).toHaveLength(0);
    const empty = await h.post(toJson({ futureField: 1 }), { 'content-type': JSON_TYPE });
    expect(empty.status).toBe(200);
  });

  it('answers 415 (in JSON) for another content type or content coding', async () => {
    const h = harness();
    const text = await h.post('hello', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(text.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await text.json()).toMatchObject({ code: 3, message: expect.stringContaining('text/plain') });
    const br = await h.post(toProto(logs([17])), { 'content-type': PROTO_TYPE, 'content-encoding': 'br' });
    expect(br.status).toBe(415);
    expect(decodeRpcStatus(await bytesOf(br)).message).toContain('content-encoding');
  });

  it('answers 503 with Retry-After when the queue is full, in the request encoding', async () => {
    const h = harness({ result: { ok: false, reason: 'queue_full', retryAfterSeconds: 0.2, message: 'queue for webhook 1 is full' } });
    const res = await h.post(toProto(logs([17])), { 'content-type': PROTO_TYPE });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(decodeRpcStatus(await bytesOf(res))).toMatchObject({ code: 14, message: expect.stringContaining('queue_full') });
    const json = await h.post(toJson(logs([17])), { 'content-type': JSON_TYPE });
    expect(json.status).toBe(503);
    expect(await json.json()).toMatchObject({ code: 14 });
  });

  it('tells at most OTLP_MAX_RETRY_AFTER_S: an SDK exporter drops a batch whose Retry-After outlasts its 10 s timeout', async () => {
    for (const [reason, retryAfterSeconds] of [['queue_full', 30], ['unavailable', 10]] as const) {
      const h = harness({ result: { ok: false, reason, retryAfterSeconds, message: 'retry later' } });
      const res = await h.post(toJson(logs([17])), { 'content-type': JSON_TYPE });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe(String(OTLP_MAX_RETRY_AFTER_S));
    }
    expect(OTLP_MAX_RETRY_AFTER_S).toBeLessThan(10);
  });
});

// One sender must not take the process down: a record costs an alert (~1 KB, tens of µs) however few bytes it
// took on the wire (4 in protobuf: 8 MiB held 2 million, about 2.7 GB and a minute of a blocked event loop),
// and a resource's attributes are copied into every one of its records (1,000 attributes and 5,000 records,
// 72 KB, took 5 s; ten times each would take hours).
describe('POST /v1/logs: bounds per request', () => {
  const many = (n: number, severityNumber = 17) => ({
    resourceLogs: [{ scopeLogs: [{ logRecords: Array.from({ length: n }, (_, i) => ({ severityNumber, body: { stringValue: `r${i}` } })) }] }],
  });

  it('refuses a request of more than 10,000 log records (400, in either encoding) before parsing any of them; 10,000 go through', async () => {
    const h = harness({ bodyLimit: 1024 * 1024 });
    const json = await h.post(toJson(many(10_001)), { 'content-type': JSON_TYPE });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ code: 3, message: expect.stringContaining('at most 10000 log records per request, got 10001') });
    // Counted on the wire, whatever their severity: decoding alone costs memory per record.
    const proto = await h.post(toProto(many(10_001, 9)), { 'content-type': PROTO_TYPE });
    expect(proto.status).toBe(400);
    expect(decodeRpcStatus(await bytesOf(proto)).message).toContain('at most 10000 log records per request, got 10001');
    expect(h.accepted).toEqual([]);
    const limit = await h.post(toProto(many(10_000)), { 'content-type': PROTO_TYPE });
    expect(limit.status).toBe(200);
    expect(h.accepted.flat()).toHaveLength(10_000);
  });

  // Counted across every resource and scope, and for protobuf on the wire before anything is decoded (the decode
  // alone built every record: an 8 MiB body held two million).
  it('counts the records of every resource and scope together; protobuf ones before decoding', async () => {
    const scope = (n: number) => ({ logRecords: Array.from({ length: n }, (_, i) => ({ severityNumber: 17, body: { stringValue: `r${i}` } })) });
    const request = { resourceLogs: [{ scopeLogs: [scope(2_501), scope(2_501)] }, { scopeLogs: [scope(2_501), scope(2_501)] }] };
    const h = harness({ bodyLimit: 1024 * 1024 });
    const json = await h.post(toJson(request), { 'content-type': JSON_TYPE });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ message: expect.stringContaining('got 10004') });
    expect(countLogRecords(toProto(request))).toBe(10_004);
    expect(decodeOtlpLogsProtobuf(toProto(request), 64)).toMatchObject({ ok: false, reason: 'too_many', message: expect.stringContaining('got 10004') });
    expect(h.accepted).toEqual([]);
  });

  it('rejects the records of a resource with more than 128 attributes (each record would copy them all); other resources go on', async () => {
    const attributes = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k8s.pod.label${i}`, value: { stringValue: 'v' } }));
    const request = {
      resourceLogs: [
        { resource: { attributes: attributes(129) }, scopeLogs: [{ logRecords: [{ severityNumber: 17, body: { stringValue: 'wide' } }, { severityNumber: 17 }] }] },
        { resource: { attributes: attributes(128) }, scopeLogs: [{ logRecords: [{ severityNumber: 17, body: { stringValue: 'fits' } }] }] },
      ],
    };
    const h = harness();
    const json = await h.post(toJson(request), { 'content-type': JSON_TYPE });
    expect(json.status).toBe(200);
    const body = (await json.json()) as { partialSuccess: { rejectedLogRecords: string; errorMessage: string } };
    expect(body.partialSuccess.rejectedLogRecords).toBe('2');
    expect(body.partialSuccess.errorMessage).toContain('resourceLogs.0.resource.attributes: at most 128 attributes per resource, got 129');
    const proto = await h.post(toProto(request), { 'content-type': PROTO_TYPE });
    expect(proto.status).toBe(200);
    expect(h.titles()).toEqual(['fits', 'fits']);
  });
});

describe('POST /v1/logs: flood control', () => {
  it('folds identical records, and gives back records intake refused', async () => {
    let now = 0;
    const flood = createOtlpFloodControl({ now: () => now });
    const h = harness({ flood });
    await h.post(toJson(logs([17, 17])), { 'content-type': JSON_TYPE });
    expect(h.titles()).toEqual(['record 0', 'record 1']);
    now = 1000;
    const again = await h.post(toJson(logs([17])), { 'content-type': JSON_TYPE });
    expect(again.status).toBe(200);
    expect(h.accepted).toHaveLength(1);

    let full = true;
    const refusing = createOtlpFloodControl({ now: () => now });
    const accepted: AlertGroup[][] = [];
    const app = new Hono().route('/', otlpRoutes({
      intake: () => ({ accept: async (groups) => (accepted.push(groups), full ? { ok: false, reason: 'queue_full', retryAfterSeconds: 1, message: 'full' } : { ok: true, accepted: 1, notifications: ['n'], duplicates: 0, skipped: 0, muted: 0 }) }),
      limits: () => ({ bodyLimit: 65_536, maxDepth: 64 }),
      minSeverity: () => 'warning',
      flood: refusing,
    }));
    const send = () => app.request('/v1/logs', { method: 'POST', body: toJson(logs([17])), headers: { 'content-type': JSON_TYPE } });
    expect((await send()).status).toBe(503);
    full = false;
    expect((await send()).status).toBe(200);
    expect(accepted.map((g) => g.length)).toEqual([1, 1]);
  });
});

describe('POST /v1/logs mounted in the app', () => {
  it('is served by createApp, with the default minimum (warning)', async () => {
    const h = appHarness();
    const res = await h.app.request('/v1/logs', { method: 'POST', body: toJson(logs([9, 13, 17])), headers: { 'content-type': JSON_TYPE } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect(await h.store.queue.depth('1')).toBe(2);
  });

  it('answers 503 + Retry-After as an OTLP Status (UNAVAILABLE) in the request encoding while shutting down', async () => {
    const h = appHarness();
    h.shutDown();
    const json = await h.app.request('/v1/logs', { method: 'POST', body: toJson(logs([17])), headers: { 'content-type': JSON_TYPE } });
    expect(json.status).toBe(503);
    expect(json.headers.get('retry-after')).toBe('5');
    expect(json.headers.get('content-type')).toBe(JSON_TYPE);
    expect(await json.json()).toMatchObject({ code: 14, message: expect.stringContaining('shutting down'), details: [] });
    const proto = await h.app.request('/v1/logs', { method: 'POST', body: toProto(logs([17])), headers: { 'content-type': PROTO_TYPE } });
    expect(proto.status).toBe(503);
    expect(proto.headers.get('retry-after')).toBe('5');
    expect(proto.headers.get('content-type')).toBe(PROTO_TYPE);
    expect(decodeRpcStatus(await bytesOf(proto)).code).toBe(14);
    expect(await h.store.queue.depth('1')).toBe(0);
  });
});
