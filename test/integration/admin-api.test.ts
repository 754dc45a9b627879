import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HOOK_IDS, startBridge, type Bridge } from '../helpers/bridge.js';

/** Every admin route, with the status it answers when allowed (the bridge's fake Discord takes the rest). */
const ROUTES = [
  { method: 'GET', path: '/api/status', ok: 200 },
  { method: 'POST', path: '/api/test/general', ok: 202 },
  { method: 'POST', path: '/api/validate', ok: 200 },
  { method: 'GET', path: '/api/dead-letter', ok: 200 },
  { method: 'POST', path: '/api/dead-letter/replay', ok: 200 },
] as const;

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function call(b: Bridge, route: (typeof ROUTES)[number], headers: Record<string, string> = {}) {
  const res = await fetch(`${b.url}${route.path}`, { method: route.method, headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

describe('the admin rule on every admin route (real loopback socket)', () => {
  describe('without ADMIN_TOKEN', () => {
    let bridge: Bridge;
    beforeAll(async () => {
      bridge = await startBridge();
    });
    afterAll(() => bridge.close());

    it.each(ROUTES)('$method $path is allowed from loopback', async (route) => {
      expect((await call(bridge, route)).status).toBe(route.ok);
    });

    it.each(ROUTES)('$method $path is refused 403 with X-Forwarded-For (a proxy in front)', async (route) => {
      const res = await call(bridge, route, { 'X-Forwarded-For': '203.0.113.7' });
      expect(res.status).toBe(403);
      expect((res.body.error as { code: string }).code).toBe('forbidden');
    });
  });

  describe('with ADMIN_TOKEN', () => {
    let bridge: Bridge;
    beforeAll(async () => {
      bridge = await startBridge({ env: { ADMIN_TOKEN } });
    });
    afterAll(() => bridge.close());

    it.each(ROUTES)('$method $path answers 401 without a token, even from loopback', async (route) => {
      const res = await call(bridge, route);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/Bearer/);
    });

    it.each(ROUTES)('$method $path answers 401 with a wrong bearer or basic password', async (route) => {
      expect((await call(bridge, route, { Authorization: 'Bearer not-the-token' })).status).toBe(401);
      expect((await call(bridge, route, { Authorization: basic('admin', 'not-the-token') })).status).toBe(401);
    });

    it.each(ROUTES)('$method $path is allowed with the bearer token, with and without X-Forwarded-For', async (route) => {
      expect((await call(bridge, route, { Authorization: `Bearer ${ADMIN_TOKEN}` })).status).toBe(route.ok);
      expect((await call(bridge, route, { Authorization: `Bearer ${ADMIN_TOKEN}`, 'X-Forwarded-For': '203.0.113.7' })).status).toBe(route.ok);
    });

    it.each(ROUTES)('$method $path is allowed with basic auth (any user, the token as password)', async (route) => {
      expect((await call(bridge, route, { Authorization: basic('ops', ADMIN_TOKEN) })).status).toBe(route.ok);
    });
  });
});

describe('admin API behaviour', () => {
  let bridge: Bridge | undefined;
  afterEach(async () => {
    await bridge?.close();
    bridge = undefined;
  });
  const get = async (b: Bridge, path: string, init: RequestInit = {}) => {
    const res = await fetch(`${b.url}/api${path}`, init);
    return { status: res.status, text: await res.clone().text(), body: (await res.json()) as Record<string, any> };
  };

  it('GET /api/status shows per webhook limits, breaker, 429 pause, queue, broken, last success and last error', async () => {
    bridge = await startBridge();
    bridge.fake.inject(HOOK_IDS.error!, { status: 500 }, { kind: '429', retryAfter: 30 });
    bridge.fake.setBroken(HOOK_IDS.security!);
    await bridge.post('/webhook/generic', { alert_type: 'error', title: 'paused' });
    await bridge.post('/webhook/generic', { alert_type: 'security', title: 'broken' });
    await bridge.post('/webhook/generic', { alert_type: 'monitoring', title: 'fine' });
    await expect.poll(() => bridge!.fake.stats.status429).toBe(1);
    await bridge.fake.waitForMessages(3, 10_000);
    const { status, body, text } = await get(bridge, '/status');
    expect(status).toBe(200);
    expect(body).toMatchObject({ store: { kind: 'memory', ok: true }, dryRun: null });
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(body.alertTypes).toContainEqual({ name: 'error', webhookId: HOOK_IDS.error, fallsBackToGeneral: false });
    const hook = (id: string) => (body.webhooks as any[]).find((w) => w.webhookId === id);
    const error = hook(HOOK_IDS.error!);
    expect(error.alertTypes).toEqual(['error']);
    expect(error.pause.reason).toBeTruthy();
    expect(Date.parse(error.pause.until)).toBeGreaterThan(Date.now() + 20_000);
    expect(error.queue).toMatchObject({ depth: 1 });
    expect(error.lastError).toMatchObject({ reason: 'server_error' });
    expect(error.breaker).toMatchObject({ state: 'closed', consecutiveFailures: 1 });
    expect(error.rateLimit).toEqual({ remaining: expect.any(Number), limit: expect.any(Number), resetAt: expect.any(String) });
    expect(hook(HOOK_IDS.security!).broken).toMatchObject({ since: expect.any(String) });
    // The broken mark is the webhook's last error too (Discord's refusal that set it).
    expect(hook(HOOK_IDS.security!).lastError).toMatchObject({ reason: 'broken_webhook', detail: hook(HOOK_IDS.security!).broken.reason });
    expect(hook(HOOK_IDS.monitoring!)).toMatchObject({ broken: null, pause: null, lastError: null, queue: { depth: 0, oldestAgeSeconds: 0 } });
    expect(Date.parse(hook(HOOK_IDS.monitoring!).lastSuccessAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(text).not.toMatch(/tok-\w+-secret|https?:\/\//);
  });

  it("GET /api/status names Discord's 400 as the webhook's last error: a channel refusing every message does not look fine", async () => {
    bridge = await startBridge();
    // What a forum channel answers a webhook that names no thread: every message is refused this way.
    const refusal = { message: 'Webhooks posted to forum channels must have a thread_name or thread_id', code: 220001 };
    bridge.fake.inject(HOOK_IDS.error!, { status: 400, body: refusal });
    await bridge.post('/webhook/generic', { alert_type: 'error', title: 'refused' });
    await expect.poll(async () => (await get(bridge!, '/dead-letter')).body.total).toBe(1);
    const error = ((await get(bridge, '/status')).body.webhooks as any[]).find((w) => w.webhookId === HOOK_IDS.error);
    expect(error).toMatchObject({ lastSuccessAt: null, breaker: { state: 'closed', consecutiveFailures: 0 } });
    expect(error.lastError).toMatchObject({ reason: 'invalid_body', detail: expect.stringContaining('220001'), at: expect.any(String) });
  });

  it('GET /api/status says why it runs dry', async () => {
    bridge = await startBridge({ env: { DRY_RUN: 'true' } });
    const { body } = await get(bridge, '/status');
    expect(body.dryRun).toBe('DRY_RUN is set');
  });

  it('POST /api/test/:type queues a test notification marked as a test; 202 with its id, then delivered', async () => {
    bridge = await startBridge();
    const res = await get(bridge, '/test/security', { method: 'POST' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ ok: true, alertType: 'security', webhookId: HOOK_IDS.security, notificationId: expect.any(String) });
    const [msg] = await bridge.fake.waitForMessages(1);
    expect(msg?.webhookId).toBe(HOOK_IDS.security);
    expect(JSON.stringify(msg?.body)).toContain('[TEST]');
    await expect.poll(async () => (await bridge!.runtime.store.history.get(res.body.notificationId as string))?.outcome.status).toBe('sent');
  });

  it('POST /api/test/:type answers 404 for an unknown type, in the error envelope', async () => {
    bridge = await startBridge();
    const res = await get(bridge, '/test/nope', { method: 'POST' });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'not_found', message: expect.stringContaining('nope') });
    expect(bridge.fake.stats.requests).toBe(0);
  });

  it('GET /api/dead-letter refuses a bad limit or an unknown parameter with 400 naming it, as /history does', async () => {
    bridge = await startBridge();
    for (const query of ['limit=abc', 'limit=0', 'lmit=5']) {
      const res = await get(bridge, `/dead-letter?${query}`);
      expect(res.status).toBe(400);
      expect((res.body.error as { details: { path: string }[] }).details[0]?.path).toBe(query.split('=')[0]);
    }
    expect((await get(bridge, '/dead-letter?limit=5000')).status).toBe(200);
  });

  // `server.request_timeout` also set the sockets' idle timeout, and a socket waiting for its answer is idle to
  // Node: a validate waiting out `discord.timeout` (up to 300 s) longer than it had its connection destroyed,
  // so while Discord hung curl got "Empty reply from server" and the dashboard "alertcord did not answer".
  it('POST /api/validate answers with the timeouts while Discord hangs, also when discord.timeout is longer than server.request_timeout', { timeout: 30_000 }, async () => {
    bridge = await startBridge({ env: { DISCORD_TIMEOUT_SECONDS: '3' }, yaml: 'server:\n  request_timeout: 1s\n' });
    bridge.fake.setDown({ kind: 'hang' });
    const res = await get(bridge, '/validate', { method: 'POST' });
    bridge.fake.setDown(null);
    expect(res.status).toBe(200);
    expect(res.body.valid).toBe(false);
    const errors = (res.body.webhooks as { valid: boolean; error?: string }[]).map((w) => w.valid || /timeout/i.test(w.error ?? ''));
    expect(errors).toEqual(Object.keys(HOOK_IDS).map(() => true));
  });

  it('POST /api/validate GETs each webhook, reports the broken one, and posts nothing', async () => {
    bridge = await startBridge();
    bridge.fake.setBroken(HOOK_IDS.critical!);
    const res = await get(bridge, '/validate', { method: 'POST' });
    expect(res.status).toBe(200);
    expect(res.body.valid).toBe(false);
    const byId = new Map((res.body.webhooks as { webhookId: string; valid: boolean }[]).map((w) => [w.webhookId, w.valid]));
    expect(byId.size).toBe(6);
    expect(byId.get(HOOK_IDS.critical!)).toBe(false);
    expect(byId.get(HOOK_IDS.general!)).toBe(true);
    expect(bridge.fake.requests.every((r) => r.method === 'GET')).toBe(true);
    expect(bridge.fake.messages).toHaveLength(0);
    expect(res.text).not.toMatch(/tok-\w+-secret/);
  });
});
