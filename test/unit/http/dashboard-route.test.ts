import { describe, expect, it } from 'vitest';
import { DASHBOARD_CSP, dashboardRoutes, loadDashboard } from '../../../src/http/routes/dashboard.js';

const app = dashboardRoutes();

describe('dashboard route', () => {
  it('serves the page with a self-only CSP, security headers and no-cache + ETag', async () => {
    const res = await app.request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    expect(DASHBOARD_CSP).toContain("default-src 'none'");
    expect(DASHBOARD_CSP).not.toMatch(/unsafe|https?:|\*/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const etag = res.headers.get('etag')!;
    expect((await app.request('/', { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it('versions asset URLs in the page; a current ?v= is immutable, anything else revalidates', async () => {
    const html = await (await app.request('/')).text();
    const refs = [...html.matchAll(/"\/dashboard\/([\w.-]+)\?v=(\w+)"/g)].map((m) => ({ name: m[1]!, v: m[2]! }));
    expect(refs.map((r) => r.name).sort()).toEqual(['app.js', 'favicon.svg', 'style.css']);
    for (const { name, v } of refs) {
      const res = await app.request(`/dashboard/${name}?v=${v}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect((await app.request(`/dashboard/${name}?v=stale`)).headers.get('cache-control')).toBe('no-cache');
    }
    expect((await app.request('/dashboard/style.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await app.request('/dashboard/render-status.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('answers 404 in the error envelope for unknown files and never serves outside its folder', async () => {
    for (const path of ['/dashboard/nope.js', '/dashboard/index.html', '/dashboard/..%2Fruntime.ts', '/dashboard/%2e%2e%2fpackage.json']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(404);
    }
    expect([...loadDashboard().keys()].every((name) => /^[\w.-]+\.(html|js|css|svg)$/.test(name))).toBe(true);
  });

  it('has no inline script or style and no external URL in any file (the CSP would block them)', () => {
    for (const [name, asset] of loadDashboard()) {
      expect(asset.body, name).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|\bon[a-z]+="/i);
      expect(asset.body.replace(/http:\/\/www\.w3\.org\/2000\/svg/g, ''), name).not.toMatch(/https?:\/\//);
    }
  });
});
