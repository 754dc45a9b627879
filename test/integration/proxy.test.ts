import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, EnvHttpProxyAgent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/issues.js';
import { describeProxy, noProxyForUndici, proxyIssues, proxySettings } from '../../src/config/proxy.js';
import { createDispatcher } from '../../src/delivery/dispatcher.js';
import { HOOK_IDS } from '../helpers/bridge.js';
import { startFileRuntime, type FileRuntime } from '../helpers/file-runtime.js';
import { startForwardProxy, type ForwardProxy } from '../helpers/forward-proxy.js';

let rt: FileRuntime | undefined;
let proxy: ForwardProxy | undefined;
afterEach(async () => {
  await rt?.close();
  await proxy?.close();
  rt = undefined;
  proxy = undefined;
});

const yaml = (hook: (type: string) => string) => `alert_types:\n  general: { webhook: "${hook('general')}" }\n`;

describe('outbound proxy (HTTPS_PROXY / HTTP_PROXY / NO_PROXY)', () => {
  it('sends Discord requests through the proxy, with its credentials, and logs the proxy without them', async () => {
    proxy = await startForwardProxy();
    const withAuth = proxy.url.replace('http://', 'http://alice:pa55word@');
    rt = await startFileRuntime({ yaml, env: { HTTP_PROXY: withAuth } });
    const r = rt;
    expect((await r.post('/webhook/generic', { title: 'VIA-PROXY' })).status).toBe(202);
    await expect.poll(() => r.fake.messagesFor(HOOK_IDS.general!).length).toBe(1);
    // undici tunnels with CONNECT, for http targets too.
    expect(proxy.connects).toContain(new URL(r.fake.origin).host);
    expect(proxy.auth[0]).toBe(`Basic ${Buffer.from('alice:pa55word').toString('base64')}`);
    const line = r.logs.find((l) => l.msg.startsWith('outbound proxy'));
    expect(line).toMatchObject({ httpProxy: proxy.url });
    expect(JSON.stringify(r.logs)).not.toContain('pa55word');
  });

  it('goes direct to hosts in NO_PROXY', async () => {
    proxy = await startForwardProxy();
    rt = await startFileRuntime({ yaml, env: { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' } });
    const r = rt;
    await r.post('/webhook/generic', { title: 'DIRECT' });
    await expect.poll(() => r.fake.messagesFor(HOOK_IDS.general!).length).toBe(1);
    expect(proxy.count()).toBe(0);
  });

  it('goes direct to an IPv6 host written bare in NO_PROXY (as curl takes it), and to one bracketed with its port', async () => {
    proxy = await startForwardProxy();
    const target = createServer((_req, res) => res.end('direct'));
    await new Promise<void>((resolve) => target.listen(0, '::1', resolve));
    const { port } = target.address() as AddressInfo;
    try {
      for (const noProxy of ['localhost,::1', `[::1]:${port}`]) {
        const dispatcher = createDispatcher({ HTTP_PROXY: proxy.url, NO_PROXY: noProxy });
        const res = await request(`http://[::1]:${port}/`, { dispatcher });
        expect(await res.body.text()).toBe('direct');
        await dispatcher.close();
      }
      expect(proxy.count()).toBe(0);
      expect(noProxyForUndici(' ::1, fd00::2 ,.example.com,[::1]:80, 10.0.0.1:8080')).toBe('[::1],[fd00::2],.example.com,[::1]:80,10.0.0.1:8080');
    } finally {
      await new Promise((resolve) => target.close(resolve));
    }
  });

  it('uses a plain agent without proxy variables, reads lower-case ones first, rejects a proxy that is not a URL', () => {
    expect(createDispatcher({})).toBeInstanceOf(Agent);
    expect(createDispatcher({ https_proxy: 'http://127.0.0.1:3128' })).toBeInstanceOf(EnvHttpProxyAgent);
    expect(proxySettings({ https_proxy: 'http://a:1', HTTPS_PROXY: 'http://b:2', NO_PROXY: ' ' })).toEqual({ httpsProxy: 'http://a:1', httpProxy: undefined, noProxy: undefined });
    expect(describeProxy('http://user:secret@proxy.internal:3128/x')).toBe('http://proxy.internal:3128');
    expect(proxyIssues({ HTTPS_PROXY: 'proxy.internal:3128' }).map((i) => i.path)).toEqual(['HTTPS_PROXY']);
    expect(() => createDispatcher({ HTTP_PROXY: 'not a url' })).toThrow(ConfigError);
  });

  it('names the variable that holds a bad proxy URL as it is set, lower case too (the one to fix)', () => {
    expect(proxyIssues({ https_proxy: 'proxy.internal:3128', HTTPS_PROXY: 'http://ok:1' }).map((i) => i.path)).toEqual(['https_proxy']);
    expect(proxyIssues({ http_proxy: 'not a url' }).map((i) => i.path)).toEqual(['http_proxy']);
  });
});
