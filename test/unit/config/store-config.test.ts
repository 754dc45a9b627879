import { describe, expect, it } from 'vitest';
import { describeStore } from '../../../src/config/build-store.js';
import { loadConfig } from '../../../src/config/load.js';
import type { RedisStoreConfig } from '../../../src/config/types.js';

function load(env: Record<string, string> = {}, yaml = '', files: Record<string, string> = {}) {
  return loadConfig({ env, yaml, readFile: (p) => files[p] ?? (() => { throw Object.assign(new Error('nope'), { code: 'ENOENT' }); })() });
}

function redis(result: ReturnType<typeof load>): RedisStoreConfig {
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  if (result.config.store.kind !== 'redis') throw new Error('expected the redis store');
  return result.config.store;
}

function issuesOf(result: ReturnType<typeof load>): Record<string, string> {
  if (result.ok) throw new Error('expected issues');
  return Object.fromEntries(result.issues.map((i) => [i.path, i.message]));
}

describe('store selection', () => {
  it('keeps the memory store without REDIS_URL / REDIS_HOST', () => {
    const result = load();
    expect(result.ok && result.config.store).toEqual({ kind: 'memory' });
    expect(result.ok && describeStore(result.config.store)).toMatch(/^memory/);
  });

  it('selects Redis with REDIS_URL, with the documented defaults', () => {
    const store = redis(load({ REDIS_URL: 'redis://cache.internal:6380/2' }));
    expect(store).toMatchObject({ kind: 'redis', address: 'cache.internal:6380', db: 2, tls: false, keyPrefix: 'alertcord', visibilityTimeoutMs: 60_000, commandTimeoutMs: 1_500, durability: 'none' });
    expect(store.url.reveal()).toBe('redis://cache.internal:6380/2');
    expect(describeStore(store)).toBe('redis (prefix alertcord, db 2)');
  });

  it('builds the URL from REDIS_HOST, REDIS_PORT, REDIS_DB and a password file, keeping the password secret', () => {
    const password = 'p@ss:w/rd%&?#';
    const store = redis(load({ REDIS_HOST: '10.0.0.5', REDIS_DB: '3', REDIS_PASSWORD_FILE: '/run/secrets/redis' }, '', { '/run/secrets/redis': `${password}\n` }));
    expect(store).toMatchObject({ address: '10.0.0.5:6379', db: 3 });
    const url = new URL(store.url.reveal());
    expect(decodeURIComponent(url.password)).toBe(password); // what ioredis does with it
    expect(url.port).toBe('6379');
    const shown = `${describeStore(store)} ${JSON.stringify(store)} ${String(store.url)}`;
    expect(shown).not.toContain('p@ss');
    expect(shown).not.toContain(encodeURIComponent(password));
  });

  // README: REDIS_HOST is the host, REDIS_PORT / REDIS_DB the rest. `REDIS_HOST=redis:6380` was read as an IPv6
  // address and refused as "not a URL: must look like redis://…", a shape REDIS_HOST is not meant to have;
  // `user@redis`, `redis?db=2` or `redis#x` were taken, the extra text made a user, a query or a fragment,
  // and REDIS_PORT / REDIS_DB were silently ignored behind it.
  it.each([
    ['redis:6380', /REDIS_PORT/],
    ['[fd00::5]:6380', /REDIS_PORT/],
    ['redis://cache:6379/1', /REDIS_URL/],
    ['user@redis', /host name or IP address/],
    ['redis?db=2', /host name or IP address/],
    ['redis#x', /host name or IP address/],
    ['redis/2', /host name or IP address/],
  ])('REDIS_HOST=%s is refused at REDIS_HOST, saying where the rest goes', (host, hint) => {
    const issues = issuesOf(load({ REDIS_HOST: host, REDIS_PORT: '6390', REDIS_DB: '4' }));
    expect(Object.keys(issues)).toEqual(['REDIS_HOST']);
    expect(issues.REDIS_HOST).toMatch(hint);
    expect(issues.REDIS_HOST).not.toMatch(/not a URL/);
  });

  it.each([['::1', '[::1]:6390'], ['[fd00::5]', '[fd00::5]:6390'], ['cache.internal', 'cache.internal:6390'], ['10.0.0.5', '10.0.0.5:6390']])('REDIS_HOST=%s (a name, IPv4 or IPv6, bracketed or not) is used with REDIS_PORT', (host, address) => {
    expect(redis(load({ REDIS_HOST: host, REDIS_PORT: '6390', REDIS_DB: '4' }))).toMatchObject({ address, db: 4 });
  });

  it('reads the YAML store section (snake_case, durations) and lets REDIS_URL select', () => {
    const yaml = 'store:\n  redis:\n    key_prefix: team-a\n    visibility_timeout: 2m\n    command_timeout: 800ms\n    durability: fsync\n';
    const store = redis(load({ REDIS_URL: 'rediss://:s3cret@redis.example:6390' }, yaml));
    expect(store).toMatchObject({ keyPrefix: 'team-a', visibilityTimeoutMs: 120_000, commandTimeoutMs: 800, durability: 'fsync', tls: true, db: 0 });
    expect(describeStore(store)).toBe('redis (prefix team-a, db 0, tls, durability fsync)');
  });

  it('selects Redis from store.redis.url, which must not carry credentials', () => {
    expect(redis(load({}, 'store:\n  redis:\n    url: redis://127.0.0.1:7000/1\n')).address).toBe('127.0.0.1:7000');
    expect(issuesOf(load({}, 'store:\n  redis:\n    url: redis://:hunter2@127.0.0.1:7000\n'))['store.redis.url']).toMatch(/REDIS_PASSWORD/);
  });

  it('a REDIS_URL password with a stray "%" is a config problem (ioredis threw URIError at start), not quoted', () => {
    const issues = issuesOf(load({ REDIS_URL: 'redis://:50%off-s3cret@cache:6379' }));
    expect(issues.REDIS_URL).toMatch(/%25/);
    expect(JSON.stringify(issues)).not.toContain('s3cret');
    expect(redis(load({ REDIS_URL: 'redis://:50%25off@cache:6379' })).address).toBe('cache:6379');
  });

  it('a REDIS_URL user with a stray "%" is a config problem too (ioredis decodes the user as it does the password)', () => {
    expect(issuesOf(load({ REDIS_URL: 'redis://ops%zz:pw@cache:6379' })).REDIS_URL).toMatch(/%25/);
    expect(redis(load({ REDIS_URL: 'redis://ops%25zz:pw@cache:6379' })).address).toBe('cache:6379');
  });

  it('warns when store.redis is configured without any URL, and stays on memory', () => {
    const result = load({}, 'store:\n  redis:\n    key_prefix: x\n');
    expect(result.ok && result.config.store.kind).toBe('memory');
    expect(result.ok && result.warnings.join('\n')).toMatch(/no Redis URL/);
  });

  it('warns when REDIS_PASSWORD is set without any Redis to use it, and stays on memory', () => {
    const result = load({ REDIS_PASSWORD: 's3cret' });
    expect(result.ok && result.config.store.kind).toBe('memory');
    const warnings = result.ok ? result.warnings.join('\n') : '';
    expect(warnings).toMatch(/REDIS_PASSWORD is set without REDIS_URL or REDIS_HOST/);
    expect(warnings).not.toContain('s3cret');
  });

  it('reports every problem with its path, never echoing the URL', () => {
    const yaml = 'store:\n  redis:\n    key_prefix: "a{b}"\n    durability: sometimes\n    visibility_timeout: soon\n';
    const issues = issuesOf(load({ REDIS_URL: 'http://:topsecret@host', REDIS_PORT: 'abc', REDIS_DB: '-1' }, yaml));
    expect(Object.keys(issues).sort()).toEqual(['REDIS_DB', 'REDIS_PORT', 'store.redis.durability', 'store.redis.key_prefix', 'store.redis.visibility_timeout']);
    const urlIssues = issuesOf(load({ REDIS_URL: 'http://:topsecret@host' }));
    expect(urlIssues.REDIS_URL).toMatch(/unsupported scheme/);
    expect(JSON.stringify(urlIssues)).not.toContain('topsecret');
    expect(issuesOf(load({ REDIS_URL: 'redis://:a@h', REDIS_PASSWORD: 'b' })).REDIS_PASSWORD).toMatch(/only one/);
    expect(issuesOf(load({ REDIS_URL: 'redis://h' }, 'store:\n  redis:\n    visibility_timeout: 2s\n'))['store.redis.visibility_timeout']).toMatch(/twice/);
  });
});
