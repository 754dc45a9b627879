import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DiscordNotificationService } from '../../src/lib.js';
import { createLogger } from '../../src/lib/logger.js';
import { HOOK_IDS } from '../helpers/bridge.js';
import { startFakeDiscord, type FakeDiscord } from '../helpers/fake-discord/index.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';

let fake: FakeDiscord | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** Resolves to 'pending' when `p` has not settled within `ms`. */
const settledWithin = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p.then(() => 'settled' as const, () => 'settled' as const), new Promise<'pending'>((r) => setTimeout(() => r('pending'), ms))]);

/** Cloudflare's 502 page: what Discord answers (posts and the webhook's GETs alike) through an outage. */
const OUTAGE = { status: 502, body: '<html>502 Bad Gateway</html>' };

/**
 * A fake Discord with general's webhook, down for its next `failures` requests (and `error` broken when
 * named), and a service on it that retries nothing and opens its breaker at once (1 s cooldown).
 */
async function serviceThroughOutage(failures: number, options: { errorWebhookBroken?: boolean; yaml?: string } = {}): Promise<DiscordNotificationService> {
  const webhooks = [{ id: HOOK_IDS.general!, token: 'gen-token', channelId: 'c1' }];
  if (options.errorWebhookBroken) webhooks.push({ id: HOOK_IDS.error!, token: 'err-token', channelId: 'c2' });
  fake = await startFakeDiscord({ webhooks });
  if (options.errorWebhookBroken) fake.setBroken(HOOK_IDS.error!);
  fake.inject(HOOK_IDS.general!, ...Array.from({ length: failures }, () => OUTAGE));
  const env: Record<string, string> = { DISCORD_WEBHOOK_GENERAL: fake.urlFor(HOOK_IDS.general!), DISCORD_ALLOWED_HOSTS: new URL(fake.origin).host };
  if (options.errorWebhookBroken) env.DISCORD_WEBHOOK_ERRORS = fake.urlFor(HOOK_IDS.error!);
  return new DiscordNotificationService({
    env,
    yaml: options.yaml ?? 'discord:\n  retry_attempts: 0\n  circuit_breaker: { failure_threshold: 2, cooldown: 1s }\n',
    logger: pino({ level: 'silent' }),
    random: () => 0,
  });
}

describe('DiscordNotificationService.send and close', () => {
  it('send() settles when close() stops the service before Discord answered (it never hangs)', async () => {
    fake = await startFakeDiscord({ webhooks: [{ id: HOOK_IDS.general!, token: 'gen-token', channelId: 'c1' }] });
    // Discord asks for a long wait: the notification cannot go out before the shutdown deadline.
    fake.inject(HOOK_IDS.general!, { kind: '429', retryAfter: 60 });
    const service = new DiscordNotificationService({
      env: { DISCORD_WEBHOOK_GENERAL: fake.urlFor(HOOK_IDS.general!), DISCORD_ALLOWED_HOSTS: new URL(fake.origin).host },
      yaml: 'server:\n  shutdown_deadline: 300ms\n',
      logger: pino({ level: 'silent' }),
    });
    const sending = service.send({ alertType: 'general', title: 'late', message: 'm' });
    await new Promise((r) => setTimeout(r, 200));
    await service.close();
    expect(await settledWithin(sending, 2000)).toBe('settled');
    // The memory store loses what was not delivered by the deadline: the caller is told so.
    expect(await sending).toMatchObject({ success: false, status: 'failed' });
  }, 15_000);
});

describe('close() with enqueued work Discord has not taken by the deadline', () => {
  // enqueue() answers "queued" and nothing later: when close() reached its deadline with work still queued, the
  // memory store dropped it without a word (the server logs what is left and lost; the library said nothing),
  // so a program's enqueued alerts vanished with no trace in its output.
  it('logs how many notifications were left and lost, as the server does', async () => {
    fake = await startFakeDiscord({ webhooks: [{ id: HOOK_IDS.general!, token: 'gen-token', channelId: 'c1' }] });
    fake.inject(HOOK_IDS.general!, { kind: '429', retryAfter: 60 });
    const lines: { level: number; msg: string; left?: Record<string, number> }[] = [];
    const service = new DiscordNotificationService({
      env: { DISCORD_WEBHOOK_GENERAL: fake.urlFor(HOOK_IDS.general!), DISCORD_ALLOWED_HOSTS: new URL(fake.origin).host },
      yaml: 'server:\n  shutdown_deadline: 300ms\n',
      logger: createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) }),
    });
    for (const title of ['first', 'second']) expect(await service.enqueue({ alertType: 'general', title, message: 'm' })).toMatchObject({ status: 'queued' });
    await expect.poll(() => fake!.requests.length).toBeGreaterThan(0); // the first is waiting out Discord's 429
    await service.close();
    const lost = lines.find((l) => l.msg.includes('LOST'));
    expect(lost).toMatchObject({ level: 40, msg: expect.stringMatching(/^2 notifications were still queued and are LOST/), left: { [HOOK_IDS.general!]: 2 } });
  }, 15_000);

  it('logs that nothing was left when the queues drained', async () => {
    fake = await startFakeDiscord({ webhooks: [{ id: HOOK_IDS.general!, token: 'gen-token', channelId: 'c1' }] });
    const lines: { msg: string }[] = [];
    const service = new DiscordNotificationService({
      env: { DISCORD_WEBHOOK_GENERAL: fake.urlFor(HOOK_IDS.general!), DISCORD_ALLOWED_HOSTS: new URL(fake.origin).host },
      yaml: '',
      logger: createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) }),
    });
    await service.enqueue({ alertType: 'general', title: 'quick', message: 'm' });
    await service.close();
    expect(fake.messages).toHaveLength(1);
    expect(lines.map((l) => l.msg)).toContain('drained: nothing left in the queues');
    expect(lines.some((l) => l.msg.includes('LOST'))).toBe(false);
  }, 15_000);
});

describe('send() during a Discord outage', () => {
  // README: send() resolves "once Discord answered or the last retry failed". Through an outage the message
  // keeps waiting behind the breaker (nothing is dead-lettered), and send() waited with it: a cron script
  // awaiting it hung for as long as Discord (or the network path to it) was down.
  it('answers once its retries are used, saying the message is still queued, instead of hanging', async () => {
    const service = new DiscordNotificationService({
      // Port 9 (discard) refuses connections: Discord unreachable, its webhook GET too.
      env: { DISCORD_WEBHOOK_GENERAL: `http://127.0.0.1:9/api/webhooks/${HOOK_IDS.general!}/gen-token`, DISCORD_ALLOWED_HOSTS: '127.0.0.1:9' },
      yaml: 'server:\n  shutdown_deadline: 300ms\n',
      logger: pino({ level: 'silent' }),
      random: () => 0,
    });
    try {
      const sending = service.send({ alertType: 'general', title: 'during the outage', message: 'm' });
      expect(await settledWithin(sending, 20_000)).toBe('settled');
      const result = await sending;
      expect(result).toMatchObject({ success: false, status: 'queued' });
      expect(result.notificationId).toBeDefined();
      expect(result.error).toContain('Discord does not answer');
      // A send queued behind it, while Discord still does not answer, says so too instead of waiting with it.
      const second = service.send({ alertType: 'general', title: 'also during the outage', message: 'm' });
      expect(await settledWithin(second, 5_000)).toBe('settled');
      expect(await second).toMatchObject({ success: false, status: 'queued' });
    } finally {
      await service.close();
    }
  }, 40_000);

  it('once Discord answers again, what was held is delivered and a new send waits for its own answer again', async () => {
    const service = await serviceThroughOutage(4);
    try {
      expect(await service.send({ alertType: 'general', title: 'first', message: 'm' })).toMatchObject({ status: 'queued', success: false });
      expect(await service.send({ alertType: 'general', title: 'second', message: 'm' })).toMatchObject({ status: 'queued', success: false });
      await fake!.waitForMessages(2, 20_000);
      expect(await service.send({ alertType: 'general', title: 'third', message: 'm' })).toMatchObject({ status: 'sent', success: true });
      expect(fake!.messagesFor(HOOK_IDS.general!).map((m) => JSON.stringify(m.body))).toHaveLength(3);
    } finally {
      await service.close();
    }
  }, 40_000);
});

describe('send() after an outage that ended in a broken webhook', () => {
  // Discord answered the held message again, with 404 (deleted meanwhile): only a success or a 400 cleared the
  // hold, so every later send answered at once "queued, Discord does not answer" while Discord answers and
  // the notification went to dead letters.
  it('answers failed, not queued: Discord answered', async () => {
    const service = await serviceThroughOutage(4);
    try {
      expect(await service.send({ alertType: 'general', title: 'first', message: 'm' })).toMatchObject({ status: 'queued', success: false });
      fake!.setBroken(HOOK_IDS.general!);
      await expect.poll(async () => (await service.healthCheck()).webhooks.find((w) => w.alertType === 'general')?.broken, { timeout: 20_000 }).toBe(true);
      expect(await service.send({ alertType: 'general', title: 'second', message: 'm' })).toMatchObject({ status: 'failed', success: false });
    } finally {
      await service.close();
    }
  }, 40_000);
});

describe('send() of a notification rerouted from a broken webhook to general during an outage', () => {
  // The send waited on the hold of the queue intake put it in (the broken webhook's); moved to general's queue,
  // its message used its retries there through the outage and held general's queue, which nobody watched:
  // the cron script hung for as long as Discord was down, as before the outage change.
  it('answers queued once general is held, instead of hanging', async () => {
    const service = await serviceThroughOutage(200, {
      errorWebhookBroken: true,
      yaml: 'discord:\n  retry_attempts: 0\n  circuit_breaker: { failure_threshold: 50, cooldown: 1s }\nserver:\n  shutdown_deadline: 300ms\n',
    });
    try {
      const sending = service.send({ alertType: 'error', title: 'Job failed', message: 'exit 2' });
      expect(await settledWithin(sending, 15_000)).toBe('settled');
      expect(await sending).toMatchObject({ success: false, status: 'queued' });
    } finally {
      await service.close();
    }
  }, 40_000);
});

describe('a send whose route is muted now', () => {
  it('send() and enqueue() answer muted (not queued: nothing will be posted), and nothing reaches Discord', async () => {
    fake = await startFakeDiscord({ webhooks: [{ id: HOOK_IDS.general!, token: 'gen-token', channelId: 'c1' }] });
    const service = new DiscordNotificationService({
      env: { DISCORD_WEBHOOK_GENERAL: fake.urlFor(HOOK_IDS.general!), DISCORD_ALLOWED_HOSTS: new URL(fake.origin).host },
      yaml: 'time_intervals:\n  - name: always\n    time_intervals: [{ times: [{ start_time: "00:00", end_time: "24:00" }] }]\nroutes:\n  - match: [\'severity="info"\']\n    type: general\n    mute_time_intervals: [always]\n  - type: general\n',
      logger: pino({ level: 'silent' }),
    });
    try {
      expect(await service.send({ alertType: 'general', title: 'quiet', message: 'm', severity: 'info' })).toEqual({ success: true, status: 'muted', attempts: 0 });
      expect(await service.enqueue({ alertType: 'general', title: 'quiet too', message: 'm', severity: 'info' })).toMatchObject({ status: 'muted' });
      expect(await service.send({ alertType: 'general', title: 'loud', message: 'm', severity: 'critical' })).toMatchObject({ success: true, status: 'sent' });
      expect(fake.messages.map((m) => JSON.stringify(m.body)).join()).not.toContain('quiet');
    } finally {
      await service.close();
    }
  }, 15_000);
});

describe('a closed service', () => {
  it('refuses send() and enqueue() instead of queuing what nobody will deliver, is not healthy, and closes once', async () => {
    fake = await startFakeDiscord({ webhooks: [{ id: HOOK_IDS.general!, token: 'gen-token', channelId: 'c1' }] });
    const service = new DiscordNotificationService({
      env: { DISCORD_WEBHOOK_GENERAL: fake.urlFor(HOOK_IDS.general!), DISCORD_ALLOWED_HOSTS: new URL(fake.origin).host },
      yaml: '',
      logger: pino({ level: 'silent' }),
    });
    expect(await service.send({ alertType: 'general', title: 'before', message: 'm' })).toMatchObject({ status: 'sent' });
    await service.close();
    const closed = { success: false, status: 'failed', error: expect.stringMatching(/closed/) as unknown };
    // Before the fix, enqueue answered { success: true, status: 'queued' } for a message that was lost.
    expect(await service.enqueue({ alertType: 'general', title: 'after', message: 'm' })).toMatchObject(closed);
    expect(await service.send({ alertType: 'general', title: 'after', message: 'm' })).toMatchObject(closed);
    expect((await service.healthCheck()).healthy).toBe(false);
    // Before the fix, every webhook was reported invalid (the closed sockets failed each lookup).
    const lookups = fake.requests.length;
    await expect(service.validateConfiguration()).rejects.toThrow(/closed.*no webhook was checked/);
    expect(fake.requests.length).toBe(lookups);
    // A second close() has nothing to drain: it must not wait out the shutdown deadline (8 s by default).
    expect(await settledWithin(service.close(), 1000)).toBe('settled');
    expect(fake.messages).toHaveLength(1);
  }, 15_000);
});

describe('send() with a Redis store shared by two processes', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis({ appendonly: false });
  });
  afterAll(() => redis.destroy());

  it('resolves even when another replica delivers the notification', async () => {
    fake = await startFakeDiscord({ webhooks: [{ id: HOOK_IDS.general!, token: 'gen-token', channelId: 'c1' }], rateLimits: { webhook: false, channel: false, global: false } });
    const prefix = 'shared';
    const env = {
      DISCORD_WEBHOOK_GENERAL: fake.urlFor(HOOK_IDS.general!),
      DISCORD_ALLOWED_HOSTS: new URL(fake.origin).host,
      REDIS_URL: redis.url,
    };
    const yaml = `store:\n  redis:\n    key_prefix: ${prefix}\n`;
    const a = new DiscordNotificationService({ env, yaml, logger: pino({ level: 'silent' }) });
    const b = new DiscordNotificationService({ env, yaml, logger: pino({ level: 'silent' }) });
    try {
      // Both processes consume the general queue (b has a worker for it once it has used it).
      await b.send({ alertType: 'general', title: 'warm-up', message: 'm' });
      await a.send({ alertType: 'general', title: 'warm-up', message: 'm' });
      const before = fake.messages.reduce((n, m) => n + ((m.body as { embeds?: unknown[] }).embeds?.length ?? 0), 0);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => settledWithin(a.send({ alertType: 'general', title: `n${i}`, message: 'm' }), 5000)),
      );
      const embeds = fake.messages.reduce((n, m) => n + ((m.body as { embeds?: unknown[] }).embeds?.length ?? 0), 0);
      expect(embeds - before).toBe(10); // every notification reached Discord …
      expect(results.filter((r) => r === 'pending')).toHaveLength(0); // … and every send() said so
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }, 30_000);
  // The Redis store keeps broken marks across restarts: a webhook fixed while alertcord was down stayed
  // "broken" after the restart (its alerts rerouted to general) until someone called POST /api/validate.
  it('a restart clears a broken mark an earlier run left when Discord knows the webhook again, and only then', async () => {
    fake = await startFakeDiscord({ webhooks: [{ id: HOOK_IDS.general!, token: 'gen-token', channelId: 'c1' }, { id: HOOK_IDS.error!, token: 'err-token', channelId: 'c2' }] });
    const f = fake;
    const env = {
      DISCORD_WEBHOOK_GENERAL: f.urlFor(HOOK_IDS.general!),
      DISCORD_WEBHOOK_ERRORS: f.urlFor(HOOK_IDS.error!),
      DISCORD_ALLOWED_HOSTS: new URL(f.origin).host,
      REDIS_URL: redis.url,
    };
    const yaml = 'store:\n  redis:\n    key_prefix: recheck\n';
    const brokenOf = async (s: DiscordNotificationService) => (await s.healthCheck()).webhooks.find((w) => w.alertType === 'error')?.broken;
    const gets = () => f.requests.filter((r) => r.method === 'GET' && r.webhookId === HOOK_IDS.error).length;
    f.setBroken(HOOK_IDS.error!); // deleted in Discord
    const first = new DiscordNotificationService({ env, yaml, logger: pino({ level: 'silent' }) });
    await first.validateConfiguration();
    expect(await brokenOf(first)).toBe(true);
    await first.close();

    // Restarted while still deleted: asked again, still broken.
    const before = gets();
    const second = new DiscordNotificationService({ env, yaml, logger: pino({ level: 'silent' }) });
    await expect.poll(gets).toBe(before + 1);
    expect(await brokenOf(second)).toBe(true);
    await second.close();

    // Fixed while down, then restarted: the mark goes without any validate call, and alerts reach their channel.
    f.setBroken(HOOK_IDS.error!, false);
    // The production logger (its redaction): the log line says which webhook answers again, by its id.
    const lines: { msg: string; webhookId?: string }[] = [];
    const third = new DiscordNotificationService({ env, yaml, logger: createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) }) });
    try {
      await expect.poll(() => brokenOf(third)).toBe(false);
      await expect.poll(() => lines.filter((l) => l.msg.includes('mark cleared')).map((l) => l.webhookId)).toEqual([HOOK_IDS.error]);
      expect(await third.send({ alertType: 'error', title: 'after the fix', message: 'm' })).toMatchObject({ status: 'sent' });
      expect(f.messagesFor(HOOK_IDS.error!)).toHaveLength(1);
    } finally {
      await third.close();
    }
  }, 30_000);
});

describe('healthCheck() on the Redis store', () => {
  // The report exists to say the store is down: it threw the store's error instead (Redis stopped, or the
  // service closed, which closes the Redis connection).
  it('answers unhealthy, store not ok, when Redis is down and after close(), instead of throwing', async () => {
    const redis = await startRedis({ appendonly: false });
    const service = new DiscordNotificationService({
      env: { DISCORD_WEBHOOK_GENERAL: `https://discord.com/api/webhooks/${HOOK_IDS.general!}/gen-token`, REDIS_URL: redis.url, DRY_RUN: 'true' },
      yaml: 'store:\n  redis:\n    key_prefix: health\n    command_timeout: 200ms\n',
      logger: pino({ level: 'silent' }),
    });
    try {
      expect((await service.healthCheck()).store).toEqual({ kind: 'redis', ok: true });
      await redis.stop();
      const down = await service.healthCheck();
      expect(down).toMatchObject({ healthy: false, store: { kind: 'redis', ok: false } });
      expect(down.webhooks.find((w) => w.alertType === 'general')).toMatchObject({ configured: true, breaker: 'unknown' });
      await redis.restart();
      await service.close();
      expect(await service.healthCheck()).toMatchObject({ healthy: false, store: { kind: 'redis', ok: false } });
    } finally {
      await service.close();
      await redis.destroy();
    }
  }, 30_000);
});

describe('send() with a message it cannot use', () => {
  it('answers failed for an invalid Date instead of throwing', async () => {
    const service = new DiscordNotificationService({ env: {}, yaml: '', logger: pino({ level: 'silent' }) });
    try {
      const result = await service.send({ alertType: 'general', title: 't', message: 'm', timestamp: new Date('not a date') }).catch((err: unknown) => err);
      expect(result).toMatchObject({ success: false, status: 'failed' });
      expect((result as { error?: string }).error).toMatch(/timestamp/);
    } finally {
      await service.close();
    }
  });
});

describe('send() of a message that routes to two alert types (continue: true)', () => {
  it('is not a success when one of its notifications failed', async () => {
    fake = await startFakeDiscord({
      webhooks: [
        { id: HOOK_IDS.general!, token: 'gen-token', channelId: 'c1' },
        { id: HOOK_IDS.error!, token: 'err-token', channelId: 'c2' },
      ],
    });
    fake.setBroken(HOOK_IDS.general!); // the fan-out copy cannot be delivered
    const service = new DiscordNotificationService({
      env: { DISCORD_WEBHOOK_GENERAL: fake.urlFor(HOOK_IDS.general!), DISCORD_WEBHOOK_ERRORS: fake.urlFor(HOOK_IDS.error!), DISCORD_ALLOWED_HOSTS: new URL(fake.origin).host },
      yaml: "routes:\n  - match: ['alert_type=\"error\"']\n    type: error\n    continue: true\n  - type: general\n",
      logger: pino({ level: 'silent' }),
    });
    try {
      const result = await service.send({ alertType: 'error', title: 'Job failed', message: 'exit 2' });
      expect(fake.messages.map((m) => m.webhookId)).toEqual([HOOK_IDS.error]);
      expect(result.success).toBe(false);
    } finally {
      await service.close();
    }
  });
});

describe('a program that ends without close()', () => {
  // A cron script that sends and returns (the seed's scripts did) hung forever: the memory queue's idle wait
  // is a timer, re-armed by its worker for as long as the process lives.
  it('exits once its sends are delivered (memory store): the library holds the process only while work is pending', async () => {
    fake = await startFakeDiscord({ webhooks: [{ id: HOOK_IDS.general!, token: 'gen-token', channelId: 'c1' }] });
    const lib = fileURLToPath(new URL('../../src/lib.ts', import.meta.url));
    const program = `
      const { DiscordNotificationService } = await import(${JSON.stringify(lib)});
      const discord = new DiscordNotificationService({ yaml: '' });
      void discord.enqueue({ alertType: 'general', title: 'queued, never awaited', message: 'm' });
      const result = await discord.send({ alertType: 'general', title: 'nightly', message: 'm' });
      console.log(JSON.stringify(result));`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], {
      env: { PATH: process.env.PATH ?? '', DISCORD_WEBHOOK_GENERAL: fake.urlFor(HOOK_IDS.general!), DISCORD_ALLOWED_HOSTS: new URL(fake.origin).host, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    const killer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    clearTimeout(killer);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'sent' });
    expect(code).toBe(0); // null: it never exited and was killed
    // What was queued without waiting went out before the exit, as the awaited send did.
    expect(fake.messages.map((m) => JSON.stringify(m.body)).join()).toContain('queued, never awaited');
  }, 40_000);
});
