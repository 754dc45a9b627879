import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';

const GENERAL = 'https://discord.com/api/webhooks/111111111111111111/general-token_AbC';

function issuePaths(result: ReturnType<typeof loadConfig>): string[] {
  return result.ok ? [] : result.issues.map((i) => i.path);
}

describe('config: wrong-typed sections are reported, not silently dropped', () => {
  // README: "Every problem is reported at start with its path and the start fails".
  it('alert_types written as a list fails the start (it used to be replaced by {} and ignored)', () => {
    const result = loadConfig({ env: { DISCORD_WEBHOOK_GENERAL: GENERAL }, yaml: 'alert_types:\n  - database:\n      color: "#ff0000"\n' });
    expect(result.ok).toBe(false);
    expect(issuePaths(result)).toContain('alert_types');
  });

  it('discord: and server: given a scalar fail the start', () => {
    expect(issuePaths(loadConfig({ env: {}, yaml: 'discord: 30\n' }))).toContain('discord');
    expect(issuePaths(loadConfig({ env: {}, yaml: 'server: "0.0.0.0:8080"\n' }))).toContain('server');
  });

  it('an empty section (`discord:` with nothing under it) is still fine, env overrides apply', () => {
    const result = loadConfig({ env: { DISCORD_RATE_LIMIT: '12' }, yaml: 'discord:\nserver:\nalert_types:\n' });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.config.alertTypes.get('general')?.rateLimit.perMinute).toBe(12);
  });

  // A URL written straight under the type's name (`error: https://…`, the shape of the seed's variables) with
  // DISCORD_WEBHOOK_ERRORS set threw "Cannot create property 'webhook' on string 'https://…/TOKEN'": the start
  // died with a stack trace quoting the token, and a reload logged it (and answered it on POST /api/reload).
  it.each([
    ['a URL', 'https://discord.com/api/webhooks/333333333333333333/file-secret-token'],
    ['a number', '5'],
    ['a boolean', 'true'],
  ])('a built-in type given %s instead of a mapping, with its variable set, is a problem at its path, quoting no URL', (_what, value) => {
    const env = { DISCORD_WEBHOOK_GENERAL: GENERAL, DISCORD_WEBHOOK_ERRORS: 'https://discord.com/api/webhooks/222222222222222222/env-secret-token' };
    const result = loadConfig({ env, yaml: `alert_types:\n  error: ${value}\n  general: ${value}\n` });
    expect(issuePaths(result)).toEqual(['alert_types.error', 'alert_types.general']);
    expect(JSON.stringify(result)).not.toMatch(/secret-token|general-token/);
  });

  it('an alias inside its own anchor is a problem at (yaml), not a stack overflow; shared aliases are fine', () => {
    expect(issuePaths(loadConfig({ env: {}, yaml: 'otlp: &loop { flood: *loop }\n' }))).toEqual(['(yaml)']);
    expect(loadConfig({ env: { DISCORD_WEBHOOK_GENERAL: GENERAL }, yaml: `alert_types:\n  error: { rate_limit: &limit { per_minute: 5 } }\n  critical: { rate_limit: *limit }\n` }).ok).toBe(true);
  });
});

describe('config: NAME_FILE secrets', () => {
  // An operator who sets INGEST_TOKEN_FILE wants auth; an empty file used to leave ingest open, silently.
  it('an empty secret file is a config error naming NAME_FILE (not "unset": ingest would be open)', () => {
    const result = loadConfig({
      env: { DISCORD_WEBHOOK_GENERAL: GENERAL, INGEST_TOKEN_FILE: '/run/secrets/ingest_token' },
      yaml: '',
      readFile: () => '\n',
    });
    expect(result.ok).toBe(false);
    expect(issuePaths(result)).toEqual(['INGEST_TOKEN_FILE']);
  });
});

describe('config: mentions defaults per key', () => {
  // README: `alert_types.<name>.mentions.here` / `.everyone` default "critical: here: true".
  it('critical keeps @here when only roles are configured', () => {
    const result = loadConfig({ env: { DISCORD_WEBHOOK_GENERAL: GENERAL }, yaml: 'alert_types:\n  critical:\n    mentions: { roles: ["123456789012345678"] }\n' });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.config.alertTypes.get('critical')?.mentions).toEqual({ here: true, everyone: false, roles: ['123456789012345678'], users: [] });
  });

  it('an explicit here: false still turns it off', () => {
    const result = loadConfig({ env: { DISCORD_WEBHOOK_GENERAL: GENERAL }, yaml: 'alert_types:\n  critical:\n    mentions: { here: false }\n' });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.config.alertTypes.get('critical')?.mentions.here).toBe(false);
  });
});

describe('config: mentions that cannot all ping', () => {
  const roles = (n: number): string => `[${Array.from({ length: n }, (_, i) => `"${String(123456789012345678n + BigInt(i))}"`).join(', ')}]`;

  it('roles whose tokens pass Discord\'s 2,000-character content are refused at load, naming the path (not silently left unpinged)', () => {
    const result = loadConfig({ env: { DISCORD_WEBHOOK_GENERAL: GENERAL }, yaml: `alert_types:\n  critical:\n    mentions: { roles: ${roles(90)} }\n` });
    expect(issuePaths(result)).toEqual(['alert_types.critical.mentions']);
    expect(result.ok ? '' : result.issues[0]?.message).toMatch(/take 2\d{3} characters.*2000/);
  });

  it('as many as fit load, with every one kept', () => {
    const result = loadConfig({ env: { DISCORD_WEBHOOK_GENERAL: GENERAL }, yaml: `alert_types:\n  critical:\n    mentions: { roles: ${roles(80)} }\n` });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.config.alertTypes.get('critical')?.mentions.roles).toHaveLength(80);
  });

  // 87 roles of 18 digits take exactly 2,000 characters; critical pings @here by default, which goes first.
  it('the type\'s default @here counts too: roles that fit alone but not beside critical\'s @here are refused', () => {
    const result = loadConfig({ env: { DISCORD_WEBHOOK_GENERAL: GENERAL }, yaml: `alert_types:\n  critical:\n    mentions: { roles: ${roles(87)} }\n` });
    expect(issuePaths(result)).toEqual(['alert_types.critical.mentions']);
    expect(loadConfig({ env: { DISCORD_WEBHOOK_GENERAL: GENERAL }, yaml: `alert_types:\n  critical:\n    mentions: { here: false, roles: ${roles(87)} }\n` }).ok).toBe(true);
  });

  // The renderer pings snowflakes of at most 20 digits (a 64-bit id): a longer id loaded and was never pinged.
  // Unquoted, YAML reads an 18-digit id as a number that has already lost its last digits.
  it('an id no Discord id can be is refused, and an unquoted one is told to be quoted', () => {
    const load = (yaml: string) => loadConfig({ env: { DISCORD_WEBHOOK_GENERAL: GENERAL }, yaml });
    expect(issuePaths(load('alert_types:\n  critical:\n    mentions: { roles: ["123456789012345678901"], users: ["12345678901234567890"] }\n'))).toEqual(['alert_types.critical.mentions.roles.0']);
    const unquoted = load('alert_types:\n  critical:\n    thread_id: 123456789012345678\n    mentions: { users: [123456789012345678] }\n');
    expect(issuePaths(unquoted)).toEqual(['alert_types.critical.thread_id', 'alert_types.critical.mentions.users.0']);
    expect(unquoted.ok ? '' : unquoted.issues[0]?.message).toMatch(/quote/);
  });

  it('more than 100 users (allowed_mentions\' cap) are refused', () => {
    const users = `[${Array.from({ length: 101 }, (_, i) => `"${i + 1}"`).join(', ')}]`;
    expect(issuePaths(loadConfig({ env: { DISCORD_WEBHOOK_GENERAL: GENERAL }, yaml: `alert_types:\n  general:\n    mentions: { users: ${users} }\n` }))).toEqual(['alert_types.general.mentions.users']);
  });
});

describe('config: DRY_RUN and discord.timeout', () => {
  it('DRY_RUN set to an empty string (compose `DRY_RUN: ${DRY_RUN:-}`) does not turn off dry_run: true of the YAML', () => {
    const result = loadConfig({ env: { DISCORD_WEBHOOK_GENERAL: GENERAL, DRY_RUN: '' }, yaml: 'discord:\n  dry_run: true\n' });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.config.discord.dryRunReason).toBeDefined();
  });

  // An env file written on Windows (CRLF) leaves a carriage return; the numeric variables are trimmed too.
  it('DRY_RUN with surrounding white space (`true\\r` from a CRLF env file) is read, not refused', () => {
    const result = loadConfig({ env: { DISCORD_WEBHOOK_GENERAL: GENERAL, DRY_RUN: ' true\r' }, yaml: '' });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.config.discord.dryRunReason).toBeDefined();
  });

  it('a DRY_RUN that is no flag is refused with every spelling it takes (yes/no and on/off are read too)', () => {
    const result = loadConfig({ env: { DISCORD_WEBHOOK_GENERAL: GENERAL, DRY_RUN: 'maybe' }, yaml: '' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.find((i) => i.path === 'DRY_RUN')?.message).toContain('yes/no');
    const yes = loadConfig({ env: { DISCORD_WEBHOOK_GENERAL: GENERAL, DRY_RUN: 'yes' }, yaml: '' });
    expect(yes.ok && yes.config.discord.dryRunReason).toBeTruthy();
  });

  it('discord.timeout: 0s is refused like DISCORD_TIMEOUT_SECONDS=0 (every request would time out at once)', () => {
    expect(issuePaths(loadConfig({ env: { DISCORD_TIMEOUT_SECONDS: '0' }, yaml: '' }))).toEqual(['DISCORD_TIMEOUT_SECONDS']);
    expect(issuePaths(loadConfig({ env: {}, yaml: 'discord:\n  timeout: 0s\n' }))).toEqual(['discord.timeout']);
  });
});

describe('config: colours', () => {
  // README: `#RRGGBB` or `0xRRGGBB`. "#FFF" (CSS shorthand for white) used to load as 0x000FFF, dark blue.
  it('a 3-digit CSS shorthand colour is refused, not read as 0x000FFF', () => {
    expect(issuePaths(loadConfig({ env: {}, yaml: 'alert_types:\n  general:\n    color: "#FFF"\n' }))).toEqual(['alert_types.general.color']);
  });
});

describe('config: ${ENV} in number and boolean keys', () => {
  // Interpolation yields text: `port: ${PORT:-9000}` is how Helm charts and compose files write it.
  it('reads interpolated numbers and booleans as such', () => {
    const yaml = [
      'server:\n  port: ${ALERTCORD_PORT:-9000}\n  body_limit: "${BODY_LIMIT}"',
      'discord:\n  dry_run: ${DRY:-false}\n  circuit_breaker:\n    failure_threshold: ${FAILURES}',
      'history:\n  max_entries: ${ENTRIES}',
      'alert_types:\n  critical:\n    mentions: { here: "${HERE}" }\n    rate_limit:\n      per_minute: ${PER_MINUTE}',
    ].join('\n');
    const result = loadConfig({ env: { DISCORD_WEBHOOK_GENERAL: GENERAL, BODY_LIMIT: '1048576', FAILURES: '7', ENTRIES: '500', HERE: 'false', PER_MINUTE: '12', DRY: 'true' }, yaml });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const { server, discord, history, alertTypes } = result.config;
    expect([server.port, server.bodyLimit, discord.breaker.failureThreshold, history.maxEntries]).toEqual([9000, 1_048_576, 7, 500]);
    expect(discord.dryRunReason).toBeDefined();
    expect(alertTypes.get('critical')?.mentions.here).toBe(false);
    expect(alertTypes.get('critical')?.rateLimit.perMinute).toBe(12);
  });

  it("a route's `continue` is a boolean key too: `continue: ${FANOUT:-true}` fans out", () => {
    const yaml = "routes:\n  - match: ['severity=\"critical\"']\n    type: critical\n    continue: ${FANOUT:-true}\n  - type: general\n    continue: \"${OFF}\"\n";
    const result = loadConfig({ env: { DISCORD_WEBHOOK_GENERAL: GENERAL, OFF: 'false' }, yaml });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.config.routes.map((r) => r.continue)).toEqual([true, false]);
    expect(issuePaths(loadConfig({ env: { C: 'maybe' }, yaml: 'routes:\n  - type: general\n    continue: ${C}\n' }))).toEqual(['routes.0.continue']);
  });

  it('text that is not a number or boolean is still reported with its path', () => {
    const result = loadConfig({ env: { P: 'eighty', D: 'maybe' }, yaml: 'server:\n  port: ${P}\ndiscord:\n  dry_run: ${D}\n' });
    expect(issuePaths(result)).toEqual(expect.arrayContaining(['server.port', 'discord.dry_run']));
  });
});

// README: `${ENV}` and `${ENV:-default}`. Compose's `${VAR:?message}` / `${VAR-default}`, the OpenTelemetry
// Collector's `${env:VAR}` (its config sits next to this one in README) or a nested default were left as
// they were written: `token: "${AM_TOKEN:?set it}"` made that text the ingest token, readable in the file,
// while Alertmanager, sending the real one, got 401s; nothing at start said so.
describe('config: ${…} forms interpolation does not read', () => {
  it.each([
    ['${AM_TOKEN:?set AM_TOKEN}'], ['${AM_TOKEN-fallback}'], ['${env:AM_TOKEN}'], ['${AM_TOKEN:+x}'], ['${ AM_TOKEN }'], ['${OTHER:-${AM_TOKEN}}'],
  ])('%s is a problem at its path, not the literal text', (written) => {
    const result = loadConfig({ env: { AM_TOKEN: 'real-token' }, yaml: `sources:\n  alertmanager:\n    token: "${written}"\nroutes:\n  - type: general\n    match: ['team="\${TEAM:-ops}"']\n` });
    expect(issuePaths(result)).toEqual(['sources.alertmanager.token']);
    expect(!result.ok && result.issues[0]?.message).toMatch(/\$\{NAME:-default\}/);
  });

  it('$${ stays a literal ${ whatever follows it, and the supported forms still read', () => {
    const yaml = 'alert_types:\n  general:\n    username: "$${ not a variable } $${X} ${NAME} ${UNSET:-dflt}"\n';
    const result = loadConfig({ env: { NAME: 'ops' }, yaml });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.config.alertTypes.get('general')?.username).toBe('${ not a variable } ${X} ops dflt');
  });
});
