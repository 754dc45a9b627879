import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { decodeRpcStatus } from '../../../src/sources/otlp/response.js';
import { appHarness } from '../../helpers/app-harness.js';
import { fixtureBody } from '../../helpers/fixtures.js';

const TOKEN = 'ingest-t0ken-9f8e7d';
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const basic = (user: string, pass: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` });
const generic = { title: 'Backup failed', message: 'exit 2' };

type ErrorBody = { error: { code: string; message: string; requestId: string } };

describe('inbound auth: INGEST_TOKEN', () => {
  it('is open when no token is configured (as before)', async () => {
    const h = appHarness();
    expect((await h.post('/webhook/generic', generic)).status).toBe(202);
  });

  it('takes a bearer token or a basic-auth password on every /webhook route', async () => {
    const h = appHarness({ INGEST_TOKEN: TOKEN });
    expect((await h.post('/webhook/generic', generic, bearer(TOKEN))).status).toBe(202);
    expect((await h.post('/webhook/generic/security', generic, basic('alertmanager', TOKEN))).status).toBe(202);
    expect((await h.post('/webhook/alertmanager', fixtureBody('alertmanager/firing-two-alerts.json'), bearer(TOKEN))).status).toBe(202);
    expect((await h.post('/webhook/grafana', fixtureBody('grafana/firing-unified.json'), { authorization: `bearer ${TOKEN}` })).status).toBe(202);
  });

  it('takes a token with inner whitespace as a bearer token too: the whole rest of the header, as Alertmanager and Grafana send it', async () => {
    const phrase = 'correct horse  battery staple';
    const h = appHarness({ INGEST_TOKEN: phrase });
    expect((await h.post('/webhook/generic', generic, bearer(phrase))).status).toBe(202);
    expect((await h.post('/webhook/generic', generic, basic('alertmanager', phrase))).status).toBe(202);
    expect((await h.post('/webhook/generic', generic, bearer('correct'))).status).toBe(401);
    expect((await h.post('/webhook/generic', generic, bearer('correct horse battery staple'))).status).toBe(401);
  });

  // Header values reach Node as latin1 bytes: a UTF-8 token sent as configured never matched.
  it('takes a non-ASCII bearer token as its UTF-8 bytes arrive (Node reads headers as latin1)', async () => {
    const h = appHarness({ INGEST_TOKEN: 'pässwort-öl' });
    const onTheWire = Buffer.from('pässwort-öl', 'utf8').toString('latin1');
    expect((await h.post('/webhook/generic', generic, bearer(onTheWire))).status).toBe(202);
    expect((await h.post('/webhook/generic', generic, bearer(Buffer.from('passwort-ol', 'utf8').toString('latin1')))).status).toBe(401);
  });

  it('answers 401 with WWW-Authenticate in the JSON envelope, before reading the body, never echoing a credential', async () => {
    const h = appHarness({ INGEST_TOKEN: TOKEN });
    const cases: Record<string, string>[] = [{}, bearer('nope'), bearer(`${TOKEN}x`), basic(TOKEN, 'wrong'), { authorization: TOKEN }, { authorization: 'Basic !!!' }];
    for (const headers of cases) {
      for (const path of ['/webhook/generic', '/webhook/alertmanager', '/webhook/grafana', '/webhook/generic/error', '/webhook/unknown']) {
        const res = await h.post(path, 'not even json', headers);
        expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="alertcord ingest", Basic/);
        const text = await res.text();
        expect(text).not.toContain(TOKEN);
        const body = JSON.parse(text) as ErrorBody;
        expect(body.error.code).toBe('unauthorized');
        expect(body.error.requestId).toBeTruthy();
      }
    }
    expect(await h.store.queue.depth('1')).toBe(0);
  });

  it('guards /v1/logs with an OTLP Status (UNAUTHENTICATED) in the request encoding', async () => {
    const h = appHarness({ INGEST_TOKEN: TOKEN });
    const json = await h.app.request('/v1/logs', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(json.status).toBe(401);
    expect(json.headers.get('www-authenticate')).toContain('Bearer');
    expect(await json.json()).toMatchObject({ code: 16, details: [] });
    const proto = await h.app.request('/v1/logs', { method: 'POST', body: new Uint8Array(0), headers: { 'content-type': 'application/x-protobuf' } });
    expect(proto.status).toBe(401);
    expect(proto.headers.get('content-type')).toBe('application/x-protobuf');
    expect(decodeRpcStatus(new Uint8Array(await proto.arrayBuffer())).code).toBe(16);
    const ok = await h.app.request('/v1/logs', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', ...bearer(TOKEN) } });
    expect(ok.status).not.toBe(401);
  });

  it('per-source tokens from YAML override INGEST_TOKEN for their route only', async () => {
    const yaml = 'sources:\n  alertmanager: { token: "${AM_TOKEN}" }\n  otlp: { token: otlp-only }\n';
    const h = appHarness({ INGEST_TOKEN: TOKEN, AM_TOKEN: 'am-t0ken' }, yaml);
    const am = fixtureBody('alertmanager/firing-two-alerts.json');
    expect((await h.post('/webhook/alertmanager', am, bearer(TOKEN))).status).toBe(401);
    expect((await h.post('/webhook/alertmanager', am, bearer('am-t0ken'))).status).toBe(202);
    expect((await h.post('/webhook/generic', generic, bearer('am-t0ken'))).status).toBe(401);
    expect((await h.post('/webhook/generic', generic, bearer(TOKEN))).status).toBe(202);
    const logs = (t: string) => h.app.request('/v1/logs', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', ...bearer(t) } });
    expect((await logs(TOKEN)).status).toBe(401);
    expect((await logs('otlp-only')).status).not.toBe(401);
  });

  it('a per-source token alone protects only that source', async () => {
    const h = appHarness({}, 'sources: { generic: { token: gen-t0k } }');
    expect((await h.post('/webhook/generic', generic)).status).toBe(401);
    expect((await h.post('/webhook/generic', generic, bearer('gen-t0k'))).status).toBe(202);
    expect((await h.post('/webhook/alertmanager', fixtureBody('alertmanager/firing-two-alerts.json'))).status).toBe(202);
  });
});

describe('inbound auth: configuration', () => {
  const base = { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/general-token' };

  it('reads INGEST_TOKEN_FILE, GRAFANA_HMAC_SECRET_FILE and NAME_FILE of variables the YAML references', () => {
    const files: Record<string, string> = { '/run/secrets/ingest': `${TOKEN}\n`, '/run/secrets/hmac': 'hm4c\n', '/run/secrets/am': 'am-from-file\n' };
    const readFile = (p: string) => {
      const v = files[p];
      if (v === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      return v;
    };
    const env = { ...base, INGEST_TOKEN_FILE: '/run/secrets/ingest', GRAFANA_HMAC_SECRET_FILE: '/run/secrets/hmac', AM_TOKEN_FILE: '/run/secrets/am' };
    const result = loadConfig({ env, readFile, yaml: 'sources: { alertmanager: { token: "${AM_TOKEN}" } }' });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.config.ingest.token?.reveal()).toBe(TOKEN);
    expect(result.config.ingest.grafanaHmac?.secret.reveal()).toBe('hm4c');
    expect(result.config.ingest.sourceTokens.alertmanager?.reveal()).toBe('am-from-file');
    expect(JSON.stringify(result.config.ingest)).not.toMatch(/ingest-t0ken|hm4c|am-from-file/);
  });

  it('names a bad header name and an unknown key by path, and warns about an empty per-source token', () => {
    const bad = loadConfig({ env: { ...base, GRAFANA_HMAC_TIMESTAMP_HEADER: 'bad header' }, yaml: 'sources: { grafana: { hmac_header: "a:b" }, slack: {} }' });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    const paths = bad.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['sources.grafana.hmac_header', 'sources']));
    const warned = loadConfig({ env: base, yaml: 'sources: { generic: { token: "${UNSET_VAR}" } }' });
    expect(warned.ok && warned.warnings.some((w) => w.includes('sources.generic.token is empty'))).toBe(true);
  });
});

describe('Grafana HMAC', () => {
  const SECRET = 'grafana-hmac-s3cret';
  const sign = (body: string, ts?: string) => createHmac('sha256', SECRET).update(ts === undefined ? body : `${ts}:${body}`).digest('hex');
  const payload = JSON.stringify(fixtureBody('grafana/firing-unified.json'));
  const now = () => String(Math.floor(Date.now() / 1000));

  it('accepts the hex HMAC-SHA256 of the raw body and refuses a missing, wrong or other-body signature', async () => {
    const h = appHarness({ GRAFANA_HMAC_SECRET: SECRET });
    expect((await h.post('/webhook/grafana', payload, { 'X-Grafana-Alerting-Signature': sign(payload) })).status).toBe(202);
    expect((await h.post('/webhook/grafana', ` ${payload}`, { 'X-Grafana-Alerting-Signature': sign(payload) })).status).toBe(401);
    const missing = await h.post('/webhook/grafana', payload);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toContain('HMAC');
    const wrong = await h.post('/webhook/grafana', payload, { 'X-Grafana-Alerting-Signature': 'ab'.repeat(32) });
    expect(wrong.status).toBe(401);
    const text = await wrong.text();
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(sign(payload));
    // The other sources are not signed.
    expect((await h.post('/webhook/generic', { title: 'x' })).status).toBe(202);
  });

  it('accepts the code default header name too while none is configured; only the configured one otherwise', async () => {
    const h = appHarness({ GRAFANA_HMAC_SECRET: SECRET });
    expect((await h.post('/webhook/grafana', payload, { 'X-Grafana-Alert-Signature': sign(payload) })).status).toBe(202);
    const custom = appHarness({}, `sources: { grafana: { hmac_secret: ${SECRET}, hmac_header: X-Sig } }`);
    expect((await custom.post('/webhook/grafana', payload, { 'X-Sig': sign(payload).toUpperCase() })).status).toBe(202);
    expect((await custom.post('/webhook/grafana', payload, { 'X-Grafana-Alerting-Signature': sign(payload) })).status).toBe(401);
    // Configured as a default name (the one Grafana's UI suggests), the other default is read too: some builds send it.
    const named = appHarness({ GRAFANA_HMAC_SECRET: SECRET, GRAFANA_HMAC_HEADER: 'x-grafana-alerting-signature' });
    expect((await named.post('/webhook/grafana', payload, { 'X-Grafana-Alert-Signature': sign(payload) })).status).toBe(202);
    expect((await named.post('/webhook/grafana', payload, { 'X-Grafana-Alert-Signature': 'ab'.repeat(32) })).status).toBe(401);
  });

  it('with a timestamp header signs timestamp + ":" + body and refuses more than 5 minutes off', async () => {
    const h = appHarness({ GRAFANA_HMAC_SECRET: SECRET, GRAFANA_HMAC_TIMESTAMP_HEADER: 'X-Grafana-Alerting-Timestamp' });
    const at = (ts: string, sig = sign(payload, ts)) => h.post('/webhook/grafana', payload, { 'X-Grafana-Alerting-Signature': sig, 'X-Grafana-Alerting-Timestamp': ts });
    expect((await at(now())).status).toBe(202);
    const t = Math.floor(Date.now() / 1000);
    expect((await at(String(t - 240))).status).toBe(202);
    expect((await at(String(t - 360))).status).toBe(401);
    expect((await at(String(t + 360))).status).toBe(401);
    expect((await at(now(), sign(payload))).status).toBe(401); // body-only signature when a timestamp is expected
    expect((await at('12abc', sign(payload, '12abc'))).status).toBe(401);
    const noTs = await h.post('/webhook/grafana', payload, { 'X-Grafana-Alerting-Signature': sign(payload, now()) });
    expect(noTs.status).toBe(401);
    expect(((await noTs.json()) as ErrorBody).error.message).toContain('timestamp');
  });

  it('runs after the token check: both are needed when both are configured', async () => {
    const h = appHarness({ GRAFANA_HMAC_SECRET: SECRET, INGEST_TOKEN: TOKEN });
    const sig = { 'X-Grafana-Alerting-Signature': sign(payload) };
    expect((await h.post('/webhook/grafana', payload, sig)).status).toBe(401);
    expect((await h.post('/webhook/grafana', payload, bearer(TOKEN))).status).toBe(401);
    expect((await h.post('/webhook/grafana', payload, { ...sig, ...bearer(TOKEN) })).status).toBe(202);
  });
});
