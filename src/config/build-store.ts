import { Secret } from '../lib/secret.js';
import type { EnvConfig } from './env.js';
import type { ConfigIssue } from './issues.js';
import { redisStoreSchema, type RedisStoreFileConfig } from './schema.js';
import type { StoreConfig } from './types.js';

export const DEFAULT_REDIS_PORT = 6379;

export interface StoreBuild {
  store: StoreConfig;
  issues: ConfigIssue[];
  warnings: string[];
}

/** Where the Redis URL came from: the issue path of every problem with it. */
interface UrlSource {
  text: string;
  path: 'REDIS_URL' | 'REDIS_HOST' | 'store.redis.url';
}

const URL_SHAPE = 'must look like redis://[user:password@]host[:port][/db] (or rediss:// for TLS)';

/**
 * The store section of Config (issue 6). `REDIS_URL`, else `REDIS_HOST` (+ `REDIS_PORT`, `REDIS_DB`), else
 * `store.redis.url` selects Redis; none of them keeps the memory store. The password comes only from
 * `REDIS_PASSWORD` / `REDIS_PASSWORD_FILE` (or a REDIS_URL given by the environment), never from the YAML
 * file, and the whole URL is held as a Secret. Problems are never reported with the URL's text in them.
 */
export function buildStoreConfig(file: RedisStoreFileConfig | undefined, env: EnvConfig): StoreBuild {
  const issues: ConfigIssue[] = [];
  const warnings: string[] = [];
  const source = selectSource(file?.url, env, warnings, issues);
  if (issues.length > 0) return { store: { kind: 'memory' }, issues, warnings };
  if (!source) {
    if (file) warnings.push('store.redis is configured but no Redis URL is set (store.redis.url, REDIS_URL or REDIS_HOST): using the memory store');
    // A password set for a Redis that is not: the operator meant Redis, and gets a store lost on restart.
    else if (env.REDIS_PASSWORD !== undefined) warnings.push('REDIS_PASSWORD is set without REDIS_URL or REDIS_HOST: using the memory store');
    return { store: { kind: 'memory' }, issues, warnings };
  }
  const url = parseRedisUrl(source, issues);
  if (!url) return { store: { kind: 'memory' }, issues, warnings };
  applyPassword(url, source, env.REDIS_PASSWORD, issues);
  const tuning = file ?? redisStoreSchema.parse({});
  if (tuning.visibility_timeout <= 2 * tuning.command_timeout) {
    issues.push({ path: 'store.redis.visibility_timeout', message: 'must be more than twice store.redis.command_timeout (leases are renewed every third of it)' });
  }
  return {
    issues,
    warnings,
    store: {
      kind: 'redis',
      url: new Secret(url.toString()),
      address: `${url.hostname}:${url.port || DEFAULT_REDIS_PORT}`,
      db: dbOf(url),
      tls: url.protocol === 'rediss:',
      keyPrefix: tuning.key_prefix,
      visibilityTimeoutMs: tuning.visibility_timeout,
      commandTimeoutMs: tuning.command_timeout,
      durability: tuning.durability,
    },
  };
}

/** One line for the startup log: `redis (prefix alertcord, db 0)`; never the URL or its credentials. */
export function describeStore(store: StoreConfig): string {
  if (store.kind === 'memory') return 'memory (queued notifications are lost when the process exits)';
  const durability = store.durability === 'fsync' ? ', durability fsync' : '';
  return `redis (prefix ${store.keyPrefix}, db ${store.db}${store.tls ? ', tls' : ''}${durability})`;
}

function selectSource(fileUrl: string | undefined, env: EnvConfig, warnings: string[], issues: ConfigIssue[]): UrlSource | undefined {
  const url = env.REDIS_URL?.trim();
  const host = env.REDIS_HOST?.trim();
  if (url) {
    if (host || env.REDIS_PORT !== undefined || env.REDIS_DB !== undefined) warnings.push('REDIS_HOST, REDIS_PORT and REDIS_DB are ignored: REDIS_URL is set');
    return { text: url, path: 'REDIS_URL' };
  }
  if (host) {
    const problem = hostProblem(host);
    if (problem) {
      issues.push({ path: 'REDIS_HOST', message: problem });
      return undefined;
    }
    const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    return { text: `redis://${hostPart}:${env.REDIS_PORT ?? DEFAULT_REDIS_PORT}/${env.REDIS_DB ?? 0}`, path: 'REDIS_HOST' };
  }
  if (env.REDIS_PORT !== undefined || env.REDIS_DB !== undefined) warnings.push('REDIS_PORT / REDIS_DB are set without REDIS_HOST: ignored');
  const fromFile = fileUrl?.trim();
  return fromFile ? { text: fromFile, path: 'store.redis.url' } : undefined;
}

const HOST_SHAPE = 'must be a host name or IP address alone: the port goes in REDIS_PORT, the database in REDIS_DB, the password in REDIS_PASSWORD (or set the whole URL as REDIS_URL)';

/**
 * REDIS_HOST is a host and nothing else. What else it carried was misread: `redis:6380` as an IPv6 address
 * (then refused as "not a URL", a shape REDIS_HOST is not meant to have), `user@redis`, `redis?db=2` or
 * `redis#x` as a user, a query or a fragment of the URL built from it, REDIS_PORT / REDIS_DB silently lost.
 */
function hostProblem(host: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host)) return 'is a URL: set it as REDIS_URL instead, or give the host name alone here';
  // One colon (a name or IPv4 and a port), or a bracketed IPv6 address followed by one; a bare IPv6 has several.
  if (/^[^:[\]]+:\d*$/.test(host) || /^\[[^\]]*\]:\d*$/.test(host)) return 'carries a port: give the host alone here and the port in REDIS_PORT';
  if (/[\s/?#@\\]/.test(host)) return HOST_SHAPE;
  return undefined;
}

function parseRedisUrl(source: UrlSource, issues: ConfigIssue[]): URL | undefined {
  let url: URL;
  try {
    url = new URL(source.text);
  } catch {
    issues.push({ path: source.path, message: source.path === 'REDIS_HOST' ? HOST_SHAPE : `not a URL: ${URL_SHAPE}` });
    return undefined;
  }
  const problem = urlProblem(url, source.path);
  if (problem) {
    issues.push({ path: source.path, message: problem });
    return undefined;
  }
  return url;
}

function urlProblem(url: URL, path: UrlSource['path']): string | undefined {
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return `unsupported scheme "${url.protocol}": ${URL_SHAPE}`;
  if (!url.hostname) return `no host: ${URL_SHAPE}`;
  if (!/^\/?(\d{1,7})?$/.test(url.pathname)) return `the path must be a database number: ${URL_SHAPE}`;
  if (path === 'store.redis.url' && (url.password || url.username)) {
    return 'must not carry credentials: set REDIS_PASSWORD or REDIS_PASSWORD_FILE (or REDIS_URL in the environment)';
  }
  // ioredis decodes them with decodeURIComponent, which throws on a stray `%`: the start died with a stack trace.
  if (!decodable(url.username) || !decodable(url.password)) {
    return 'the user or password has a "%" that is not percent-encoding: write it as %25 (or set REDIS_PASSWORD, which is encoded for you)';
  }
  return undefined;
}

function decodable(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

function applyPassword(url: URL, source: UrlSource, password: string | undefined, issues: ConfigIssue[]): void {
  if (!password) return;
  if (url.password) {
    issues.push({ path: 'REDIS_PASSWORD', message: `${source.path} already carries a password: set only one of them` });
    return;
  }
  // ioredis decodes the URL's userinfo with decodeURIComponent: any character survives this round trip.
  url.password = encodeURIComponent(password);
}

function dbOf(url: URL): number {
  const digits = url.pathname.replace(/^\//, '');
  return digits === '' ? 0 : Number(digits);
}
