import { describe, expect, it } from 'vitest';
import { appHarness, LOOPBACK_ENV, REMOTE_ENV } from '../../helpers/app-harness.js';

describe('health', () => {
  it('is live and ready with a webhook', async () => {
    const h = appHarness();
    expect((await h.app.request('/healthz')).status).toBe(200);
    const ready = await h.app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { store: { ok: true } } });
  });

  it('is not ready in dry-run, naming the variables to set', async () => {
    const h = appHarness({ DRY_RUN: '1' });
    const res = await h.app.request('/readyz');
    expect(res.status).toBe(503);
    expect(((await res.json()) as { dryRun: string }).dryRun).toContain('DRY_RUN');
  });
});

describe('the admin rule under /api', () => {
  const get = (h: ReturnType<typeof appHarness>, headers: Record<string, string>, env: object) => h.app.request('/api/ping', { headers }, env);

  it('without ADMIN_TOKEN lets loopback clients in, but not with X-Forwarded-For, nor remote clients', async () => {
    const h = appHarness();
    expect((await get(h, {}, LOOPBACK_ENV)).status).toBe(200);
    expect((await get(h, { 'x-forwarded-for': '198.51.100.1' }, LOOPBACK_ENV)).status).toBe(403);
    expect((await get(h, {}, REMOTE_ENV)).status).toBe(403);
    expect((await h.app.request('/api/ping')).status).toBe(403);
  });

  it.each([
    ['forwarded', 'for=198.51.100.1'],
    ['x-real-ip', '198.51.100.1'],
    ['via', '1.1 proxy.example'],
  ])('without ADMIN_TOKEN refuses a loopback request that a proxy marked with %s', async (header, value) => {
    expect((await get(appHarness(), { [header]: value }, LOOPBACK_ENV)).status).toBe(403);
  });

  it('without ADMIN_TOKEN refuses what another web page makes the loopback browser send (DNS rebinding, cross-site POST)', async () => {
    const h = appHarness();
    const at = (host: string, headers: Record<string, string> = {}) => get(h, { host, ...headers }, LOOPBACK_ENV);
    // The operator's own page and tools: localhost (also through ssh -L), loopback literals, curl.
    expect((await at('localhost:8080')).status).toBe(200);
    expect((await at('127.0.0.1:8080', { origin: 'http://127.0.0.1:8080', 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await at('[::1]:8080', { 'sec-fetch-site': 'none' })).status).toBe(200);
    // DNS rebinding: the attacker's name now resolves to 127.0.0.1, and the browser sends it as Host.
    expect((await at('rebind.attacker.example:8080')).status).toBe(403);
    // A cross-origin request from the attacker's page: Origin names it, Fetch Metadata says cross-site.
    expect((await at('localhost:8080', { origin: 'https://attacker.example' })).status).toBe(403);
    expect((await at('localhost:8080', { origin: 'null' })).status).toBe(403);
    expect((await at('localhost:8080', { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await at('localhost:8080', { origin: 'http://localhost:3000', 'sec-fetch-site': 'same-site' })).status).toBe(403);
  });

  it('with ADMIN_TOKEN refuses a cross-site browser request even with the credential (a cached basic-auth password)', async () => {
    const h = appHarness({ ADMIN_TOKEN: 'adm1n-s3cret' });
    const basic = `Basic ${Buffer.from('ops:adm1n-s3cret').toString('base64')}`;
    expect((await get(h, { authorization: basic, 'sec-fetch-site': 'same-origin' }, REMOTE_ENV)).status).toBe(200);
    expect((await get(h, { authorization: basic, 'sec-fetch-site': 'cross-site' }, REMOTE_ENV)).status).toBe(403);
  });

  it('with ADMIN_TOKEN takes a bearer token or a basic-auth password, from anywhere', async () => {
    const h = appHarness({ ADMIN_TOKEN: 'adm1n-s3cret' });
    expect((await get(h, { authorization: 'Bearer adm1n-s3cret' }, REMOTE_ENV)).status).toBe(200);
    const basic = `Basic ${Buffer.from('ops:adm1n-s3cret').toString('base64')}`;
    expect((await get(h, { authorization: basic }, REMOTE_ENV)).status).toBe(200);
    const wrong = await get(h, { authorization: 'Bearer nope' }, LOOPBACK_ENV);
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('Bearer');
    expect(await wrong.text()).not.toContain('adm1n-s3cret');
    expect((await get(h, {}, LOOPBACK_ENV)).status).toBe(401);
  });

  it('guards unknown /api paths too', async () => {
    const h = appHarness({ ADMIN_TOKEN: 't' });
    expect((await h.app.request('/api/whatever')).status).toBe(401);
  });
});
