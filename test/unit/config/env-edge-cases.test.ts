import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';

const GENERAL = 'https://discord.com/api/webhooks/111111111111111111/general-token_AbC';
const ERRORS = 'https://discord.com/api/webhooks/222222222222222222/errors-token';

function ok(result: ReturnType<typeof loadConfig>) {
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.config;
}

function issuePaths(result: ReturnType<typeof loadConfig>): string[] {
  return result.ok ? [] : result.issues.map((i) => i.path);
}

// README's reference: "an empty value counts as not set, as for every variable" (compose's `${VAR:-}`).
describe('config: an empty or blank environment variable counts as not set', () => {
  it.each(['', '  '])('numbers, HOST and LOG_LEVEL set to %j keep the YAML value / default', (blank) => {
    const yaml = 'server:\n  host: 127.0.0.1\n  port: 9100\ndiscord:\n  rate_limit: 12\n  timeout: 4s\nlog_level: debug\n';
    const names = ['HOST', 'PORT', 'LOG_LEVEL', 'DISCORD_RATE_LIMIT', 'DISCORD_QUEUE_SIZE', 'DISCORD_RETRY_ATTEMPTS', 'DISCORD_TIMEOUT_SECONDS'];
    const config = ok(loadConfig({ env: Object.fromEntries(names.map((n) => [n, blank])), yaml }));
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 9100 });
    expect(config.logLevel).toBe('debug');
    expect(config.alertTypes.get('general')?.rateLimit.perMinute).toBe(12);
    expect(config.discord).toMatchObject({ queueSize: 10_000, retryAttempts: 3, timeoutMs: 4_000 });
  });

  it('REDIS_PORT / REDIS_DB empty next to REDIS_HOST use 6379 and db 0', () => {
    const config = ok(loadConfig({ env: { REDIS_HOST: 'redis', REDIS_PORT: '', REDIS_DB: '' }, yaml: '' }));
    expect(config.store.kind === 'redis' && [config.store.address, config.store.db]).toEqual(['redis:6379', 0]);
  });

  it('CONFIG_FILE empty reads the default file, not an empty configuration', () => {
    const read: string[] = [];
    const result = loadConfig({ env: { CONFIG_FILE: '' }, readFile: (p) => (read.push(p), 'log_level: warn\n') });
    expect(read).toEqual(['config/alertcord.yaml']);
    expect(ok(result).logLevel).toBe('warn');
  });

  it('a blank secret does not hide its NAME_FILE (INGEST_TOKEN="  " with INGEST_TOKEN_FILE must not leave ingest open)', () => {
    const files: Record<string, string> = { '/run/secrets/ingest': 'file-token-123\n' };
    const config = ok(loadConfig({ env: { INGEST_TOKEN: '  ', INGEST_TOKEN_FILE: '/run/secrets/ingest' }, yaml: '', readFile: (p) => files[p]! }));
    expect(config.ingest.token?.reveal()).toBe('file-token-123');
  });

  // Number() reads hex, binary and exponents: DISCORD_QUEUE_SIZE=0b101 ran with a queue of 5 and
  // DISCORD_RATE_LIMIT=0x1e at 30 without a word, where the Python service's int() and the YAML refuse them.
  it.each([
    ['DISCORD_RATE_LIMIT', '0x1e'], ['DISCORD_QUEUE_SIZE', '0b101'], ['DISCORD_QUEUE_SIZE', '1e4'],
    ['DISCORD_RETRY_ATTEMPTS', '0o3'], ['DISCORD_TIMEOUT_SECONDS', '1e-3'], ['REDIS_PORT', '0x18eb'], ['PORT', '.5e4'],
  ])('%s=%s (not decimal) fails the start at the variable', (name, value) => {
    expect(issuePaths(loadConfig({ env: { REDIS_HOST: 'redis', [name]: value }, yaml: '' }))).toEqual([name]);
  });

  it('decimal values, with surrounding spaces, are read', () => {
    const env = { DISCORD_RATE_LIMIT: ' 20 ', DISCORD_QUEUE_SIZE: '500', DISCORD_RETRY_ATTEMPTS: '0', DISCORD_TIMEOUT_SECONDS: '2.5' };
    const config = ok(loadConfig({ env, yaml: '' }));
    expect(config.alertTypes.get('general')?.rateLimit.perMinute).toBe(20);
    expect(config.discord).toMatchObject({ queueSize: 500, retryAttempts: 0, timeoutMs: 2_500 });
  });

  it('set-but-invalid values still fail the start', () => {
    expect(issuePaths(loadConfig({ env: { DISCORD_RATE_LIMIT: 'abc', PORT: '-1', LOG_LEVEL: 'loud' }, yaml: '' }))).toEqual(['PORT', 'LOG_LEVEL', 'DISCORD_RATE_LIMIT']);
  });
});

// The Python service this one replaced logged with Python's level names; an old .env said LOG_LEVEL=INFO or
// WARNING, which failed the start ("must be one of fatal, error, …").
describe('config: log level names', () => {
  it.each([
    ['INFO', 'info'],
    [' Debug ', 'debug'],
    ['WARNING', 'warn'],
    ['warning', 'warn'],
    ['CRITICAL', 'fatal'],
    ['ERROR', 'error'],
  ])('LOG_LEVEL=%j is log level %s', (value, level) => {
    expect(ok(loadConfig({ env: { LOG_LEVEL: value }, yaml: '' })).logLevel).toBe(level);
  });

  it('the YAML key reads the same names', () => {
    expect(ok(loadConfig({ env: {}, yaml: 'log_level: WARNING\n' })).logLevel).toBe('warn');
  });

  it('an unknown name still fails and lists the accepted ones', () => {
    const result = loadConfig({ env: { LOG_LEVEL: 'verbose' }, yaml: '' });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).toContain('must be one of fatal, error, warn, info, debug, trace, silent');
  });
});

// A thread's webhook URL as Discord documents it (`…/{id}/{token}?thread_id=…`) used to lose the thread silently:
// the alerts went to the parent channel (or, for a forum, were refused with 400 and dead-lettered).
describe('config: ?thread_id= on a pasted webhook URL', () => {
  it('becomes the thread of the type that uses the URL', () => {
    const config = ok(loadConfig({ env: { DISCORD_WEBHOOK_GENERAL: GENERAL, DISCORD_WEBHOOK_ERRORS: `${ERRORS}?thread_id=333333333333333333&wait=true` }, yaml: '' }));
    const error = config.alertTypes.get('error');
    expect(error?.threadId).toBe('333333333333333333');
    expect(error?.webhook?.url.reveal()).toBe('https://discord.com/api/v10/webhooks/222222222222222222/errors-token');
    expect(config.alertTypes.get('general')?.threadId).toBeUndefined();
  });

  it("types falling back to general post into general's thread; a type's own thread setting wins", () => {
    const config = ok(
      loadConfig({ env: { DISCORD_WEBHOOK_GENERAL: `${GENERAL}/?thread_id=444444444444444444` }, yaml: 'alert_types:\n  security:\n    thread_name: sec\n' }),
    );
    expect(config.alertTypes.get('general')?.threadId).toBe('444444444444444444');
    expect(config.alertTypes.get('critical')?.threadId).toBe('444444444444444444');
    expect(config.alertTypes.get('security')).toMatchObject({ threadId: undefined, threadName: 'sec' });
  });

  it("types falling back to general take general's YAML thread_name or thread_id too (a forum refuses a message with neither)", () => {
    const named = ok(loadConfig({ env: { DISCORD_WEBHOOK_GENERAL: GENERAL, DISCORD_WEBHOOK_ERRORS: ERRORS }, yaml: 'alert_types:\n  general:\n    thread_name: General\n' }));
    expect(named.alertTypes.get('critical')).toMatchObject({ threadId: undefined, threadName: 'General' });
    expect(named.alertTypes.get('error')).toMatchObject({ threadId: undefined, threadName: undefined }); // its own webhook
    const id = ok(loadConfig({ env: { DISCORD_WEBHOOK_GENERAL: GENERAL }, yaml: 'alert_types:\n  general:\n    thread_id: "555555555555555555"\n' }));
    expect(id.alertTypes.get('monitoring')).toMatchObject({ threadId: '555555555555555555', threadName: undefined });
  });

  it('a non-numeric thread_id, or one contradicting the YAML, fails the start at the variable', () => {
    expect(issuePaths(loadConfig({ env: { DISCORD_WEBHOOK_GENERAL: `${GENERAL}?thread_id=abc` }, yaml: '' }))).toEqual(['DISCORD_WEBHOOK_GENERAL']);
    const yaml = 'alert_types:\n  error:\n    thread_id: "555"\n';
    expect(issuePaths(loadConfig({ env: { DISCORD_WEBHOOK_ERRORS: `${ERRORS}?thread_id=666` }, yaml }))).toEqual(['DISCORD_WEBHOOK_ERRORS']);
    const named = 'alert_types:\n  error:\n    thread_name: x\n';
    expect(issuePaths(loadConfig({ env: { DISCORD_WEBHOOK_ERRORS: `${ERRORS}?thread_id=666` }, yaml: named }))).toEqual(['DISCORD_WEBHOOK_ERRORS']);
  });
});

// README: "pasted `discord.com`, `discordapp.com`, `ptb.`/`canary.` URLs are rewritten". Webhooks copied from
// the PTB or Canary client before Discord's 2020 move to discord.com read `ptb.discordapp.com` /
// `canary.discordapp.com`; the Python service posted to them, and alertcord refused to start.
describe('config: every host a seed webhook URL was pasted with', () => {
  it.each(['discord.com', 'discordapp.com', 'ptb.discord.com', 'canary.discord.com', 'ptb.discordapp.com', 'canary.discordapp.com'])(
    '%s is rewritten to the pinned v10 API',
    (host) => {
      const config = ok(loadConfig({ env: { DISCORD_WEBHOOK_GENERAL: `https://${host}/api/webhooks/111111111111111111/general-token_AbC` }, yaml: '' }));
      expect(config.alertTypes.get('general')?.webhook?.url.reveal()).toBe('https://discord.com/api/v10/webhooks/111111111111111111/general-token_AbC');
    },
  );
});

// README: DISCORD_ALLOWED_HOSTS / discord.allowed_hosts take `host[:port]`. An entry written as a URL
// (`http://127.0.0.1:9000`) or with a path matched no webhook host, and the start failed at the webhook with
// "add it to DISCORD_ALLOWED_HOSTS", which the operator had just done.
describe('config: allowed hosts are host[:port]', () => {
  const PROXIED = 'http://127.0.0.1:9000/api/webhooks/111111111111111111/general-token_AbC';

  it.each(['http://127.0.0.1:9000', '127.0.0.1:9000/', '127.0.0.1:9000/api', '::1', 'user@127.0.0.1:9000'])('DISCORD_ALLOWED_HOSTS=%s is refused at the variable, saying the shape', (entry) => {
    const result = loadConfig({ env: { DISCORD_WEBHOOK_GENERAL: PROXIED, DISCORD_ALLOWED_HOSTS: `discord-proxy.internal, ${entry}` }, yaml: '' });
    // (The webhook is then checked without the variable's hosts, and named too.)
    expect(issuePaths(result)[0]).toBe('DISCORD_ALLOWED_HOSTS.1');
    expect(!result.ok && result.issues[0]?.message).toMatch(/host\[:port\]/);
  });

  it('the YAML list is checked the same way, at its path', () => {
    const result = loadConfig({ env: { DISCORD_WEBHOOK_GENERAL: PROXIED }, yaml: 'discord:\n  allowed_hosts: ["https://127.0.0.1:9000"]\n' });
    expect(issuePaths(result)).toEqual(['discord.allowed_hosts.0']);
  });

  it.each(['127.0.0.1:9000', ' 127.0.0.1:9000 ,discord-proxy.internal', 'Discord_Proxy.internal,127.0.0.1:9000', '[::1]:9000,127.0.0.1:9000'])('DISCORD_ALLOWED_HOSTS=%s is read', (hosts) => {
    const config = ok(loadConfig({ env: { DISCORD_WEBHOOK_GENERAL: PROXIED, DISCORD_ALLOWED_HOSTS: hosts }, yaml: '' }));
    expect(config.alertTypes.get('general')?.webhook?.url.reveal()).toBe('http://127.0.0.1:9000/api/v10/webhooks/111111111111111111/general-token_AbC');
  });
});
