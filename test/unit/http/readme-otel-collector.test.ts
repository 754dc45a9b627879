/**
 * README's OpenTelemetry Collector snippet, read as the Collector reads it, and what its exporter then
 * sends, sent to alertcord's app (with INGEST_TOKEN set). The Collector's behaviour is taken from its
 * sources (open-telemetry/opentelemetry-collector, exporter/otlphttpexporter): `metadata.yaml` names the
 * type `otlp_http` (`otlphttp` is its deprecated alias since v0.144.0); the logs URL is `logs_endpoint`,
 * else `endpoint` + `/v1/logs` (`composeSignalURL`); `encoding` is `proto` (default) or `json`, sent as
 * `application/x-protobuf` / `application/json`; `compression` defaults to gzip; `headers` are sent as
 * given after `${env:…}` expansion. On a 2xx it reads a partial success only when the answer's
 * Content-Type is exactly one of those two (`handlePartialSuccessResponse`). The OTLP receiver listens on
 * localhost by default since v0.104.0, so a snippet for containers must name 0.0.0.0.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { logsServiceProto } from '../../../src/sources/otlp/decode-protobuf.js';
import { appHarness } from '../../helpers/app-harness.js';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const TOKEN = 'collector-token';
const { ExportLogsServiceRequest, ExportLogsServiceResponse } = logsServiceProto;

interface CollectorConfig {
  receivers: Record<string, { protocols?: { http?: { endpoint?: string } | null } }>;
  processors?: Record<string, unknown>;
  exporters: Record<string, { endpoint?: string; logs_endpoint?: string; headers?: Record<string, string>; encoding?: string; compression?: string }>;
  service: { pipelines: Record<string, { receivers: string[]; processors?: string[]; exporters: string[] }> };
}

/** The first YAML block of README's OpenTelemetry section. */
function collectorConfig(): CollectorConfig {
  const section = README.slice(README.indexOf('## OpenTelemetry logs'));
  const block = /^```yaml\n([\s\S]*?)^```$/m.exec(section)?.[1];
  if (!block) throw new Error('README has no YAML block in its OpenTelemetry section');
  return parse(block) as CollectorConfig;
}

/** The Collector's `composeSignalURL` for logs. */
function logsUrl(exporter: { endpoint?: string; logs_endpoint?: string }): string {
  if (exporter.logs_endpoint) return exporter.logs_endpoint;
  const base = exporter.endpoint ?? '';
  return base.endsWith('/') ? `${base}v1/logs` : `${base}/v1/logs`;
}

/** `${env:NAME}` expanded as the Collector's confmap does, from `env`. */
const expand = (text: string, env: Record<string, string>) => text.replace(/\$\{env:(\w+)\}/g, (_, name: string) => env[name] ?? '');

const request = {
  resourceLogs: [{
    resource: { attributes: [{ key: 'service.name', value: { stringValue: 'payments' } }] },
    scopeLogs: [{ scope: { name: 'collector-test' }, logRecords: [{ timeUnixNano: '1795887000000000000', severityNumber: 17, severityText: 'ERROR', eventName: 'payment.failed', body: { stringValue: 'card declined' } }] }],
  }],
};

describe("README's OpenTelemetry Collector snippet", () => {
  const config = collectorConfig();
  const [exporterId, exporter] = Object.entries(config.exporters)[0]!;

  it('uses the exporter under its current name, with keys and values the Collector knows', () => {
    expect(exporterId.split('/')[0]).toBe('otlp_http');
    for (const key of Object.keys(exporter)) expect(['endpoint', 'logs_endpoint', 'headers', 'encoding', 'compression']).toContain(key);
    if (exporter.encoding !== undefined) expect(['proto', 'json']).toContain(exporter.encoding);
    if (exporter.compression !== undefined) expect(['gzip', 'none']).toContain(exporter.compression);
    expect(new URL(logsUrl(exporter)).pathname).toBe('/v1/logs');
  });

  it('has a pipeline whose every component is defined, and a receiver other containers can reach', () => {
    const pipelines = Object.values(config.service.pipelines);
    expect(pipelines.length).toBeGreaterThan(0);
    for (const pipeline of pipelines) {
      for (const r of pipeline.receivers) expect(Object.keys(config.receivers)).toContain(r);
      for (const p of pipeline.processors ?? []) expect(Object.keys(config.processors ?? {})).toContain(p);
      for (const e of pipeline.exporters) expect(Object.keys(config.exporters)).toContain(e);
    }
    expect(pipelines.some((p) => p.exporters.includes(exporterId))).toBe(true);
    const http = config.receivers.otlp?.protocols?.http;
    expect(http?.endpoint, 'the OTLP receiver listens on localhost:4318 unless told otherwise').toMatch(/^0\.0\.0\.0:\d+$/);
  });

  for (const encoding of ['proto', 'json'] as const) {
    it(`alertcord accepts what the exporter sends with encoding ${encoding} (gzip, the token header) and answers in a type the Collector reads`, async () => {
      const h = appHarness({ INGEST_TOKEN: TOKEN });
      const url = new URL(logsUrl(exporter));
      const headers: Record<string, string> = {
        'Content-Type': encoding === 'proto' ? 'application/x-protobuf' : 'application/json',
        'Content-Encoding': 'gzip',
        'User-Agent': 'otelcol-contrib/0.165.0 (linux/amd64)',
      };
      for (const [name, value] of Object.entries(exporter.headers ?? {})) headers[name] = expand(value, { INGEST_TOKEN: TOKEN });
      const raw = encoding === 'proto'
        ? ExportLogsServiceRequest.encode(ExportLogsServiceRequest.fromObject(request)).finish()
        : new TextEncoder().encode(JSON.stringify(request));
      const res = await h.app.request(url.pathname, { method: 'POST', body: new Uint8Array(gzipSync(raw)), headers });
      expect(res.status).toBe(200);
      // handlePartialSuccessResponse switches on the exact Content-Type string.
      expect(res.headers.get('content-type')).toBe(headers['Content-Type']);
      const body = new Uint8Array(await res.arrayBuffer());
      if (encoding === 'proto') expect(ExportLogsServiceResponse.toObject(ExportLogsServiceResponse.decode(body))).toEqual({});
      else expect(JSON.parse(new TextDecoder().decode(body))).toEqual({});

      // Without the header (INGEST_TOKEN unset at the Collector expands to "Bearer "): 401, not accepted.
      const refused = await h.app.request(url.pathname, {
        method: 'POST',
        body: new Uint8Array(gzipSync(raw)),
        headers: { ...headers, Authorization: expand('Bearer ${env:INGEST_TOKEN}', {}) },
      });
      expect(refused.status).toBe(401);
    });
  }
});
