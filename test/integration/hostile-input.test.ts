import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOOK_IDS, startBridge, type Bridge } from '../helpers/bridge.js';
import { fixtureBody } from '../helpers/fixtures.js';
import { rawExchange, startCanary } from '../helpers/raw-http.js';

/**
 * Hostile input over real sockets (issue 8, "Hostile input"): bodies over the limit with and without
 * Content-Length, absurdly deep JSON, wrong content types, slow clients, and payloads that try to
 * change where alertcord sends (SSRF) or a webhook that redirects.
 */

const LIMIT = 640 * 1024; // room for a 100,000-deep object (600 kB), well under it for the rest
const REQUEST_TIMEOUT_MS = 1000;
const INGEST = ['/webhook/alertmanager', '/webhook/grafana', '/webhook/generic', '/webhook/generic/error'];
const JSON_HEADERS = { 'content-type': 'application/json' };

let bridge: Bridge;
const port = () => bridge.server.address.port;
const queued = async () => {
  const keys = await bridge.runtime.store.queue.queueKeys();
  return (await Promise.all(keys.map((k) => bridge.runtime.store.queue.depth(k)))).reduce((a, b) => a + b, 0);
};
const head = (path: string, headers: string) => `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${headers}\r\n`;
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

/** Resolves once `check` holds, polling; fails after `ms`. */
async function eventually(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  bridge = await startBridge({ yaml: `server: { body_limit: ${LIMIT}, request_timeout: ${REQUEST_TIMEOUT_MS}ms }`, env: { DISCORD_RETRY_ATTEMPTS: '0' } });
});
afterAll(async () => bridge?.close());

describe('over-limit bodies: 413 before the handler', () => {
  it('with Content-Length: answered from the declared length, before any body byte is sent (raw socket)', async () => {
    for (const path of INGEST) {
      const ex = await rawExchange(port(), { head: head(path, `Content-Length: ${10 * 1024 * 1024}\r\n`), giveUpMs: 5_000 });
      expect(ex.status, path).toBe(413);
      // No body byte was ever sent: a 413 can only have come from the declared length (waiting for the body
      // would end in the request timeout's 408, not a 413), so no wall-clock bound is needed to say so.
      expect(ex.sentWhenAnswered).toBe(0);
    }
    expect(await queued()).toBe(0);
  });

  it('without Content-Length (chunked, endless): answered once the limit is passed, never reading it all (raw socket)', async () => {
    const piece = `${(16 * 1024).toString(16)}\r\n${'a'.repeat(16 * 1024)}\r\n`;
    for (const path of INGEST) {
      const ex = await rawExchange(port(), { head: head(path, 'Transfer-Encoding: chunked\r\n'), next: () => piece, everyMs: 2, giveUpMs: 8_000 });
      expect(ex.status, path).toBe(413);
      expect(ex.sentWhenAnswered!).toBeLessThan(LIMIT * 4);
      expect(ex.gaveUp, 'the server closes the connection of an endless body').toBe(false);
    }
    expect(await queued()).toBe(0);
  });

  it('fetch with a stream body and with a plain body over the limit: 413 in the error envelope', async () => {
    for (const path of INGEST) {
      let pulls = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull: async (c) => {
          pulls++;
          c.enqueue(new Uint8Array(32 * 1024).fill(32));
          await new Promise((r) => setTimeout(r, 1));
        },
      });
      const streamed = await fetch(`${bridge.url}${path}`, { method: 'POST', body: stream, headers: JSON_HEADERS, duplex: 'half' } as RequestInit);
      expect(streamed.status, path).toBe(413);
      expect(await errorCode(streamed)).toBe('payload_too_large');
      expect(pulls).toBeLessThan(1000);
      const plain = await bridge.post(path, { title: 'x'.repeat(LIMIT) });
      expect(plain.status, path).toBe(413);
    }
    if (bridge.runtime.app.routes.some((r) => r.method === 'POST' && r.path === '/v1/logs')) {
      const otlp = await fetch(`${bridge.url}/v1/logs`, { method: 'POST', body: `{"resourceLogs":[],"x":"${'x'.repeat(LIMIT)}"}`, headers: JSON_HEADERS });
      expect(otlp.status).toBe(413);
    }
    expect(await queued()).toBe(0);
  });
});

describe('malformed input', () => {
  it('answers 400 for 100,000-deep JSON (arrays and objects) and keeps serving', async () => {
    const deepArray = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const deepObject = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    for (const body of [deepArray, deepObject]) {
      for (const path of INGEST) {
        const res = await fetch(`${bridge.url}${path}`, { method: 'POST', body, headers: JSON_HEADERS });
        expect(res.status, path).toBe(400);
        expect(await errorCode(res)).toBe('too_deep');
      }
    }
    expect((await fetch(`${bridge.url}/healthz`)).status).toBe(200);
  });

  it('answers 415 for a wrong or missing content type', async () => {
    const types = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/jsonx', ''];
    for (const type of types) {
      for (const path of INGEST) {
        const res = await fetch(`${bridge.url}${path}`, { method: 'POST', body: new TextEncoder().encode('{"title":"x"}'), headers: type ? { 'content-type': type } : {} });
        expect(res.status, `${path} ${type}`).toBe(415);
        expect(await errorCode(res)).toBe('unsupported_media_type');
      }
    }
    expect(await queued()).toBe(0);
  });
});

describe('slow clients time out (server.request_timeout, as main.ts starts the server)', () => {
  const bound = REQUEST_TIMEOUT_MS + 2_500;

  it('a body trickled slower than the timeout: 408 and closed', async () => {
    const ex = await rawExchange(port(), { head: head('/webhook/generic', 'Content-Length: 100000\r\n'), next: () => ' ', everyMs: 100, giveUpMs: 10_000 });
    expect(ex.gaveUp).toBe(false);
    expect(ex.status).toBe(408);
    expect(ex.closedAfterMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(ex.closedAfterMs).toBeLessThan(bound);
  });

  it('headers trickled slower than the timeout: closed', async () => {
    const ex = await rawExchange(port(), { head: 'POST /webhook/generic HTTP/1.1\r\nHost: 127.0.0.1\r\n', next: (n) => `X-Slow-${n}: 1\r\n`, everyMs: 100, giveUpMs: 10_000 });
    expect(ex.gaveUp).toBe(false);
    expect(ex.closedAfterMs).toBeLessThan(bound);
    expect([undefined, 408]).toContain(ex.status);
  });

  it('a client that sends headers and then nothing: closed', async () => {
    const ex = await rawExchange(port(), { head: head('/webhook/generic', 'Content-Length: 20\r\n'), giveUpMs: 10_000 });
    expect(ex.gaveUp).toBe(false);
    expect(ex.closedAfterMs).toBeLessThan(bound);
    expect((await fetch(`${bridge.url}/healthz`)).status).toBe(200);
    expect(await queued()).toBe(0);
  });
});

describe('SSRF: only configured webhooks are ever contacted', () => {
  let canary: Awaited<ReturnType<typeof startCanary>>;
  beforeAll(async () => {
    canary = await startCanary();
  });
  afterAll(async () => canary?.close());

  it('no payload field changes where alertcord sends', async () => {
    bridge.fake.reset();
    const steal = `${canary.url}/api/webhooks/${HOOK_IDS.general}/stolen`;
    const am = fixtureBody<{ externalURL: string; alerts: { generatorURL: string }[] }>('alertmanager/firing-two-alerts.json');
    am.externalURL = steal;
    for (const a of am.alerts) a.generatorURL = steal;
    const grafana = fixtureBody<{ externalURL: string; alerts: Record<string, unknown>[] }>('grafana/firing-unified.json');
    grafana.externalURL = steal;
    for (const a of grafana.alerts) Object.assign(a, { generatorURL: steal, silenceURL: steal, dashboardURL: steal, panelURL: steal, imageURL: steal });
    const generic = {
      title: 'steal', url: steal, webhook: steal, webhook_url: steal, thread_id: '1', author: { name: 'a', url: steal, icon_url: steal },
      thumbnail: { url: steal }, image: { url: steal }, avatar_url: steal, labels: { webhook: steal },
    };
    const posts = [['/webhook/alertmanager', am], ['/webhook/grafana', grafana], ['/webhook/generic', generic], ['/webhook/generic/security', [generic, { ...generic, title: 'two' }]]] as const;
    for (const [path, body] of posts) expect((await bridge.post(path, body)).status, path).toBe(202);
    await bridge.fake.waitForMessages(4, 10_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(canary.hits).toEqual([]);
    const fakeHost = new URL(bridge.fake.origin).host;
    expect(bridge.fake.requests.every((r) => r.headers.host === fakeHost && r.url.includes('/webhooks/1000000000000000'))).toBe(true);
  });

  it('a webhook answering 3xx with Location is not followed', async () => {
    bridge.fake.reset();
    const codes = [301, 302, 303, 307, 308];
    const types = ['general', 'error', 'critical', 'monitoring', 'tracklist'];
    const ids: string[] = [];
    for (const [i, status] of codes.entries()) {
      const type = types[i]!;
      bridge.fake.inject(HOOK_IDS[type]!, { status, headers: { location: `${canary.url}/api/webhooks/${HOOK_IDS[type]}/redirected` }, body: '' });
      const res = await bridge.post(`/webhook/generic/${type}`, { title: `redirect ${status}` });
      ids.push(...((await res.json()) as { notifications: string[] }).notifications);
    }
    const history = bridge.runtime.store.history;
    await eventually(async () => (await Promise.all(ids.map((id) => history.get(id)))).every(Boolean));
    await new Promise((r) => setTimeout(r, 200));
    expect(canary.hits).toEqual([]);
    for (const id of ids) expect((await history.get(id))?.outcome.status).not.toBe('delivered');
    expect(bridge.fake.stats.requests).toBe(codes.length);
  });
});
