import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig, loadConfigOrThrow } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/config/issues.js';

const GENERAL = 'https://discord.com/api/webhooks/111111111111111111/general-token_AbC';
const ERRORS = 'https://discordapp.com/api/v9/webhooks/222222222222222222/errors-token';
const shipped = readFileSync(new URL('../../../config/alertcord.yaml', import.meta.url), 'utf8');

function load(env: Record<string, string> = {}, yaml = shipped) {
  return loadConfig({ env, yaml });
}

function ok(result: ReturnType<typeof load>) {
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result;
}

describe('config loading', () => {
  it('loads the shipped YAML with the documented defaults', () => {
    const { config } = ok(load({ DISCORD_WEBHOOK_GENERAL: GENERAL }));
    expect(config.server).toMatchObject({ host: '0.0.0.0', port: 8080, bodyLimit: 8388608, shutdownDeadlineMs: 8000 });
    expect(config.discord).toMatchObject({ queueSize: 10_000, retryAttempts: 3, timeoutMs: 10_000 });
    expect(config.alertTypes.get('general')?.rateLimit).toEqual({ algorithm: 'token_bucket', perMinute: 30, burst: 30 });
    expect(config.dedupe.windowMs).toBe(300_000);
    expect(config.history).toEqual({ maxEntries: 10_000, retentionMs: 7 * 86_400_000 });
    expect([...config.alertTypes.keys()]).toEqual(['general', 'error', 'critical', 'tracklist', 'monitoring', 'security']);
    expect(config.alertTypes.get('critical')?.mentions.here).toBe(true);
    expect(config.alertTypes.get('error')?.color).toBe(0xe67e22);
    expect(config.routes).toHaveLength(6);
  });

  it('loads with no YAML at all, using schema defaults and the default routes', () => {
    const { config } = ok(load({}, ''));
    expect(config.routes).toHaveLength(6);
    expect(config.alertTypes.get('security')?.color).toBe(0xf1c40f);
  });

  it('rewrites pasted webhook URLs to the pinned v10 API and keeps the token out of logs', () => {
    const { config } = ok(load({ DISCORD_WEBHOOK_GENERAL: GENERAL, DISCORD_WEBHOOK_ERRORS: ERRORS }));
    const general = config.alertTypes.get('general')?.webhook;
    expect(general?.id).toBe('111111111111111111');
    expect(general?.url.reveal()).toBe('https://discord.com/api/v10/webhooks/111111111111111111/general-token_AbC');
    expect(config.alertTypes.get('error')?.webhook?.url.reveal()).toBe('https://discord.com/api/v10/webhooks/222222222222222222/errors-token');
    expect(JSON.stringify([...config.alertTypes.values()])).not.toContain('general-token');
    expect(String(general?.url)).toBe('[redacted]');
  });

  it('lets types without a webhook fall back to general', () => {
    const { config } = ok(load({ DISCORD_WEBHOOK_GENERAL: GENERAL, DISCORD_WEBHOOK_ERRORS: ERRORS }));
    expect(config.alertTypes.get('critical')?.webhook?.id).toBe('111111111111111111');
    expect(config.alertTypes.get('critical')?.fallsBackToGeneral).toBe(true);
    expect(config.alertTypes.get('error')?.fallsBackToGeneral).toBe(false);
  });

  it('applies the seed variables over the YAML', () => {
    const { config } = ok(
      load({ DISCORD_RATE_LIMIT: '12', DISCORD_QUEUE_SIZE: '500', DISCORD_RETRY_ATTEMPTS: '5', DISCORD_TIMEOUT_SECONDS: '2.5', PORT: '9999', HOST: '127.0.0.1', LOG_LEVEL: 'debug' }),
    );
    expect(config.alertTypes.get('monitoring')?.rateLimit.perMinute).toBe(12);
    expect(config.discord).toMatchObject({ queueSize: 500, retryAttempts: 5, timeoutMs: 2500 });
    expect(config.server).toMatchObject({ port: 9999, host: '127.0.0.1' });
    expect(config.logLevel).toBe('debug');
  });

  it('runs dry with no webhook, naming the variables to set', () => {
    const result = ok(load({}));
    expect(result.config.discord.dryRunReason).toContain('DISCORD_WEBHOOK_GENERAL');
    expect(result.warnings.join()).toMatch(/DRY RUN/);
  });

  it('runs dry when DRY_RUN=1 even with webhooks', () => {
    const { config } = ok(load({ DISCORD_WEBHOOK_GENERAL: GENERAL, DRY_RUN: '1' }));
    expect(config.discord.dryRunReason).toBe('DRY_RUN is set');
    expect(ok(load({ DISCORD_WEBHOOK_GENERAL: GENERAL, DRY_RUN: 'false' })).config.discord.dryRunReason).toBeUndefined();
  });

  // The reason names what to unset: "DRY_RUN is set" sent the operator of a YAML dry_run looking for a variable.
  it('says the config file runs it dry when discord.dry_run is true there and DRY_RUN is not set', () => {
    const loaded = ok(load({ DISCORD_WEBHOOK_GENERAL: GENERAL }, 'discord:\n  dry_run: true\n'));
    expect(loaded.config.discord.dryRunReason).toBe('discord.dry_run is true in the config file');
    expect(loaded.warnings).toContain('DRY RUN forced by discord.dry_run: alerts are rendered and logged, not sent.');
  });

  it('refuses non-Discord hosts unless allowed, and accepts http for allowed hosts', () => {
    const bad = load({ DISCORD_WEBHOOK_GENERAL: 'https://evil.example/api/webhooks/1/tok' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues[0]?.path).toBe('DISCORD_WEBHOOK_GENERAL');
    const { config } = ok(load({ DISCORD_WEBHOOK_GENERAL: 'http://127.0.0.1:4567/api/webhooks/1/tok', DISCORD_ALLOWED_HOSTS: '127.0.0.1:4567' }));
    expect(config.alertTypes.get('general')?.webhook?.url.reveal()).toBe('http://127.0.0.1:4567/api/v10/webhooks/1/tok');
  });

  // Host names are case-insensitive and a URL's host is read in lower case: an allowed host written as the
  // operator's DNS shows it (`Discord-Proxy.Internal`) was refused at start with "add it to DISCORD_ALLOWED_HOSTS".
  it('matches an allowed host whatever its case', () => {
    for (const allowed of ['Discord-Proxy.Internal:9000', 'DISCORD-PROXY.INTERNAL']) {
      const { config } = ok(load({ DISCORD_WEBHOOK_GENERAL: 'http://discord-proxy.internal:9000/api/webhooks/1/tok', DISCORD_ALLOWED_HOSTS: allowed }));
      expect(config.alertTypes.get('general')?.webhook?.url.reveal()).toBe('http://discord-proxy.internal:9000/api/v10/webhooks/1/tok');
    }
    expect(load({ DISCORD_WEBHOOK_GENERAL: 'http://other.internal:9000/api/webhooks/1/tok', DISCORD_ALLOWED_HOSTS: 'Discord-Proxy.Internal:9000' }).ok).toBe(false);
  });

  it('reports every problem at once, with its path, and never echoes a token', () => {
    const yaml = `
server: { port: "eighty", body_limitt: 5 }
alert_types:
  error: { color: "#GGGGGG", username: "My Discord Bot" }
  Bad-Name: {}
routes:
  - match: ['severity=="x"']
    type: error
  - type: nosuchtype
dedupe: { window: 5 minutes }
`;
    const result = load({ DISCORD_RATE_LIMIT: 'fast', DISCORD_WEBHOOK_SECURITY: 'https://discord.com/nope/secret-token-xyz' }, yaml);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['DISCORD_RATE_LIMIT', 'server.port', 'server', 'alert_types.error.color', 'dedupe.window']));
    expect(paths.some((p) => p.startsWith('alert_types.Bad-Name'))).toBe(true);
    expect(JSON.stringify(result.issues)).not.toContain('secret-token-xyz');
  });

  it('a malformed variable (PORT=80a) does not hide the webhook, Redis and ingest problems of the others', () => {
    const result = load({ PORT: '80a', DISCORD_WEBHOOK_ERRORS: 'https://evil.example.com/api/webhooks/1/tok-xyz', REDIS_URL: 'http://cache:6379', INGEST_TOKEN: 'change-me', GRAFANA_HMAC_HEADER: 'not a header' }, '');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.path).sort()).toEqual(['DISCORD_WEBHOOK_ERRORS', 'GRAFANA_HMAC_HEADER', 'INGEST_TOKEN', 'PORT', 'REDIS_URL']);
    expect(JSON.stringify(result.issues)).not.toContain('tok-xyz');
  });

  it('never quotes a webhook URL written where a key or an alias goes', () => {
    const token = 'keyed-token-xyz';
    const url = `https://discord.com/api/webhooks/1/${token}`;
    for (const yaml of [`alert_types:\n  general: { ${url} }\n`, `alert_types:\n  ${url}: {}\n`, `alert_types:\n  general:\n    webhook: *${url}\n`]) {
      const result = load({}, yaml);
      expect(result.ok, yaml).toBe(false);
      expect(JSON.stringify(result), yaml).not.toContain(token);
    }
  });

  it('reports route problems in the same run as a malformed part elsewhere in the file', () => {
    const yaml = `
server: { port: "eighty" }
alert_types:
  pager: {}
routes:
  - match: ['severity=="x"']
    type: error
  - type: nosuchtype
  - type: pager
`;
    const result = load({}, yaml);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.path).sort()).toEqual(['routes.0.match.0', 'routes.1.type', 'server.port']);
  });

  it('reports route and webhook problems together once the file parses', () => {
    const yaml = `
alert_types:
  error: { username: "Discord alerts" }
routes:
  - match: ['severity=="x"']
    type: error
  - type: nosuchtype
`;
    const result = load({ DISCORD_WEBHOOK_SECURITY: 'https://discord.com/nope/secret-token-xyz' }, yaml);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['DISCORD_WEBHOOK_SECURITY', 'alert_types.error.username', 'routes.0.match.0', 'routes.1.type']));
  });

  // A typo in one section hid the cross-section checks (webhook URLs, mentions that cannot all ping, the
  // watchdog's type): check-config listed one problem, and the next run the others.
  it('reports webhook, mentions and watchdog problems in the same run as a malformed time interval or variable', () => {
    const roles = Array.from({ length: 95 }, (_, i) => `"12345678901234${String(i).padStart(4, '0')}"`).join(', ');
    const yaml = `
time_intervals:
  - name: nights
    time_intervals:
      - location: Mars/Base
alert_types:
  critical:
    username: Discord alerts
    mentions: { roles: [${roles}] }
watchdog: { alert_type: pager }
`;
    const paths = (result: ReturnType<typeof load>) => (result.ok ? [] : result.issues.map((i) => i.path).sort());
    const expected = ['DISCORD_WEBHOOK_SECURITY', 'alert_types.critical.mentions', 'alert_types.critical.username', 'time_intervals.0.time_intervals.0.location', 'watchdog.alert_type'];
    expect(paths(load({ DISCORD_WEBHOOK_SECURITY: 'https://discord.com/nope/secret-token-xyz' }, yaml))).toEqual(expected);
    // A bad variable alone, the file fine otherwise: the file's cross-section problems are listed with it.
    const fileOk = yaml.replace('Mars/Base', 'Europe/Berlin');
    expect(paths(load({ PORT: 'eighty' }, fileOk))).toEqual(['PORT', 'alert_types.critical.mentions', 'alert_types.critical.username', 'watchdog.alert_type']);
  });

  it('interpolates ${ENV} and ${ENV:-default} in YAML values', () => {
    const yaml = `
alert_types:
  database:
    webhook: \${DB_HOOK}
    username: \${DB_NAME:-DB alerts}
`;
    const { config } = ok(load({ DB_HOOK: GENERAL }, yaml));
    expect(config.alertTypes.get('database')).toMatchObject({ username: 'DB alerts', color: expect.any(Number) });
    expect(config.alertTypes.get('database')?.webhook?.id).toBe('111111111111111111');
  });

  // The library in a program of its own, or the CLI run outside alertcord's checkout, has no
  // config/alertcord.yaml: the start failed with "cannot read config/alertcord.yaml: ENOENT".
  it('without CONFIG_FILE a missing default file means the built-in defaults (with a warning); a named file must exist', () => {
    const missing = (code: string) => (p: string): string => {
      throw Object.assign(new Error(`no ${p}`), { code });
    };
    const result = ok(loadConfig({ env: { DISCORD_WEBHOOK_GENERAL: GENERAL }, readFile: missing('ENOENT') }));
    expect(result.config.source.file).toBeUndefined();
    expect(result.config.alertTypes.get('general')?.webhook?.id).toBe('111111111111111111');
    expect(result.warnings.join('\n')).toContain('no config/alertcord.yaml');
    for (const named of [{ env: { CONFIG_FILE: '/etc/alertcord.yaml' } }, { env: {}, file: '/etc/alertcord.yaml' }]) {
      const failed = loadConfig({ ...named, readFile: missing('ENOENT') });
      expect(failed.ok ? [] : failed.issues).toEqual([{ path: 'CONFIG_FILE', message: 'cannot read /etc/alertcord.yaml: ENOENT' }]);
    }
    // A default file that is there but unreadable is not silently skipped.
    const unreadable = loadConfig({ env: {}, readFile: missing('EACCES') });
    expect(unreadable.ok ? [] : unreadable.issues).toEqual([{ path: 'CONFIG_FILE', message: 'cannot read config/alertcord.yaml: EACCES' }]);
  });

  it('reads secrets from NAME_FILE', () => {
    const files: Record<string, string> = { '/run/secrets/general': `${GENERAL}\n` };
    const result = loadConfig({ env: { DISCORD_WEBHOOK_GENERAL_FILE: '/run/secrets/general', ADMIN_TOKEN_FILE: '/missing' }, yaml: '', readFile: (p) => {
      const v = files[p];
      if (v === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      return v;
    } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues).toEqual([{ path: 'ADMIN_TOKEN_FILE', message: 'cannot read /missing: ENOENT' }]);
  });

  it("refuses to start with a secret still set to the example placeholder (docker-compose's secrets/*), naming where", () => {
    const compose = (name: string) => readFileSync(new URL(`../../../config/compose/secrets/${name}`, import.meta.url), 'utf8');
    const files: Record<string, string> = { '/run/secrets/admin_token': compose('admin_token'), '/run/secrets/ingest_token': compose('ingest_token') };
    const result = loadConfig({
      env: { DISCORD_WEBHOOK_GENERAL: GENERAL, ADMIN_TOKEN_FILE: '/run/secrets/admin_token', INGEST_TOKEN_FILE: '/run/secrets/ingest_token', GRAFANA_HMAC_SECRET: 'CHANGE_ME' },
      yaml: 'sources:\n  otlp:\n    token: changeme\n',
      readFile: (p) => files[p]!,
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues.map((i) => i.path).sort()).toEqual(['ADMIN_TOKEN', 'GRAFANA_HMAC_SECRET', 'INGEST_TOKEN', 'sources.otlp.token']);
      expect(JSON.stringify(result.issues)).not.toContain('change-me');
    }
    // A real secret that merely starts with the same letters is fine.
    expect(ok(load({ DISCORD_WEBHOOK_GENERAL: GENERAL, ADMIN_TOKEN: 'changemeister-7f3a9c', INGEST_TOKEN: 'x7-change-me' })).ok).toBe(true);
  });

  it('fails fast with a ConfigError that lists every problem', () => {
    expect(() => loadConfigOrThrow({ env: { PORT: '-1', DISCORD_QUEUE_SIZE: '0' }, yaml: '' })).toThrowError(ConfigError);
    try {
      loadConfigOrThrow({ env: { PORT: '-1', DISCORD_QUEUE_SIZE: '0' }, yaml: '' });
    } catch (err) {
      expect((err as ConfigError).message).toContain('PORT');
      expect((err as ConfigError).message).toContain('DISCORD_QUEUE_SIZE');
    }
  });

  it('rejects a missing config file and invalid YAML', () => {
    const missing = loadConfig({ env: { CONFIG_FILE: '/nonexistent.yaml' } });
    expect(missing.ok).toBe(false);
    const broken = load({}, 'server: [unclosed');
    expect(broken.ok).toBe(false);
  });
});
