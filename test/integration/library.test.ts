import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AlertTypes, DiscordEmbedBuilder, DiscordNotificationService, loadConfig, type DeliveryResult } from '../../src/lib.js';
import type { Clock } from '../../src/delivery/clock.js';
import { HOOK_IDS } from '../helpers/bridge.js';
import { virtualClock } from '../helpers/virtual-clock.js';
import { startFakeDiscord, type FakeDiscord } from '../helpers/fake-discord/index.js';

let fake: FakeDiscord | undefined;
let service: DiscordNotificationService | undefined;
afterEach(async () => {
  await service?.close();
  await fake?.close();
  service = undefined;
  fake = undefined;
});

async function setup(env: Record<string, string> = {}, clock?: Clock, yaml = '') {
  fake = await startFakeDiscord({
    webhooks: [
      { id: HOOK_IDS.general!, token: 'gen-token', channelId: 'c1', name: 'general-hook' },
      { id: HOOK_IDS.error!, token: 'err-token', channelId: 'c2', name: 'error-hook' },
    ],
  });
  service = new DiscordNotificationService({
    env: { DISCORD_WEBHOOK_GENERAL: fake.urlFor(HOOK_IDS.general!), DISCORD_WEBHOOK_ERRORS: fake.urlFor(HOOK_IDS.error!), DISCORD_ALLOWED_HOSTS: new URL(fake.origin).host, ...env },
    yaml,
    logger: pino({ level: 'silent' }),
    random: () => 0,
    ...(clock ? { clock } : {}),
  });
  return { fake, service };
}

describe('DiscordNotificationService (the library face)', () => {
  it('send() resolves when Discord stored the message, with its id', async () => {
    const { fake, service } = await setup();
    const result = await service.send({ alertType: AlertTypes.ERROR, title: 'Job failed', message: 'exit 2', fields: [{ name: 'host', value: 'db-1', inline: true }] });
    expect(result).toMatchObject({ success: true, status: 'sent', attempts: 1 });
    const [msg] = fake.messages;
    expect(result.messageId).toBe(msg?.id);
    expect(msg?.webhookId).toBe(HOOK_IDS.error);
    const embed = (msg?.body as { embeds: { title: string; fields: { name: string; value: string }[] }[] }).embeds[0];
    expect(embed?.title).toContain('Job failed');
    expect(embed?.fields.some((f) => f.name === 'host' && f.value.includes('db-1'))).toBe(true);
  });

  // The seed rendered each alert type through its template (error: traceback in a code block; tracklist:
  // numbered tracks …). The templates existed, but nothing a sender could post reached them.
  it("template data renders through the alert type's template: an error's traceback, a critical's impact", async () => {
    const { fake, service } = await setup();
    const traceback = 'Traceback (most recent call last):\n  File "job.py", line 3\nKeyError: \'id\'';
    expect(await service.send({ alertType: AlertTypes.ERROR, title: 'Job failed', message: 'KeyError', fields: [{ name: 'host', value: 'db-1' }], template: { traceback } })).toMatchObject({ status: 'sent' });
    expect(await service.send({ alertType: AlertTypes.CRITICAL, title: 'DB down', message: 'primary unreachable', template: { impact: 'checkout fails', action_required: 'fail over' } })).toMatchObject({ status: 'sent' });
    const [error, critical] = fake.messages.map((m) => (m.body as { embeds: { description?: string; fields?: { name: string; value: string }[] }[] }).embeds[0]!) as [{ description?: string; fields?: { name: string; value: string }[] }, { fields?: { name: string; value: string }[] }];
    expect(error.description).toContain('**Traceback**');
    expect(error.description).toContain("KeyError: 'id'\n```");
    expect(error.fields?.some((f) => f.name === 'host' && f.value.includes('db-1'))).toBe(true);
    expect(critical.fields).toEqual(expect.arrayContaining([expect.objectContaining({ value: expect.stringContaining('checkout fails') }), expect.objectContaining({ value: expect.stringContaining('fail over') })]));
  });

  // Plain JavaScript has no AlertType check: `alertType: 'errors'` went to general and answered a bare `sent`.
  it('an alert type that is not configured is routed as if unnamed, and the result says so', async () => {
    const { fake, service } = await setup();
    const sent = await service.send({ alertType: 'errors' as never, title: 'typo', message: 'm' });
    expect(sent).toMatchObject({ success: true, status: 'sent' });
    expect(sent.warnings?.[0]).toContain('alert type "errors" is not configured');
    expect(fake.messages[0]?.webhookId).toBe(HOOK_IDS.general);
    expect((await service.enqueue({ alertType: 'errors' as never, title: 'typo 2', message: 'm' })).warnings).toHaveLength(1);
    expect((await service.send({ alertType: AlertTypes.ERROR, title: 'fine', message: 'm' })).warnings).toBeUndefined();
  });

  it('a timestamp given as a Date or as epoch milliseconds is that instant (small ones too, never read as seconds)', async () => {
    const { fake, service } = await setup();
    const instants = [new Date('2026-11-29T01:02:03.000Z'), 86_400_000];
    for (const timestamp of instants) await service.send({ alertType: AlertTypes.GENERAL, title: 'at', message: 'm', timestamp });
    const shown = fake.messages.map((m) => (m.body as { embeds: { timestamp?: string }[] }).embeds[0]?.timestamp);
    expect(shown).toEqual(['2026-11-29T01:02:03.000Z', '1970-01-02T00:00:00.000Z']);
  });

  it('two equal sends are two messages (library sends are never deduplicated)', async () => {
    const { fake, service } = await setup();
    await service.send({ alertType: 'general', title: 'same', message: 'same' });
    await service.send({ alertType: 'general', title: 'same', message: 'same' });
    expect(fake.messages).toHaveLength(2);
  });

  // A retry after `rate_limited` may follow an enqueue that did reach the store (a Redis answer lost in a
  // timeout); two processes may report one event. The caller's key makes them one message.
  it('sends with the same dedupeKey within the dedupe window post once; the repeat answers duplicate', async () => {
    const { fake, service } = await setup();
    const first = await service.send({ alertType: 'error', title: 'Backup failed', message: 'exit 2', dedupeKey: 'backup-db-1' });
    const again = await service.send({ alertType: 'error', title: 'Backup failed', message: 'exit 2', dedupeKey: 'backup-db-1' });
    const queuedAgain = await service.enqueue({ alertType: 'error', title: 'Backup failed', message: 'exit 2', dedupeKey: 'backup-db-1' });
    expect(first).toMatchObject({ success: true, status: 'sent' });
    expect(again).toEqual({ success: true, status: 'duplicate', attempts: 0 });
    expect(queuedAgain.status).toBe('duplicate');
    await service.send({ alertType: 'error', title: 'Backup failed', message: 'exit 2', dedupeKey: 'backup-db-2' });
    expect(fake.messages).toHaveLength(2);
  });

  it('send() reports failure after a broken webhook instead of throwing', async () => {
    const { fake, service } = await setup();
    fake.setBroken(HOOK_IDS.error!);
    fake.setBroken(HOOK_IDS.general!);
    const result = await service.send({ alertType: 'error', title: 'x', message: 'y' });
    expect(result.success).toBe(false);
    expect(result.status).toBe('failed');
  });

  // `mentions` skipped the checks every other field gets: from plain JavaScript, `roles: '123'` was queued
  // ("queued"), then failed to render ("unexpected", an error log with a stack) or, packed in a batch, pinged
  // roles 1, 2 and 3; an id that is not a snowflake was dropped without a word. And `send(null)` threw a
  // TypeError where README promises a `failed` result for an invalid message.
  it('an invalid message (wrong-typed mentions, no object at all) answers failed with the reason, and nothing is queued', async () => {
    const { fake, service } = await setup();
    const js = service as unknown as { send(m: unknown): Promise<DeliveryResult>; enqueue(m: unknown): Promise<DeliveryResult> };
    const queued = await js.enqueue({ alertType: 'general', title: 'deploy', message: 'm', mentions: { roles: '123' } });
    expect(queued).toMatchObject({ success: false, status: 'failed' });
    expect(queued.error).toMatch(/^mentions\.roles/);
    expect(await js.send({ alertType: 'general', title: 'deploy', message: 'm', mentions: { users: ['@bob'] } })).toMatchObject({ success: false, status: 'failed', error: expect.stringMatching(/^mentions\.users\.0/) });
    expect(await js.send(null)).toMatchObject({ success: false, status: 'failed' });
    expect(await js.send(undefined)).toMatchObject({ success: false, status: 'failed' });
    // Valid ones still ping, numbers as ids included (as the YAML takes them).
    expect(await js.send({ alertType: 'general', title: 'deploy', message: 'm', mentions: { roles: [123] } })).toMatchObject({ status: 'sent' });
    expect(fake.messages).toHaveLength(1);
    expect(fake.messages[0]?.body).toMatchObject({ content: expect.stringContaining('<@&123>'), allowed_mentions: { roles: ['123'] } });
  });

  it('enqueue() resolves at once as queued', async () => {
    const { fake, service } = await setup();
    const result = await service.enqueue({ alertType: 'general', title: 'later', message: 'm' });
    expect(result).toMatchObject({ success: true, status: 'queued' });
    await fake.waitForMessages(1);
  });

  it('validateConfiguration() GETs each webhook and posts nothing', async () => {
    const { fake, service } = await setup();
    const results = await service.validateConfiguration();
    expect(results.map((r) => [r.webhookId, r.valid, r.name])).toEqual([
      [HOOK_IDS.general, true, 'general-hook'],
      [HOOK_IDS.error, true, 'error-hook'],
    ]);
    expect(fake.messages).toHaveLength(0);
    fake.setBroken(HOOK_IDS.error!);
    const again = await service.validateConfiguration();
    expect(again.find((r) => r.webhookId === HOOK_IDS.error)?.valid).toBe(false);
    expect((await service.healthCheck()).healthy).toBe(false);
  });

  it('healthCheck() and getRateLimitStatus() describe each type', async () => {
    const { service } = await setup({ DISCORD_RATE_LIMIT: '20' });
    const health = await service.healthCheck();
    expect(health).toMatchObject({ healthy: true, store: { kind: 'memory', ok: true } });
    expect(health.webhooks.find((w) => w.alertType === 'critical')).toMatchObject({ configured: true, webhookId: HOOK_IDS.general });
    await service.send({ alertType: 'error', title: 't', message: 'm' });
    const limits = await service.getRateLimitStatus();
    expect(limits.error).toMatchObject({ limit: 20, remaining: 19 });
    expect(limits.general).toMatchObject({ limit: 20, remaining: 20 });
  });

  // getRateLimitStatus() read the limiter at Date.now(), not at the service's clock that every send takes
  // its tokens by: with a clock of its own (an injected one, as tests and simulations use) the numbers
  // were another time's (a refilled bucket, a `reset` years off) and disagreed with what a send may do.
  it("getRateLimitStatus() reads the limiter at the service's clock, as sends take from it", async () => {
    const clock = virtualClock(1_700_000_000_000);
    const { service } = await setup({ DISCORD_RATE_LIMIT: '20' }, clock);
    await service.send({ alertType: 'error', title: 't', message: 'm' });
    const limits = await service.getRateLimitStatus();
    expect(limits.error).toMatchObject({ limit: 20, remaining: 19 });
    expect(limits.error?.reset).toBeGreaterThan(clock.now());
    expect(limits.error?.reset).toBeLessThanOrEqual(clock.now() + 3_000);
  });

  it('getRateLimitStatus() reports nothing remaining while Discord pauses the webhook after a 429', async () => {
    const { fake, service } = await setup({}, undefined, 'server:\n  shutdown_deadline: 100ms\n');
    fake.inject(HOOK_IDS.general!, { kind: '429', retryAfter: 60 });
    void service.send({ alertType: 'general', title: 'throttled', message: 'm' }); // settles at close()
    await expect.poll(() => fake.requests.length).toBe(1);
    await expect.poll(async () => (await service.getRateLimitStatus()).general?.pausedUntil).toBeGreaterThan(Date.now() + 30_000);
    const { general } = await service.getRateLimitStatus();
    expect(general).toMatchObject({ remaining: 0, limit: 30 });
    expect(general!.reset).toBeGreaterThanOrEqual(general!.pausedUntil!);
  });

  it('runs dry without webhooks: send() resolves dry_run', async () => {
    service = new DiscordNotificationService({ env: {}, yaml: '', logger: pino({ level: 'silent' }) });
    const result = await service.send({ alertType: 'general', title: 'nowhere', message: 'm' });
    expect(result).toMatchObject({ success: true, status: 'dry_run' });
  });

  // Each waiting send listens on the service's close signal: the 11th concurrent send (a Promise.all over a
  // list of hosts) printed Node's "MaxListenersExceededWarning: Possible EventTarget memory leak detected"
  // on the program's stderr, though every listener is removed once its send settles.
  it('many concurrent sends settle without a "possible memory leak" warning', async () => {
    service = new DiscordNotificationService({ env: {}, yaml: '', logger: pino({ level: 'silent' }) });
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const results = await Promise.all(Array.from({ length: 25 }, (_, i) => service!.send({ alertType: 'general', title: `host ${i}`, message: 'm' })));
      expect(results.every((r) => r.status === 'dry_run')).toBe(true);
      await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  // Dry run (no webhook) renders and logs through an unthrottled stand-in queue: a caller that checks
  // `remaining > 0` before sending used to read 0 of 0 and never send, while every send went through.
  it('getRateLimitStatus() in dry run reports the limiter dry-run sends go through, not 0 of 0', async () => {
    // A clock that stands still: the dry-run limiter refills fast (6,000 a minute), and a loaded machine took
    // more than its 10 ms between the send and the read, so the token was already back.
    service = new DiscordNotificationService({ env: {}, yaml: '', logger: pino({ level: 'silent' }), clock: virtualClock() });
    await service.send({ alertType: 'general', title: 'nowhere', message: 'm' });
    const limits = await service.getRateLimitStatus();
    expect(limits.general?.limit).toBeGreaterThan(0);
    expect(limits.general?.remaining).toBe(limits.general!.limit - 1);
    expect(limits.critical).toMatchObject({ limit: limits.general!.limit, remaining: limits.general!.remaining });
  });

  // README's `new DiscordNotificationService()` in a program of its own: the config file defaults to
  // config/alertcord.yaml under the working directory, which only alertcord's own checkout has, so the
  // constructor threw "CONFIG_FILE: cannot read config/alertcord.yaml: ENOENT" where the seed read the environment.
  it('constructs from the environment alone in a directory without config/alertcord.yaml; a CONFIG_FILE that is missing still fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alertcord-library-'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      service = new DiscordNotificationService({ env: { DISCORD_RATE_LIMIT: '7' }, logger: pino({ level: 'silent' }) });
      expect(() => new DiscordNotificationService({ env: { CONFIG_FILE: 'config/alertcord.yaml' }, logger: pino({ level: 'silent' }) })).toThrow(/CONFIG_FILE/);
    } finally {
      process.chdir(cwd);
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await service.send({ alertType: 'general', title: 'from my program', message: 'm' })).toMatchObject({ success: true, status: 'dry_run' });
  });

  it('loadConfig() reads the process environment, as the service does, unless given its own', () => {
    vi.stubEnv('DISCORD_WEBHOOK_GENERAL', `https://discord.com/api/webhooks/${HOOK_IDS.general!}/env-token`);
    try {
      const loaded = loadConfig({ yaml: '' });
      expect(loaded.ok && loaded.config.alertTypes.get('general')?.webhook?.id).toBe(HOOK_IDS.general);
      const own = loadConfig({ yaml: '', env: {} });
      expect(own.ok && own.config.alertTypes.get('general')?.webhook).toBeUndefined();
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('exposes the seed embed builders', () => {
    const msg = DiscordEmbedBuilder.buildErrorEmbed({ errorMessage: 'boom', traceback: 'Traceback\n```\nx' });
    expect(msg.embeds.length).toBeGreaterThan(0);
    expect(msg.allowed_mentions).toEqual({ parse: [] });
  });
});
