import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import type { Logger } from 'pino';
import { ConfigError, type ConfigIssue } from '../config/issues.js';

/** Connection pool of the default dispatcher: a few sockets per origin, kept alive between messages. */
const POOL = { connections: 8, keepAliveTimeout: 30_000 } as const;

/** The proxy variables in effect, read like curl and undici do (lower case first). */
export interface ProxySettings {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

/** `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` (or their lower-case forms) from `env`; blank means unset. */
export function proxySettings(env: Record<string, string | undefined>): ProxySettings {
  const pick = (name: string) => {
    const value = (env[name.toLowerCase()] ?? env[name])?.trim();
    return value ? value : undefined;
  };
  return { httpProxy: pick('HTTP_PROXY'), httpsProxy: pick('HTTPS_PROXY'), noProxy: pick('NO_PROXY') };
}

/** A proxy URL for logs: scheme, host and port only (credentials and path dropped); unparsable ones say so. */
export function describeProxy(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(unparsable proxy URL)';
  }
}

/** Proxy variables that are not an http(s) URL, with the variable's name as path (check-config, start). */
export function proxyIssues(env: Record<string, string | undefined>): ConfigIssue[] {
  const proxy = proxySettings(env);
  const issues: ConfigIssue[] = [];
  for (const [path, value] of [['HTTP_PROXY', proxy.httpProxy], ['HTTPS_PROXY', proxy.httpsProxy]] as const) {
    if (value === undefined) continue;
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      ok = false;
    }
    if (!ok) issues.push({ path, message: 'must be an http:// or https:// URL, e.g. http://proxy.internal:3128 (credentials as http://user:password@host:port)' });
  }
  return issues;
}

/**
 * The undici dispatcher for Discord requests. With `HTTPS_PROXY` or `HTTP_PROXY` set it is undici's
 * `EnvHttpProxyAgent` (https targets use HTTPS_PROXY, else HTTP_PROXY; hosts in `NO_PROXY` go direct;
 * undici tunnels through the proxy with CONNECT, for http targets too). Values come from `env` only, never
 * from `process.env` behind our back, and the log line carries no credentials. Throws a ConfigError for a
 * proxy variable that is not an http(s) URL (the start fails fast).
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
  return new EnvHttpProxyAgent({ ...POOL, httpProxy: proxy.httpProxy ?? '', httpsProxy: proxy.httpsProxy ?? proxy.httpProxy ?? '', noProxy: proxy.noProxy ?? '' });
}
