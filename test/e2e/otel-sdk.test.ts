import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as OTLPJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, SimpleLogRecordProcessor, type LogRecordExporter, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMemoryStore } from '../../src/store/memory/index.js';
import type { Store } from '../../src/store/types.js';
import { HOOK_IDS, startBridge, type Bridge } from '../helpers/bridge.js';
import type { RecordedMessage } from '../helpers/fake-discord/index.js';
import { parseExposition, sampleValue } from '../helpers/prom-text.js';

/**
 * The OpenTelemetry JS SDK's own OTLP/HTTP log exporters (JSON and protobuf, protobuf also gzipped) post
 * to a real alertcord on a socket, which delivers into the strict fake Discord: only WARN and above
 * arrive, each in the channel the default routes pick, with the service name on it, and every export
 * reports SUCCESS to the SDK.
 */

const TOKEN = 'otel-e2e-t0ken';
type ExportResult = Parameters<Parameters<LogRecordExporter['export']>[1]>[0];
type ExporterConfig = NonNullable<ConstructorParameters<typeof OTLPProtoLogExporter>[0]>;
/** `ExportResultCode` of @opentelemetry/core (SUCCESS = 0, FAILED = 1), not a dependency of ours. */
const SUCCESS = 0;
const FAILED = 1;
const [GENERAL, ERROR, CRITICAL] = [HOOK_IDS.general!, HOOK_IDS.error!, HOOK_IDS.critical!];

let bridge: Bridge;
beforeAll(async () => {
  bridge = await startBridge({ env: { INGEST_TOKEN: TOKEN } });
});
afterAll(async () => bridge?.close());

/** An exporter that remembers the result the wrapped one hands the SDK for each export. */
function recording(inner: LogRecordExporter): { exporter: LogRecordExporter; results: ExportResult[] } {
  const results: ExportResult[] = [];
  const exporter: LogRecordExporter = {
    export: (logs, done) => inner.export(logs, (result) => {
      results.push(result);
      done(result);
    }),
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush(),
  };
  return { exporter, results };
}

/** Emits one record of each severity through a fresh LoggerProvider for `service`, then flushes it. */
async function emitSeverities(service: string, processorFor: (exporter: LogRecordExporter) => LogRecordProcessor, inner: LogRecordExporter): Promise<ExportResult[]> {
  const { exporter, results } = recording(inner);
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'deployment.environment': 'e2e' }),
    processors: [processorFor(exporter)],
  });
  const logger = provider.getLogger('checkout.payments', '1.2.3');
  const attributes = { 'order.id': 'A-1234', 'http.route': '/pay' };
  logger.emit({ severityNumber: SeverityNumber.DEBUG, severityText: 'DEBUG', body: `cache warmed (${service})`, attributes });
  logger.emit({ severityNumber: SeverityNumber.INFO, severityText: 'INFO', body: `request served (${service})`, attributes });
  logger.emit({ severityNumber: SeverityNumber.WARN, severityText: 'WARN', eventName: `payment.retry.${service}`, body: 'retrying the payment provider', attributes });
  logger.emit({ severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', body: `payment failed for order A-1234 (${service})\nError: card declined\n    at charge (pay.js:10)`, attributes });
  logger.emit({ severityNumber: SeverityNumber.FATAL, severityText: 'FATAL', body: `payment worker out of memory (${service})`, attributes });
  await provider.forceFlush();
  await provider.shutdown();
  return results;
}

/** The messages of `service` once `count` have arrived (any channel). */
async function messagesOf(service: string, count: number): Promise<RecordedMessage[]> {
  return vi.waitFor(
    () => {
      const mine = bridge.fake.messages.filter((m) => JSON.stringify(m.body).includes(service));
      expect(mine.length).toBeGreaterThanOrEqual(count);
      return mine;
    },
    { timeout: 10_000, interval: 50 },
  );
}

interface Embed { title: string; description?: string; fields?: { name: string; value: string }[] }
const embedOf = (m: RecordedMessage) => (m.body as { embeds: Embed[] }).embeds[0]!;

/** WARN → general, ERROR → error, FATAL → critical (default routes); DEBUG and INFO never arrive. */
async function expectRouted(service: string): Promise<void> {
  const messages = await messagesOf(service, 3);
  // Anything dropped below the minimum would have been queued with the rest; give it a moment anyway.
  await new Promise((r) => setTimeout(r, 300));
  const mine = bridge.fake.messages.filter((m) => JSON.stringify(m.body).includes(service));
  expect(mine).toHaveLength(3);
  const byHook = new Map(messages.map((m) => [m.webhookId, m]));
  expect([...byHook.keys()].sort()).toEqual([GENERAL, ERROR, CRITICAL].sort());
  expect(embedOf(byHook.get(GENERAL)!).title).toContain(`payment.retry.${service}`);
  expect(embedOf(byHook.get(ERROR)!).title).toContain(`payment failed for order A-1234 (${service})`);
  expect(embedOf(byHook.get(ERROR)!).description).toContain('card declined');
  expect(embedOf(byHook.get(CRITICAL)!).title).toContain(`payment worker out of memory (${service})`);
  for (const m of mine) {
    expect(m.allowedMentionsPresent).toBe(true);
    const text = JSON.stringify(m.body);
    expect(text).not.toMatch(/cache warmed|request served/);
    expect(text).toContain('A-1234');
    // The service is the first label shown, once (its `service_name` alias is for matchers, not for people).
    const labels = (embedOf(m).fields ?? []).filter((f) => f.name !== 'Severity');
    expect(labels[0]).toMatchObject({ name: 'service.name', value: `\`${service}\`` });
    expect(labels.map((f) => f.name)).not.toContain('service\\_name');
  }
}

const auth = { Authorization: `Bearer ${TOKEN}` };

describe('OpenTelemetry JS SDK exporters → /v1/logs → Discord', () => {
  it('JSON (exporter-logs-otlp-http, BatchLogRecordProcessor): WARN and above arrive, routed by severity', async () => {
    const service = 'payments-json';
    const results = await emitSeverities(service, (exporter) => new BatchLogRecordProcessor({ exporter }), new OTLPJsonLogExporter({ url: `${bridge.url}/v1/logs`, headers: auth }));
    expect(results.length).toBeGreaterThan(0);
    expect(results.map((r) => r.code)).toEqual(results.map(() => SUCCESS));
    await expectRouted(service);
  });

  it('protobuf (exporter-logs-otlp-proto, SimpleLogRecordProcessor): one request per record, the same result', async () => {
    const service = 'payments-proto';
    const results = await emitSeverities(service, (exporter) => new SimpleLogRecordProcessor({ exporter }), new OTLPProtoLogExporter({ url: `${bridge.url}/v1/logs`, headers: auth }));
    expect(results.map((r) => r.code)).toEqual([SUCCESS, SUCCESS, SUCCESS, SUCCESS, SUCCESS]);
    await expectRouted(service);
  });

  it('protobuf + gzip (compression: gzip, as the Collector sends by default)', async () => {
    const service = 'payments-gzip';
    const compression = 'gzip' as ExporterConfig['compression'];
    const results = await emitSeverities(service, (exporter) => new BatchLogRecordProcessor({ exporter }), new OTLPProtoLogExporter({ url: `${bridge.url}/v1/logs`, headers: auth, compression }));
    expect(results.length).toBeGreaterThan(0);
    expect(results.map((r) => r.code)).toEqual(results.map(() => SUCCESS));
    await expectRouted(service);
  });

  it('counts the requests and alerts in /metrics', async () => {
    const samples = parseExposition(await (await fetch(`${bridge.url}/metrics`)).text());
    expect(sampleValue(samples, 'alertcord_ingest_requests_total', { route: '/v1/logs', code: '200' })).toBeGreaterThanOrEqual(3);
    // 3 records at or above WARN per exporter test, counted where they are parsed (before flood control).
    expect(sampleValue(samples, 'alertcord_alerts_received_total', { source: 'otlp', status: 'firing' })).toBe(9);
  });

  it('a wrong token: the export fails (401, not retried) and nothing is delivered', async () => {
    const service = 'payments-intruder';
    const results = await emitSeverities(service, (exporter) => new BatchLogRecordProcessor({ exporter }), new OTLPJsonLogExporter({ url: `${bridge.url}/v1/logs`, headers: { Authorization: 'Bearer nope' } }));
    expect(results.length).toBeGreaterThan(0);
    expect(results.map((r) => r.code)).toEqual(results.map(() => FAILED));
    await new Promise((r) => setTimeout(r, 300));
    expect(bridge.fake.messages.filter((m) => JSON.stringify(m.body).includes(service))).toHaveLength(0);
  });
});

describe('flood control in a running alertcord (SDK JSON exporter)', () => {
  /** Emits `count` identical ERROR records for `service` in one export. */
  async function emitSame(url: string, service: string, count: number): Promise<ExportResult[]> {
    const { exporter, results } = recording(new OTLPJsonLogExporter({ url: `${url}/v1/logs` }));
    const provider = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': service }), processors: [new BatchLogRecordProcessor({ exporter })] });
    const logger = provider.getLogger('crash-loop');
    for (let i = 0; i < count; i++) logger.emit({ severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', body: 'connection refused: db:5432' });
    await provider.forceFlush();
    await provider.shutdown();
    return results;
  }

  it('folds identical records into one notification; the runtime timer sends the count without another request', async () => {
    const b = await startBridge({ yaml: 'otlp:\n  flood: { window: 200ms }\n' });
    try {
      const results = await emitSame(b.url, 'crashloop-timer', 5);
      expect(results.map((r) => r.code)).toEqual([SUCCESS]);
      const [first] = await b.fake.waitForMessages(1);
      expect(embedOf(first!).title).toContain('connection refused: db:5432');
      // No request comes after: only the runtime's flush timer (every 5 s) can send the count.
      const [, count] = await b.fake.waitForMessages(2, 12_000);
      expect(count!.webhookId).toBe(ERROR);
      expect(embedOf(count!).title).toContain('(repeated 4 more times)');
      expect(JSON.stringify(count!.body)).toContain('Repeated');
      expect(b.fake.messages).toHaveLength(2);
    } finally {
      await b.close();
    }
  }, 20_000);

  it('runtime.stop() sends the counts still open before the drain, instead of losing them', async () => {
    const b = await startBridge();
    let stopped = false;
    try {
      expect((await emitSame(b.url, 'crashloop-stop', 3)).map((r) => r.code)).toEqual([SUCCESS]);
      await b.fake.waitForMessages(1);
      await b.runtime.stop(5_000);
      stopped = true;
      const messages = await b.fake.waitForMessages(2);
      expect(embedOf(messages[1]!).title).toContain('(repeated 2 more times)');
    } finally {
      if (stopped) {
        await b.server.close();
        await b.fake.close();
      } else await b.close();
    }
  });
});

describe('a 503 the SDK exporter retries (its export timeout is 10 s: OTEL_EXPORTER_OTLP_TIMEOUT)', () => {
  /** A memory store whose first enqueue throws, as Redis does for a moment during a failover. */
  function blinkingStore(): { store: Store; blinked: () => boolean } {
    const store = createMemoryStore({ queueSize: 100, historyMaxEntries: 100, historyRetentionMs: 86_400_000 });
    const enqueue = store.queue.enqueue.bind(store.queue);
    let blinked = false;
    store.queue.enqueue = async (...args) => {
      if (blinked) return enqueue(...args);
      blinked = true;
      throw new Error('connect ECONNREFUSED (store blip)');
    };
    return { store, blinked: () => blinked };
  }

  it('a store blip: the export is retried after Retry-After and the record arrives, instead of being dropped', async () => {
    const { store, blinked } = blinkingStore();
    const b = await startBridge({ store });
    try {
      const service = 'payments-blip';
      const { exporter, results } = recording(new OTLPJsonLogExporter({ url: `${b.url}/v1/logs` }));
      const provider = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': service }), processors: [new SimpleLogRecordProcessor({ exporter })] });
      provider.getLogger('checkout').emit({ severityNumber: SeverityNumber.FATAL, severityText: 'FATAL', body: `payment worker out of memory (${service})` });
      // The SDK gives up on a Retry-After longer than what is left of its 10 s timeout, and says FAILED.
      await vi.waitFor(() => expect(results).toHaveLength(1), { timeout: 15_000, interval: 50 });
      await provider.shutdown();
      expect(blinked()).toBe(true);
      expect(results.map((r) => r.code)).toEqual([SUCCESS]);
      const [message] = await b.fake.waitForMessages(1);
      expect(embedOf(message!).title).toContain(`payment worker out of memory (${service})`);
    } finally {
      await b.close();
    }
  }, 20_000);
});
