import type { ConfigIssue } from './issues.js';

/** The proxy variables in effect, read like curl and undici do (lower case first). */
export interface ProxySettings {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

/**
 * The variable read for `name` (its lower-case form first, as curl and undici do) and its value; blank
 * means unset. The variable is returned too, so an error names the one actually set (`https_proxy`).
 */
function pickProxyVariable(env: Record<string, string | undefined>, name: string): { variable: string; value?: string } {
  const variable = env[name.toLowerCase()] !== undefined ? name.toLowerCase() : name;
  const value = env[variable]?.trim();
  return { variable, value: value ? value : undefined };
}

/** `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` (or their lower-case forms) from `env`; blank means unset. */
export function proxySettings(env: Record<string, string | undefined>): ProxySettings {
  const pick = (name: string) => pickProxyVariable(env, name).value;
  return { httpProxy: pick('HTTP_PROXY'), httpsProxy: pick('HTTPS_PROXY'), noProxy: pick('NO_PROXY') };
}

/**
 * NO_PROXY as undici's `EnvHttpProxyAgent` reads it. undici takes the text after an entry's last colon as a
 * port and compares hosts as URLs write them, so an IPv6 address written bare (`::1`, as curl accepts it)
 * became host `:` port 1 and never matched: requests to `http://[::1]:…` went through the proxy. Bare IPv6
 * entries are bracketed; a port after one cannot be told from its last group, so only `[addr]:port` has one.
 */
export function noProxyForUndici(noProxy: string): string {
  return noProxy
    .split(/[,\s]+/)
    .filter((entry) => entry !== '')
    .map((entry) => (!entry.startsWith('[') && entry.split(':').length > 2 ? `[${entry}]` : entry))
    .join(',');
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

/** Proxy variables that are not an http(s) URL, with the variable's name as set as path (check-config, start). */
export function proxyIssues(env: Record<string, string | undefined>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const { variable: path, value } of [pickProxyVariable(env, 'HTTP_PROXY'), pickProxyVariable(env, 'HTTPS_PROXY')]) {
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
