import { afterEach, describe, expect, it } from 'vitest';
import type { FakeDiscord, FakeDiscordOptions, FakeWebhook } from '../helpers/fake-discord/index.js';
import { DEFAULT_FAKE_RATE_LIMITS, FAKE_DISCORD_LIMITS, startFakeDiscord, validateDiscordBody } from '../helpers/fake-discord/index.js';

const A: FakeWebhook = { id: '111111111111111111', token: 'tok-a', channelId: '900', name: 'alerts' };
const B: FakeWebhook = { id: '222222222222222222', token: 'tok-b', channelId: '900' };
const FORUM: FakeWebhook = { id: '333333333333333333', token: 'tok-f', channelId: '901', forum: true };

let fake: FakeDiscord | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  fake = await startFakeDiscord({ webhooks: [A, B, FORUM], ...options });
  return fake;
}

/** A manual clock for deterministic windows. */
function manualClock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

function post(url: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });
}

const ok = { content: 'hi', allowed_mentions: { parse: [] } };
const x = (n: number, ch = 'x'): string => ch.repeat(n);

/** The first `_errors` entry at a path of the errors tree of a failed validation. */
function errorAt(body: unknown, ...path: (string | number)[]): { code: string; message: string } | undefined {
  let node = (body as { errors?: unknown }).errors as Record<string, unknown> | undefined;
  for (const key of path) node = node?.[String(key)] as Record<string, unknown> | undefined;
  return (node?._errors as { code: string; message: string }[] | undefined)?.[0];
}

function rejected(body: unknown): { code: number; errors?: unknown; message: string } {
  const r = validateDiscordBody(body);
  if (r.ok) throw new Error('expected a rejection');
  expect(r.status).toBe(400);
  return r.body as { code: number; errors?: unknown; message: string };
}

describe('validateDiscordBody: limits at and one over, in code points', () => {
  const embed = (e: Record<string, unknown>): unknown => ({ embeds: [{ description: 'd', ...e }] });
  const cases: [string, (n: number) => unknown, number, (string | number)[]][] = [
    ['content', (n) => ({ content: x(n) }), 2000, ['content']],
    ['username', (n) => ({ content: 'c', username: x(n) }), 80, ['username']],
    ['title', (n) => embed({ title: x(n) }), 256, ['embeds', 0, 'title']],
    ['description', (n) => ({ embeds: [{ description: x(n) }] }), 4096, ['embeds', 0, 'description']],
    ['field name', (n) => embed({ fields: [{ name: x(n), value: 'v' }] }), 256, ['embeds', 0, 'fields', 0, 'name']],
    ['field value', (n) => embed({ fields: [{ name: 'n', value: x(n) }] }), 1024, ['embeds', 0, 'fields', 0, 'value']],
    ['footer text', (n) => embed({ footer: { text: x(n) } }), 2048, ['embeds', 0, 'footer', 'text']],
    ['author name', (n) => embed({ author: { name: x(n) } }), 256, ['embeds', 0, 'author', 'name']],
  ];
  for (const [name, make, limit, path] of cases) {
    it(`${name}: ${limit} passes, ${limit + 1} is 50035 at ${path.join('.')}`, () => {
      expect(validateDiscordBody(make(limit))).toEqual({ ok: true });
      const body = rejected(make(limit + 1));
      expect(body.code).toBe(50035);
      expect(body.message).toBe('Invalid Form Body');
      expect(errorAt(body, ...path)?.code).toMatch(/BASE_TYPE_(MAX|BAD)_LENGTH/);
    });
  }

  it('counts an emoji as one: 2000 × "🔥" passes (4000 UTF-16 units), 2001 fails', () => {
    expect('🔥'.repeat(2000).length).toBe(4000);
    expect(validateDiscordBody({ content: '🔥'.repeat(2000) })).toEqual({ ok: true });
    expect(rejected({ content: '🔥'.repeat(2001) }).code).toBe(50035);
    expect(validateDiscordBody({ embeds: [{ title: '🔥'.repeat(256) }] })).toEqual({ ok: true });
  });

  it('answers the nested errors tree like Discord for field 3 value over 1024', () => {
    const fields = [0, 1, 2, 3].map((i) => ({ name: `f${i}`, value: i === 3 ? x(1025) : 'v' }));
    const r = validateDiscordBody({ embeds: [{ title: 't', fields }] });
    expect(r).toEqual({
      ok: false,
      status: 400,
      body: {
        message: 'Invalid Form Body',
        code: 50035,
        errors: {
          embeds: {
            '0': {
              fields: {
                '3': { value: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 1024 or fewer in length.' }] } },
              },
            },
          },
        },
      },
    });
  });

  it('embeds: 10 pass, 11 fail; fields: 25 pass, 26 fail', () => {
    const embeds = (n: number): unknown => ({ embeds: Array.from({ length: n }, () => ({ title: 't' })) });
    expect(validateDiscordBody(embeds(10))).toEqual({ ok: true });
    expect(errorAt(rejected(embeds(11)), 'embeds')?.code).toBe('BASE_TYPE_MAX_LENGTH');
    const fields = (n: number): unknown => ({
      embeds: [{ fields: Array.from({ length: n }, () => ({ name: 'n', value: 'v' })) }],
    });
    expect(validateDiscordBody(fields(25))).toEqual({ ok: true });
    expect(errorAt(rejected(fields(26)), 'embeds', 0, 'fields')?.code).toBe('BASE_TYPE_MAX_LENGTH');
  });

  it('6000 code points across ALL embeds: exactly 6000 passes, 6001 fails', () => {
    // 2 embeds × (title 256 + description 2744) = 6000; every piece within its own limit.
    const two = (extra: number): unknown => ({
      embeds: [
        { title: x(256), description: x(2744) },
        { title: x(256), description: x(2744 + extra) },
      ],
    });
    expect(validateDiscordBody(two(0))).toEqual({ ok: true });
    const body = rejected(two(1));
    expect(errorAt(body, 'embeds')?.code).toBe('MAX_EMBED_SIZE_EXCEEDED');
    // Fields, footer and author count too.
    const mixed = {
      embeds: [
        { title: x(256), description: x(4096), footer: { text: x(648) } },
        { author: { name: x(200) }, fields: [{ name: x(200), value: x(600) }] },
      ],
    };
    expect(validateDiscordBody(mixed)).toEqual({ ok: true });
    mixed.embeds[1]!.fields![0]!.value = x(601);
    expect(errorAt(rejected(mixed), 'embeds')?.code).toBe('MAX_EMBED_SIZE_EXCEEDED');
  });

  it('the 6000 total counts code points too: 6000 × "🔥" across embeds passes (12000 UTF-16 units), 6001 fails', () => {
    const fire = (n: number): string => '🔥'.repeat(n);
    const embeds = (extra: number): unknown => ({
      embeds: [
        { title: fire(256), description: fire(4096) },
        { description: fire(1648 + extra) },
      ],
    });
    expect(validateDiscordBody(embeds(0))).toEqual({ ok: true });
    expect(errorAt(rejected(embeds(1)), 'embeds')?.code).toBe('MAX_EMBED_SIZE_EXCEEDED');
  });

  it('field name and value must be non-empty; whitespace-only counts as empty', () => {
    for (const field of [{ name: '', value: 'v' }, { name: '  ', value: 'v' }, { name: 'n' }, { name: 'n', value: '\n\t' }]) {
      const body = rejected({ embeds: [{ fields: [field] }] });
      const key = field.name.trim() === '' ? 'name' : 'value';
      expect(errorAt(body, 'embeds', 0, 'fields', 0, key)?.code).toBe('BASE_TYPE_REQUIRED');
    }
  });

  it('empty message: no content and no embeds → 50006, also blank content or an empty embed', () => {
    for (const body of [{}, { content: '' }, { content: '   ' }, { embeds: [] }, { content: null, embeds: [{}] }]) {
      expect(rejected(body)).toEqual({ message: 'Cannot send an empty message', code: 50006 });
    }
  });

  it('username: 1..80, never "discord" or "clyde" in any case', () => {
    expect(validateDiscordBody({ content: 'c', username: 'Alertcord' })).toEqual({ ok: true });
    expect(errorAt(rejected({ content: 'c', username: '' }), 'username')?.code).toBe('BASE_TYPE_BAD_LENGTH');
    // Discord trims names first: blank is empty.
    for (const name of [' ', '  \t ', '\n']) {
      expect(errorAt(rejected({ content: 'c', username: name }), 'username')?.code, JSON.stringify(name)).toBe('BASE_TYPE_BAD_LENGTH');
    }
    expect(validateDiscordBody({ content: 'c', username: ' Alertcord ' })).toEqual({ ok: true });
    for (const name of ['Discord alerts', 'my-DISCORD', 'Clyde', 'cLyDeBot']) {
      expect(errorAt(rejected({ content: 'c', username: name }), 'username')?.code).toBe('USERNAME_INVALID_CONTAINS');
    }
  });

  it('color 0..0xFFFFFF integer, timestamp ISO 8601, urls http(s)', () => {
    const e = (extra: Record<string, unknown>): unknown => ({ embeds: [{ title: 't', ...extra }] });
    expect(validateDiscordBody(e({ color: 0 }))).toEqual({ ok: true });
    expect(validateDiscordBody(e({ color: 0xffffff }))).toEqual({ ok: true });
    expect(errorAt(rejected(e({ color: 0x1000000 })), 'embeds', 0, 'color')?.code).toBe('NUMBER_TYPE_MAX');
    expect(errorAt(rejected(e({ color: -1 })), 'embeds', 0, 'color')?.code).toBe('NUMBER_TYPE_MIN');
    expect(errorAt(rejected(e({ color: 1.5 })), 'embeds', 0, 'color')?.code).toBe('NUMBER_TYPE_COERCE');
    expect(errorAt(rejected(e({ color: '#ff0000' })), 'embeds', 0, 'color')?.code).toBe('NUMBER_TYPE_COERCE');
    expect(validateDiscordBody(e({ timestamp: '2024-05-01T12:00:00.000Z' }))).toEqual({ ok: true });
    expect(validateDiscordBody(e({ timestamp: '2024-05-01T12:00:00+02:00' }))).toEqual({ ok: true });
    for (const ts of ['yesterday', '2024-02-30T00:00:00Z', '1714564800', '2024-05-01']) {
      expect(errorAt(rejected(e({ timestamp: ts })), 'embeds', 0, 'timestamp')?.code).toBe('DATE_TYPE_PARSE');
    }
    expect(validateDiscordBody(e({ url: 'https://grafana.example/d/1', image: { url: 'http://x.example/a.png' } }))).toEqual({
      ok: true,
    });
    expect(errorAt(rejected(e({ url: 'not a url' })), 'embeds', 0, 'url')?.code).toBe('URL_TYPE_INVALID_URL');
    expect(errorAt(rejected(e({ url: 'ftp://x.example' })), 'embeds', 0, 'url')?.code).toBe('URL_TYPE_INVALID_SCHEME');
    expect(errorAt(rejected(e({ thumbnail: {} })), 'embeds', 0, 'thumbnail', 'url')?.code).toBe('BASE_TYPE_REQUIRED');
    expect(errorAt(rejected({ content: 'c', avatar_url: 'javascript:alert(1)' }), 'avatar_url')?.code).toBe(
      'URL_TYPE_INVALID_SCHEME',
    );
  });

  it('urls must be written out as scheme://host without whitespace (the WHATWG parser accepts more than Discord)', () => {
    const e = (url: string): unknown => ({ embeds: [{ title: 't', url }] });
    for (const url of ['https://x.example', 'http://x.example:8080/a/b?c=d#e', 'https://user@x.example/%20a', 'https://x.example/a\\b']) {
      expect(validateDiscordBody(e(url)), url).toEqual({ ok: true });
    }
    for (const url of ['http:x.example', 'https:/x.example', 'https:\\\\x.example', ' https://x.example', 'https://x.example ', 'https://x.example/a b', 'https://x.example/\n']) {
      expect(errorAt(rejected(e(url)), 'embeds', 0, 'url')?.code, JSON.stringify(url)).toBe('URL_TYPE_INVALID_URL');
    }
    expect(errorAt(rejected({ embeds: [{ image: { url: 'https:/x.example/a.png' } }] }), 'embeds', 0, 'image', 'url')?.code).toBe('URL_TYPE_INVALID_URL');
  });

  it('flags: only SUPPRESS_EMBEDS (4) and SUPPRESS_NOTIFICATIONS (4096)', () => {
    expect(validateDiscordBody({ content: 'c', flags: 4 | 4096 })).toEqual({ ok: true });
    expect(errorAt(rejected({ content: 'c', flags: 64 }), 'flags')).toBeDefined();
  });

  it('allowed_mentions: known parse types; parse "users" excludes a users list', () => {
    expect(validateDiscordBody({ content: 'c', allowed_mentions: { parse: ['everyone'], roles: ['123'] } })).toEqual({
      ok: true,
    });
    expect(errorAt(rejected({ content: 'c', allowed_mentions: { parse: ['here'] } }), 'allowed_mentions', 'parse', 0)).toBeDefined();
    expect(errorAt(rejected({ content: 'c', allowed_mentions: { parse: ['users'], users: ['1'] } }), 'allowed_mentions')?.code).toBe(
      'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
    );
  });

  it('thread rules: thread_name with thread_id → 220002; forum needs one → 220001; non-forum thread_name → 220003', () => {
    const named = { content: 'c', thread_name: 'incident' };
    expect(validateDiscordBody(named)).toEqual({ ok: true });
    expect(rejected2(named, { threadId: '5' }).code).toBe(220002);
    expect(rejected2({ content: 'c' }, { forum: true }).code).toBe(220001);
    expect(rejected2(named, { forum: false }).code).toBe(220003);
    expect(validateDiscordBody(named, { forum: true })).toEqual({ ok: true });
  });

  it('limits constants match docs/discord.md', () => {
    expect(FAKE_DISCORD_LIMITS).toMatchObject({ content: 2000, embeds: 10, embedsTotal: 6000, fieldValue: 1024 });
  });
});

function rejected2(body: unknown, context: Parameters<typeof validateDiscordBody>[1]): { code: number } {
  const r = validateDiscordBody(body, context);
  if (r.ok) throw new Error('expected a rejection');
  return r.body;
}

/** Polls until `cond` holds (socket events are asynchronous). */
async function until(cond: () => boolean, timeoutMs = 2_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const RL_HEADERS = [
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'x-ratelimit-reset-after',
  'x-ratelimit-bucket',
];

describe('fake Discord over a socket: execute and get', () => {
  it('stores a message: 204 without wait, records version, allowed_mentions, thread', async () => {
    const f = await start({ webhooks: [{ ...A, threads: ['777'] }, B, FORUM] });
    expect(f.urlFor(A.id)).toBe(`http://127.0.0.1:${f.port}/api/webhooks/${A.id}/${A.token}`);
    expect(f.apiUrlFor(A.id)).toBe(`http://127.0.0.1:${f.port}/api/v10/webhooks/${A.id}/${A.token}`);
    const r1 = await post(f.urlFor(A.id), { content: 'no mentions field' });
    expect(r1.status).toBe(204);
    const r2 = await post(`${f.apiUrlFor(A.id)}?thread_id=777`, ok);
    expect(r2.status).toBe(204);
    expect(f.messages).toHaveLength(2);
    expect(f.messages[0]).toMatchObject({ webhookId: A.id, channelId: '900', apiVersion: null, allowedMentionsPresent: false });
    expect(f.messages[1]).toMatchObject({ apiVersion: 10, allowedMentionsPresent: true, threadId: '777', wait: false });
    expect(f.messagesFor(B.id)).toEqual([]);
  });

  it('wait=true answers 200 with the message object', async () => {
    const f = await start();
    const res = await post(`${f.apiUrlFor(A.id)}?wait=true`, { ...ok, embeds: [{ title: 'T', color: 0x992d22 }] });
    expect(res.status).toBe(200);
    const msg = (await res.json()) as Record<string, unknown>;
    expect(msg).toMatchObject({ channel_id: '900', webhook_id: A.id, content: 'hi', embeds: [{ type: 'rich', title: 'T' }] });
    expect(msg.id).toMatch(/^\d{17,20}$/);
    expect(msg.id).toBe(f.messages[0]?.id);
    expect(Number.isNaN(Date.parse(String(msg.timestamp)))).toBe(false);
  });

  it('pings only from content, as allowed_mentions lets them (everyone covers @here); never from embeds', async () => {
    const f = await start();
    const content = '@here <@&11> <@22> <@!33>';
    const embeds = [{ description: '@everyone <@&99> <@98>' }];
    const send = async (extra: Record<string, unknown>): Promise<Record<string, unknown>> =>
      (await (await post(`${f.apiUrlFor(A.id)}?wait=true`, { content, embeds, ...extra })).json()) as Record<string, unknown>;
    const mentionsOf = (m: Record<string, unknown>): unknown => [m.mention_everyone, m.mention_roles, m.mentions];
    expect(mentionsOf(await send({ allowed_mentions: { parse: ['everyone'], roles: ['11'] } }))).toEqual([true, ['11'], []]);
    expect(mentionsOf(await send({ allowed_mentions: { parse: [] } }))).toEqual([false, [], []]);
    expect(mentionsOf(await send({ allowed_mentions: { users: ['33'] } }))).toEqual([false, [], [{ id: '33' }]]);
    expect(mentionsOf(await send({}))).toEqual([true, ['11'], [{ id: '22' }, { id: '33' }]]); // absent: all parsed
    expect(f.messages.map((m) => m.pings)).toEqual([
      { everyone: true, roles: ['11'], users: [] },
      { everyone: false, roles: [], users: [] },
      { everyone: false, roles: [], users: ['33'] },
      { everyone: true, roles: ['11'], users: ['22', '33'] },
    ]);
    const quiet = await send({ content: 'see embed', allowed_mentions: { parse: ['everyone', 'roles', 'users'] } });
    expect(mentionsOf(quiet)).toEqual([false, [], []]);
  });

  it('GET returns the webhook object and stores nothing', async () => {
    const f = await start();
    const res = await fetch(f.apiUrlFor(A.id));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      id: A.id,
      type: 1,
      guild_id: '1',
      channel_id: '900',
      name: 'alerts',
      avatar: null,
      application_id: null,
      token: A.token,
    });
    expect((await fetch(f.apiUrlFor(A.id).replace(A.token, 'nope'))).status).toBe(401);
    expect(f.messages).toHaveLength(0);
  });

  it('unknown id → 404 10015, wrong token → 401 50027, both with rate-limit headers', async () => {
    const f = await start();
    const unknown = await post(`${f.origin}/api/v10/webhooks/999/abc`, ok);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message: 'Unknown Webhook', code: 10015 });
    const wrong = await post(f.apiUrlFor(A.id).replace(A.token, 'wrong'), ok);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ message: 'Invalid Webhook Token', code: 50027 });
    for (const h of RL_HEADERS) {
      expect(unknown.headers.get(h), h).not.toBeNull();
      expect(wrong.headers.get(h), h).not.toBeNull();
    }
    expect(f.messages).toHaveLength(0);
    expect(f.stats).toMatchObject({ requests: 2, status404: 1, status401: 1, byStatus: { 404: 1, 401: 1 } });
  });

  it('bad content type and bad JSON → 400, invalid body → 400 with errors tree, nothing stored', async () => {
    const f = await start();
    const text = await post(f.apiUrlFor(A.id), 'hello', { headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(400);
    expect(((await text.json()) as { code: number }).code).toBe(50035);
    const broken = await post(f.apiUrlFor(A.id), '{"content":');
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { code: number }).code).toBe(50109);
    const big = await post(f.apiUrlFor(A.id), { content: x(2001) });
    expect(big.status).toBe(400);
    const body = await big.json();
    expect(errorAt(body, 'content')).toEqual({ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' });
    expect(big.headers.get('x-ratelimit-limit')).toBe('5');
    const empty = await post(f.apiUrlFor(B.id), {});
    expect(await empty.json()).toEqual({ message: 'Cannot send an empty message', code: 50006 });
    const both = await post(`${f.apiUrlFor(FORUM.id)}?thread_id=5`, { content: 'c', thread_name: 'n' });
    expect(((await both.json()) as { code: number }).code).toBe(220002);
    expect(f.messages).toHaveLength(0);
    expect(f.stats.status400).toBe(5);
  });

  it('forum webhook: thread_name creates a thread, recorded with its id', async () => {
    const f = await start();
    const res = await post(`${f.apiUrlFor(FORUM.id)}?wait=true`, { content: 'c', thread_name: 'Disk full' });
    expect(res.status).toBe(200);
    const msg = (await res.json()) as { channel_id: string };
    expect(f.messages[0]).toMatchObject({ channelId: '901', threadName: 'Disk full', threadId: msg.channel_id });
  });
});

describe('fake Discord: ?thread_id= names a thread of the webhook\'s channel', () => {
  it('an unknown thread, or one of another channel, is 404 Unknown Channel (10003) and stores nothing', async () => {
    const f = await start({ webhooks: [{ ...A, threads: ['777'] }, B, FORUM] });
    expect((await post(`${f.apiUrlFor(A.id)}?thread_id=777`, ok)).status).toBe(204); // declared up front
    expect((await post(`${f.apiUrlFor(B.id)}?thread_id=777`, ok)).status).toBe(204); // same channel, other webhook
    const unknown = await post(`${f.apiUrlFor(A.id)}?thread_id=778`, ok);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message: 'Unknown Channel', code: 10003 });
    // A post opened in the forum is a thread of the forum's channel only.
    const opened = (await (await post(`${f.apiUrlFor(FORUM.id)}?wait=true`, { content: 'c', thread_name: 'Disk full' })).json()) as { channel_id: string };
    expect((await post(`${f.apiUrlFor(FORUM.id)}?thread_id=${opened.channel_id}`, ok)).status).toBe(204);
    expect((await post(`${f.apiUrlFor(A.id)}?thread_id=${opened.channel_id}`, ok)).status).toBe(404);
    expect(f.messages.map((m) => [m.webhookId, m.threadId])).toEqual([[A.id, '777'], [B.id, '777'], [FORUM.id, opened.channel_id], [FORUM.id, opened.channel_id]]);
  });

  it('reset() forgets the posts opened, not the threads declared', async () => {
    const f = await start({ webhooks: [{ ...A, threads: ['777'] }, B, FORUM] });
    const opened = (await (await post(`${f.apiUrlFor(FORUM.id)}?wait=true`, { content: 'c', thread_name: 'Disk full' })).json()) as { channel_id: string };
    f.reset();
    expect((await post(`${f.apiUrlFor(FORUM.id)}?thread_id=${opened.channel_id}`, ok)).status).toBe(404);
    expect((await post(`${f.apiUrlFor(A.id)}?thread_id=777`, ok)).status).toBe(204);
  });
});

describe('fake Discord: rate limits', () => {
  it('per webhook: 5 pass with decreasing Remaining, the 6th is 429 user with a sensible retry_after', async () => {
    const clock = manualClock();
    const f = await start({ now: clock.now });
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 5; i += 1) {
      const res = await post(f.apiUrlFor(A.id), ok);
      expect(res.status).toBe(204);
      remaining.push(res.headers.get('x-ratelimit-remaining'));
      expect(res.headers.get('x-ratelimit-limit')).toBe('5');
      expect(res.headers.get('x-ratelimit-reset-after')).toBe('2.000');
      expect(Number(res.headers.get('x-ratelimit-reset'))).toBeCloseTo((clock.now() + 2000) / 1000, 3);
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    clock.advance(500);
    const limited = await post(f.apiUrlFor(A.id), ok);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.headers.get('x-ratelimit-scope')).toBe('user');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('x-ratelimit-reset-after')).toBe('1.500');
    expect(await limited.json()).toEqual({ message: 'You are being rate limited.', retry_after: 1.5, global: false });
    expect(f.messages).toHaveLength(5);
    // Another webhook has its own bucket (same bucket hash: Discord's excludes the webhook).
    const other = await post(f.apiUrlFor(B.id), ok);
    expect(other.status).toBe(204);
    expect(other.headers.get('x-ratelimit-bucket')).toBe(limited.headers.get('x-ratelimit-bucket'));
    clock.advance(1500);
    expect((await post(f.apiUrlFor(A.id), ok)).status).toBe(204);
    expect(f.stats.status429).toBe(1);
  });

  it('a real clock: 429 after 5 quick requests with retry_after in (0, 2]', async () => {
    const f = await start();
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 6; i += 1) {
      last = await post(f.apiUrlFor(A.id), ok);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([204, 204, 204, 204, 204, 429]);
    const body = (await last!.json()) as { retry_after: number };
    expect(body.retry_after).toBeGreaterThan(0);
    expect(body.retry_after).toBeLessThanOrEqual(2);
  });

  it('per channel: 30 messages / 60 s shared by two webhooks → 429 scope shared', async () => {
    const clock = manualClock();
    const f = await start({ now: clock.now });
    for (let round = 0; round < 3; round += 1) {
      for (let i = 0; i < 5; i += 1) {
        expect((await post(f.apiUrlFor(A.id), ok)).status).toBe(204);
        expect((await post(f.apiUrlFor(B.id), ok)).status).toBe(204);
      }
      clock.advance(2_000); // new webhook buckets; the channel window keeps counting
    }
    expect(f.messages).toHaveLength(30);
    const limited = await post(f.apiUrlFor(B.id), ok);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-scope')).toBe('shared');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('4'); // the bucket had room: a sublimit
    const body = (await limited.json()) as { retry_after: number; global: boolean };
    expect(body).toMatchObject({ global: false, retry_after: 54 });
    expect(limited.headers.get('retry-after')).toBe('54');
    expect(f.messages).toHaveLength(30);
    // Another channel is unaffected; the first 10 messages leave the window after 60 s.
    expect((await post(f.apiUrlFor(FORUM.id), { ...ok, thread_name: 't' })).status).toBe(204);
    clock.advance(54_000);
    expect((await post(f.apiUrlFor(A.id), ok)).status).toBe(204);
  });

  it('global: 50 requests per second across webhooks, then 429 global', async () => {
    const clock = manualClock();
    const hooks = Array.from({ length: 11 }, (_, i) => ({ id: String(5000 + i), token: `t${i}`, channelId: String(100 + i) }));
    const f = await start({ now: clock.now, webhooks: hooks });
    for (let i = 0; i < 50; i += 1) {
      expect((await post(f.apiUrlFor(hooks[Math.floor(i / 5)]!.id), ok)).status).toBe(204);
    }
    clock.advance(400);
    const limited = await post(f.apiUrlFor(hooks[10]!.id), ok);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-global')).toBe('true');
    expect(limited.headers.get('x-ratelimit-scope')).toBe('global');
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toEqual({ message: 'You are being rate limited.', retry_after: 0.6, global: true });
    clock.advance(600);
    expect((await post(f.apiUrlFor(hooks[10]!.id), ok)).status).toBe(204);
  });

  it('Cloudflare ban: N answers of 401/403/429 (not shared, not 404) in the window ban the IP for a window', async () => {
    expect(DEFAULT_FAKE_RATE_LIMITS.invalid).toEqual({ limit: 10_000, windowMs: 600_000 });
    const clock = manualClock();
    const f = await start({ now: clock.now, rateLimits: { invalid: { limit: 3, windowMs: 60_000 }, channel: { limit: 1, windowMs: 60_000 } } });
    expect((await post(f.apiUrlFor(A.id), ok)).status).toBe(204);
    expect((await post(f.apiUrlFor(B.id), ok)).headers.get('x-ratelimit-scope')).toBe('shared'); // not counted
    expect((await post(`${f.origin}/api/v10/webhooks/999/abc`, ok)).status).toBe(404); // not counted
    f.inject(A.id, { status: 401 }); // injected faults are not counted
    expect((await post(f.apiUrlFor(A.id), ok)).status).toBe(401);
    expect((await post(f.apiUrlFor(A.id).replace(A.token, 'wrong'), ok)).status).toBe(401);
    expect((await post(f.apiUrlFor(A.id).replace(A.token, 'wrong'), ok)).status).toBe(401);
    clock.advance(10_000);
    expect((await post(f.apiUrlFor(A.id), ok)).status).toBe(429); // channel limit: shared, not counted
    expect((await post(f.apiUrlFor(B.id).replace(B.token, 'wrong'), ok)).status).toBe(401); // the 3rd: banned
    clock.advance(1_000);
    const banned = await post(f.apiUrlFor(A.id), ok);
    expect(banned.status).toBe(429);
    expect(banned.headers.get('retry-after')).toBe('59');
    for (const [name] of banned.headers) expect(name.startsWith('x-ratelimit')).toBe(false);
    expect(await banned.json()).toMatchObject({ code: 0 });
    expect((await fetch(f.apiUrlFor(A.id))).status).toBe(429); // GET too
    f.reset(); // forgets the ban with the other windows
    expect((await post(f.apiUrlFor(B.id), ok)).status).toBe(204);
  });

  it('Cloudflare ban lifts one window after it started', async () => {
    const clock = manualClock();
    const f = await start({ now: clock.now, rateLimits: { invalid: { limit: 2, windowMs: 60_000 } } });
    const wrong = f.apiUrlFor(A.id).replace(A.token, 'wrong');
    expect((await post(wrong, ok)).status).toBe(401);
    expect((await post(wrong, ok)).status).toBe(401);
    clock.advance(59_999);
    expect((await post(f.apiUrlFor(A.id), ok)).status).toBe(429);
    clock.advance(1);
    expect((await post(f.apiUrlFor(A.id), ok)).status).toBe(204);
  });

  it('limits can be switched off (for the benchmark), and then send no bucket headers', async () => {
    const f = await start({ rateLimits: { webhook: false, channel: false, global: false } });
    for (let i = 0; i < 8; i += 1) expect((await post(f.apiUrlFor(A.id), ok)).status).toBe(204);
    expect((await post(f.apiUrlFor(A.id), ok)).headers.get('x-ratelimit-limit')).toBeNull();
  });
});

describe('fake Discord: fault injection', () => {
  it('status faults are consumed FIFO, with Discord bodies by default, then normal behaviour', async () => {
    const f = await start();
    f.inject(A.id, { status: 500 }, { status: 502 }, { status: 404 }, { status: 401 }, { status: 503, body: { custom: 1 } });
    const r500 = await post(f.apiUrlFor(A.id), ok);
    expect(r500.status).toBe(500);
    expect(await r500.json()).toEqual({ message: '500: Internal Server Error', code: 0 });
    const r502 = await post(f.apiUrlFor(A.id), ok);
    expect(r502.status).toBe(502);
    expect(r502.headers.get('content-type')).toMatch(/text\/html/); // Cloudflare, not JSON
    await r502.text();
    const r404 = await post(f.apiUrlFor(A.id), ok);
    expect(await r404.json()).toEqual({ message: 'Unknown Webhook', code: 10015 });
    const r401 = await post(f.apiUrlFor(A.id), ok);
    expect(await r401.json()).toEqual({ message: 'Invalid Webhook Token', code: 50027 });
    const r503 = await post(f.apiUrlFor(A.id), ok);
    expect(await r503.json()).toEqual({ custom: 1 });
    expect(f.pendingFaults(A.id)).toBe(0);
    expect((await post(f.apiUrlFor(A.id), ok)).status).toBe(204);
    expect(f.messages).toHaveLength(1);
    expect(f.stats).toMatchObject({ requests: 6, status5xx: 3, status404: 1, status401: 1, status2xx: 1 });
    expect(f.requests[0]?.fault).toEqual({ status: 500 });
  });

  it('setDown answers every request, GETs included, with its fault until setDown(null); queued faults wait', async () => {
    const f = await start();
    f.inject(A.id, { status: 500 });
    f.setDown({ status: 502, body: '<html>502 Bad Gateway</html>' });
    for (let i = 0; i < 3; i++) expect((await post(f.apiUrlFor(A.id), ok)).status).toBe(502);
    expect((await fetch(f.apiUrlFor(B.id))).status).toBe(502);
    expect(f.pendingFaults(A.id)).toBe(1);
    f.setDown(null);
    expect((await post(f.apiUrlFor(A.id), ok)).status).toBe(500);
    expect((await post(f.apiUrlFor(A.id), ok)).status).toBe(204);
    f.setDown({ kind: 'reset' });
    await expect(fetch(f.apiUrlFor(A.id))).rejects.toThrow();
    expect(f.messages).toHaveLength(1);
  });

  it('reset destroys the socket without an answer and stores nothing', async () => {
    const f = await start();
    f.inject(A.id, { kind: 'reset' });
    await expect(post(f.apiUrlFor(A.id), ok)).rejects.toThrow();
    expect(f.messages).toHaveLength(0);
    expect(f.stats.resets).toBe(1);
    expect(f.requests[0]).toMatchObject({ outcome: 'reset', status: null });
    expect((await post(f.apiUrlFor(A.id), ok)).status).toBe(204);
  });

  it('hang never answers until close, which ends the request', async () => {
    const f = await start();
    f.inject(A.id, { kind: 'hang' });
    const pending = post(f.apiUrlFor(A.id), ok);
    await until(() => f.requests[0]?.outcome === 'hang');
    const settled = await Promise.race([pending.then(() => 'answered', () => 'failed'), new Promise((r) => setTimeout(() => r('still'), 100))]);
    expect(settled).toBe('still');
    await f.close();
    await expect(pending).rejects.toThrow();
    expect(f.stats.hangs).toBe(1);
  });

  it('429 fault carries Discord headers (bucket or global); no message is stored', async () => {
    const f = await start();
    f.inject(A.id, { kind: '429', retryAfter: 3.25 }, { kind: '429', retryAfter: 0.5, global: true });
    const user = await post(f.apiUrlFor(A.id), ok);
    expect(user.status).toBe(429);
    expect(user.headers.get('retry-after')).toBe('4');
    expect(user.headers.get('x-ratelimit-scope')).toBe('user');
    expect(user.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(user.headers.get('x-ratelimit-reset-after')).toBe('3.250');
    expect(await user.json()).toEqual({ message: 'You are being rate limited.', retry_after: 3.25, global: false });
    const global = await post(f.apiUrlFor(A.id), ok);
    expect(global.headers.get('x-ratelimit-global')).toBe('true');
    expect(global.headers.get('x-ratelimit-scope')).toBe('global');
    expect(global.headers.get('retry-after')).toBe('1');
    expect(((await global.json()) as { global: boolean }).global).toBe(true);
    expect(f.messages).toHaveLength(0);
  });

  it("a 502/503/504 (Cloudflare's HTML page) carries no X-RateLimit headers; a JSON 500 from the API does", async () => {
    const f = await start();
    f.inject(A.id, { status: 502 }, { status: 503 }, { status: 500 });
    for (const status of [502, 503]) {
      const res = await post(f.apiUrlFor(A.id), ok);
      expect(res.status).toBe(status);
      await res.text();
      for (const [name] of res.headers) expect(name.startsWith('x-ratelimit'), name).toBe(false);
    }
    const api = await post(f.apiUrlFor(A.id), ok);
    expect(api.status).toBe(500);
    expect(api.headers.get('x-ratelimit-limit')).toBe('5');
  });

  it('429-cloudflare has Retry-After but no X-RateLimit headers, body code 0', async () => {
    const f = await start();
    f.inject(A.id, { kind: '429-cloudflare', retryAfter: 600 });
    const res = await post(f.apiUrlFor(A.id), ok);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('600');
    for (const [name] of res.headers) expect(name.startsWith('x-ratelimit')).toBe(false);
    const body = (await res.json()) as { code: number; retry_after?: number };
    expect(body.code).toBe(0);
    expect(body.retry_after).toBeUndefined();
  });

  it('delay answers normally after a while (for client timeouts)', async () => {
    const f = await start();
    // Generous margins: under a loaded CI machine the request must still reach the fake before the client gives up.
    f.inject(A.id, { kind: 'delay', ms: 1_200 });
    await expect(post(f.apiUrlFor(A.id), ok, { signal: AbortSignal.timeout(400) })).rejects.toThrow();
    f.inject(A.id, { kind: 'delay', ms: 30 });
    const started = Date.now();
    expect((await post(f.apiUrlFor(A.id), ok)).status).toBe(204);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    // The timed-out request was still stored by "Discord": the ambiguity senders must accept.
    await f.waitForMessages(2);
  });

  it('setBroken: 404 Unknown Webhook from now on; setBroken(id, false) heals', async () => {
    const f = await start();
    f.setBroken(A.id);
    const res = await post(f.apiUrlFor(A.id), ok);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ message: 'Unknown Webhook', code: 10015 });
    expect((await fetch(f.apiUrlFor(A.id))).status).toBe(404);
    f.setBroken(A.id, false);
    expect((await post(f.apiUrlFor(A.id), ok)).status).toBe(204);
  });

  it('setPaused holds every request; unpausing answers them in arrival order', async () => {
    const f = await start();
    f.setPaused(true);
    const pending = [1, 2, 3].map((i) => post(f.apiUrlFor(A.id), { ...ok, content: `m${i}` }));
    await until(() => f.requests.length === 3);
    expect(f.messages).toHaveLength(0);
    expect(f.requests.every((r) => r.outcome === 'pending')).toBe(true);
    f.setPaused(false);
    expect((await Promise.all(pending)).map((r) => r.status)).toEqual([204, 204, 204]);
    expect(f.messages).toHaveLength(3);
  });

  it('close ends requests held by a pause', async () => {
    const f = await start();
    f.setPaused(true);
    const pending = post(f.apiUrlFor(A.id), ok);
    await until(() => f.requests.length === 1);
    await f.close();
    await expect(pending).rejects.toThrow();
  });
});

describe('fake Discord: the unversioned path answers like the old default version (v6)', () => {
  it('a 429 there has retry_after and Retry-After in milliseconds, Reset and Reset-After in whole seconds', async () => {
    const clock = manualClock(1_700_000_000_250);
    const f = await start({ now: clock.now });
    const first = await post(f.urlFor(A.id), ok);
    expect(first.status).toBe(204);
    expect(first.headers.get('x-ratelimit-reset-after')).toBe('2');
    expect(first.headers.get('x-ratelimit-reset')).toBe('1700000003');
    for (let i = 0; i < 4; i += 1) expect((await post(f.urlFor(A.id), ok)).status).toBe(204);
    clock.advance(500);
    const limited = await post(f.urlFor(A.id), ok);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1500');
    expect(limited.headers.get('x-ratelimit-scope')).toBe('user');
    expect(await limited.json()).toEqual({ message: 'You are being rate limited.', retry_after: 1500, global: false });
    // The same request pinned to v10 (or v9) answers in seconds.
    f.inject(A.id, { kind: '429', retryAfter: 1.5 }, { kind: '429', retryAfter: 1.5 });
    const v10 = await post(f.apiUrlFor(A.id), ok);
    expect(v10.headers.get('retry-after')).toBe('2');
    expect(((await v10.json()) as { retry_after: number }).retry_after).toBe(1.5);
    const v6 = await post(f.apiUrlFor(A.id, 6), ok);
    expect(v6.headers.get('retry-after')).toBe('1500');
    expect(((await v6.json()) as { retry_after: number }).retry_after).toBe(1500);
  });

  it('an invalid body there is the old flat form error, without code 50035', async () => {
    const f = await start();
    const embed = await post(f.urlFor(A.id), { ...ok, embeds: [{ title: 't', color: -1 }] });
    expect(embed.status).toBe(400);
    expect(await embed.json()).toEqual({ embeds: ['0'] });
    const content = await post(f.urlFor(A.id), { content: x(2001) });
    expect(await content.json()).toEqual({ content: ['Must be 2000 or fewer in length.'] });
    const text = await post(f.urlFor(A.id), 'hello', { headers: { 'content-type': 'text/plain' } });
    expect(await text.json()).toEqual({ _misc: [`Expected "Content-Type" header to be one of {'application/json'}.`] });
    // Errors that always had a JSON code keep it.
    expect(await (await post(f.urlFor(B.id), {})).json()).toEqual({ message: 'Cannot send an empty message', code: 50006 });
    expect(await (await post(f.urlFor(A.id).replace(A.token, 'wrong'), ok)).json()).toMatchObject({ code: 50027 });
    // v9 and v10 answer the nested tree.
    expect(((await (await post(f.apiUrlFor(A.id, 9), { content: x(2001) })).json()) as { code: number }).code).toBe(50035);
  });
});

describe('fake Discord: waiting, stats and reset', () => {
  it('waitForMessages resolves once n are stored', async () => {
    const f = await start();
    const waiting = f.waitForMessages(2);
    void post(f.apiUrlFor(A.id), ok);
    void post(f.apiUrlFor(B.id), ok);
    const messages = await waiting;
    expect(messages).toHaveLength(2);
    expect(await f.waitForMessages(1)).toHaveLength(2); // already there: resolves at once
  });

  it('waitForMessages rejects on timeout with what the fake saw', async () => {
    const f = await start();
    f.inject(A.id, { status: 503 });
    await (await post(f.apiUrlFor(A.id), ok)).text();
    await expect(f.waitForMessages(1, 50)).rejects.toThrow(/waited 50 ms for 1 message\(s\), got 0.*"503":1/);
  });

  it('reset forgets messages, requests, stats, windows and faults', async () => {
    const clock = manualClock();
    const f = await start({ now: clock.now });
    for (let i = 0; i < 6; i += 1) await post(f.apiUrlFor(A.id), ok);
    f.inject(A.id, { status: 500 });
    f.setBroken(B.id);
    f.reset();
    expect(f.messages).toHaveLength(0);
    expect(f.requests).toHaveLength(0);
    expect(f.stats).toMatchObject({ requests: 0, status429: 0, byStatus: {} });
    expect((await post(f.apiUrlFor(A.id), ok)).status).toBe(204);
    expect((await post(f.apiUrlFor(B.id), ok)).status).toBe(204);
  });

  it('records every request with status and headers; unknown paths are 404', async () => {
    const f = await start();
    await post(f.apiUrlFor(A.id), ok);
    const res = await fetch(`${f.origin}/api/v10/channels/1/messages`);
    expect(res.status).toBe(404);
    expect(f.requests.map((r) => [r.method, r.status])).toEqual([
      ['POST', 204],
      ['GET', 404],
    ]);
    expect(f.requests[0]?.headers['content-type']).toBe('application/json');
    expect(f.requests[0]?.responseHeaders['x-ratelimit-limit']).toBe('5');
    expect(JSON.parse(f.requests[0]?.rawBody ?? '')).toEqual(ok);
  });
});
