import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import type { Logger } from 'pino';
import { ConfigError } from '../config/issues.js';
import { describeProxy, noProxyForUndici, proxyIssues, proxySettings } from '../config/proxy.js';
import { tunnelPool } from './proxy-tunnel.js';

/** Connection pool of the default dispatcher: a few sockets per origin, kept alive between messages. */
const POOL = { connections: 8, keepAliveTimeout: 30_000 } as const;

/**
 * The undici dispatcher for Discord requests. With `HTTPS_PROXY` or `HTTP_PROXY` set it is undici's
 * `EnvHttpProxyAgent` (https targets use HTTPS_PROXY, else HTTP_PROXY; hosts in `NO_PROXY` go direct;
 * undici tunnels through the proxy with CONNECT, for http targets too). Values come from `env` only, never
 * from `process.env` behind our back, and the log line carries no credentials. Throws a ConfigError for a
 * proxy variable that is not an http(s) URL (the start fails fast). CONNECTs go through `tunnelPool`, so
 * a proxy that refuses or drops the tunnel fails the request instead of undici looping on it.
 */
export function createDispatcher(env: Record<string, string | undefined>, logger?: Logger): Dispatcher {
  const proxy = proxySettings(env);
  if (!proxy.httpProxy && !proxy.httpsProxy) return new Agent(POOL);
  const issues = proxyIssues(env);
  if (issues.length > 0) throw new ConfigError(issues);
  logger?.info(
    { httpsProxy: proxy.httpsProxy ? describeProxy(proxy.httpsProxy) : undefined, httpProxy: proxy.httpProxy ? describeProxy(proxy.httpProxy) : undefined, noProxy: proxy.noProxy },
    'outbound proxy: Discord requests go through the proxy (HTTPS_PROXY / HTTP_PROXY, except NO_PROXY hosts)',
  );
  // Empty strings (not undefined) stop undici from falling back to process.env.
  return new EnvHttpProxyAgent({ ...POOL, clientFactory: tunnelPool, httpProxy: proxy.httpProxy ?? '', httpsProxy: proxy.httpsProxy ?? proxy.httpProxy ?? '', noProxy: noProxyForUndici(proxy.noProxy ?? '') });
}
