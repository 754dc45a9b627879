import { describe, expect, it } from 'vitest';
import { COLOR_CRITICAL, RESOLVED_COLOR } from '../../../src/render/colors.js';
import { ZWSP } from '../../../src/render/escape.js';
import { formatDuration } from '../../../src/render/format.js';
import { codePointLength } from '../../../src/render/limits.js';
import { renderNotification } from '../../../src/render/notification.js';
import { allText, expectSafeMessage, makeAlert, makeNotification, makeOptions } from './helpers.js';

describe('renderNotification: one alert', () => {
  it('renders a firing alert with marker, message, severity, key labels and time', () => {
    const [msg, ...rest] = renderNotification(makeNotification([makeAlert()]), makeOptions());
    expect(rest).toEqual([]);
    expectSafeMessage(msg!);
    const embed = msg!.embeds[0]!;
    expect(embed.title).toBe('🔥 FIRING: HighCPU');
    expect(embed.description).toBe('CPU above 90% for 5 minutes');
    expect(embed.color).toBe(COLOR_CRITICAL);
    expect(embed.timestamp).toBe('2024-05-01T10:00:00.000Z');
    const names = embed.fields!.map((f) => f.name);
    expect(names).toEqual(['Severity', 'instance', 'job']); // alertname/severity labels not repeated
    expect(embed.fields![0]!.value).toContain('critical');
    expect(msg!.content).toBeUndefined();
    expect(msg!.allowed_mentions).toEqual({ parse: [] });
  });

  // The Severity field shows the source's default (warning) for a value no synonym reads: hiding the label
  // as a repeat of that field left no trace of the "SEV1" the rule said.
  it('shows a severity label it could not read, and hides one the Severity field repeats', () => {
    const render = (severity: string) => renderNotification(makeNotification([makeAlert({ severity: 'warning', labels: { alertname: 'HighCPU', severity, instance: 'web-1' } })]), makeOptions())[0]!.embeds[0]!.fields!;
    expect(render('SEV1').map((f) => [f.name, f.value])).toEqual([['Severity', '🟡 warning'], ['instance', '`web-1`'], ['severity', '`SEV1`']]);
    expect(render('Warning').map((f) => f.name)).toEqual(['Severity', 'instance']);
  });

  it('shows resolved alerts in green with their duration and never pings', () => {
    const alert = makeAlert({ status: 'resolved', startsAt: '2024-05-01T10:00:00Z', endsAt: '2024-05-01T11:23:10Z' });
    const opts = makeOptions({ mentions: { here: true, roles: ['123456789012345678'] } });
    const [msg] = renderNotification(makeNotification([alert]), opts);
    expectSafeMessage(msg!);
    const embed = msg!.embeds[0]!;
    expect(embed.title).toBe('✅ RESOLVED: HighCPU');
    expect(embed.color).toBe(RESOLVED_COLOR);
    expect(embed.timestamp).toBe('2024-05-01T11:23:10.000Z');
    expect(allText([msg!])).toContain('lasted 1h 23m');
    expect(msg!.content).toBeUndefined();
    expect(msg!.allowed_mentions).toEqual({ parse: [] });
  });

  // A script's or the library's alert carries no time of its own. Dated by the send, one held in the queue by
  // a Discord outage (breaker open, 429 pause) or replayed from dead letters read as having just happened.
  it('dates an alert without a time of its own by when alertcord received it, not by when it is sent', () => {
    const receivedAt = Date.UTC(2024, 4, 1, 10, 5);
    const sentAt = () => receivedAt + 40 * 60_000;
    const untimed = { ...makeAlert({ source: 'generic' }), startsAt: undefined };
    const templated = { ...untimed, presentation: { template: { impact: 'checkout fails' } } };
    const resolved = { ...untimed, status: 'resolved' as const };
    for (const alert of [untimed, templated, resolved]) {
      const [msg] = renderNotification(makeNotification([alert], { receivedAt }), makeOptions({ now: sentAt }));
      expect(msg!.embeds[0]!.timestamp).toBe('2024-05-01T10:05:00.000Z');
    }
    const [timed] = renderNotification(makeNotification([makeAlert()], { receivedAt }), makeOptions({ now: sentAt }));
    expect(timed!.embeds[0]!.timestamp).toBe('2024-05-01T10:00:00.000Z'); // its own startsAt
  });

  it('marks test alerts and "no data"', () => {
    const alert = makeAlert({ isTest: true, stateNote: 'no data', title: 'TestAlert' });
    const [msg] = renderNotification(makeNotification([alert]), makeOptions());
    expect(msg!.embeds[0]!.title).toBe('[TEST] 🔥 FIRING (no data): TestAlert');
  });

  it('pings only configured mentions of a firing notification, with a plain summary', () => {
    const mentions = { here: true, roles: ['123456789012345678', 'not-an-id'], users: ['42'] };
    const alerts = [makeAlert(), makeAlert({ severity: 'warning' })];
    const [msg] = renderNotification(makeNotification(alerts), makeOptions({ mentions }));
    expect(msg!.content).toBe('@here <@&123456789012345678> <@42> **2 firing** — critical');
    expect(msg!.allowed_mentions).toEqual({ parse: ['everyone'], roles: ['123456789012345678'], users: ['42'] });
    expectSafeMessage(msg!, mentions);
  });

  it('escapes alert text and neutralises mentions in it', () => {
    const alert = makeAlert({ title: '@everyone *boom*', message: 'see <@&123> and [x](https://evil) ```' });
    const [msg] = renderNotification(makeNotification([alert]), makeOptions());
    expectSafeMessage(msg!);
    const embed = msg!.embeds[0]!;
    expect(embed.title).toBe(`🔥 FIRING: @${ZWSP}everyone \\*boom\\*`);
    expect(embed.description).toBe(`see <@${ZWSP}&123\\> and \\[x\\](https://evil) \\\`\\\`\\\``);
    expect(msg!.content).toBeUndefined();
  });

  it('renders links as Markdown links, http(s) only', () => {
    const alert = makeAlert({
      links: [
        { title: 'Runbook', url: 'https://runbooks.example/cpu' },
        { title: 'Evil', url: 'javascript:alert(1)' },
        { title: 'Graph [1]', url: 'http://prom.example/graph?g0.expr=up(1)' },
      ],
    });
    const [msg] = renderNotification(makeNotification([alert]), makeOptions());
    const links = msg!.embeds[0]!.fields!.find((f) => f.name === 'Links');
    expect(links?.value).toBe('[Runbook](https://runbooks.example/cpu) · [Graph (1)](http://prom.example/graph?g0.expr=up%281%29)');
  });

  // Grafana sends Source, Silence (a matcher per label), Dashboard, Panel: a Silence URL too long for the
  // field hid the short Dashboard and Panel links after it too ("+3 more").
  it('a link too long for the Links field does not hide the links after it', () => {
    const silence = `https://grafana.example/alerting/silence/new?alertmanager=grafana${'&matcher=pod%3Dapi-7d9f8c6b5-x2k4q'.repeat(40)}`;
    const alert = makeAlert({
      source: 'grafana',
      links: [
        { title: 'Source', url: 'https://grafana.example/alerting/grafana/abc/view?orgId=1' },
        { title: 'Silence', url: silence },
        { title: 'Dashboard', url: 'https://grafana.example/d/node?orgId=1' },
        { title: 'Panel', url: 'https://grafana.example/d/node?orgId=1&viewPanel=4' },
      ],
    });
    const [msg] = renderNotification(makeNotification([alert], { source: 'grafana' }), makeOptions());
    expectSafeMessage(msg!);
    const links = msg!.embeds[0]!.fields!.filter((f) => f.name === 'Links').map((f) => f.value).join(' · ');
    expect(links).toContain('[Dashboard](https://grafana.example/d/node?orgId=1)');
    expect(links).toContain('[Panel](https://grafana.example/d/node?orgId=1&viewPanel=4)');
    expect(links).toContain('+1 more');
  });

  // Links continue in up to three fields: a field holds what fits of 1024 (the " · " between links counted),
  // a short link joins the last field, and what no field can hold is counted there ("+N more"), never a fourth.
  describe('Links fields', () => {
    /** A link whose Markdown (`[T](url)`) is `length` characters long. */
    const link = (title: string, length: number) => ({ title, url: `https://links.example/${'a'.repeat(length - title.length - 26)}` });
    const md = (l: { title: string; url: string }) => `[${l.title}](${l.url})`;
    const render = (over: Partial<Parameters<typeof makeAlert>[0]>) => renderNotification(makeNotification([makeAlert(over)]), makeOptions())[0]!;
    const linkValues = (links: { title: string; url: string }[]) => render({ links }).embeds[0]!.fields!.filter((f) => f.name === 'Links').map((f) => f.value);

    it('at most three, a short link joining the last and the rest counted in it', () => {
      const [a, b, c, d, e] = [link('A', 600), link('B', 600), link('C', 600), link('D', 40), link('E', 600)];
      expect(md(a!)).toHaveLength(600);
      expect(linkValues([a!, b!, c!, d!, e!])).toEqual([md(a!), md(b!), `${md(c!)} · ${md(d!)} · +1 more`]);
    });

    it('a field holds exactly 1024 with the separators counted', () => {
      const thirds = [link('A', 340), link('B', 340), link('C', 340)];
      expect(linkValues(thirds)).toEqual([`${md(thirds[0]!)} · ${md(thirds[1]!)}`, md(thirds[2]!)]);
      const halves = [link('A', 510), link('B', 511)];
      expect(linkValues(halves)).toEqual([`${md(halves[0]!)} · ${md(halves[1]!)}`]);
      const whole = link('A', 1024);
      expect(linkValues([whole])).toEqual([md(whole)]);
    });

    it('stay last, after the sender\'s fields, and within 25 fields', () => {
      const links = [link('A', 600), link('B', 600), link('C', 600)];
      const fields = Array.from({ length: 30 }, (_, i) => ({ name: `f${i}`, value: 'v' }));
      const msg = render({ links, fields });
      expectSafeMessage(msg);
      const out = msg.embeds[0]!.fields!;
      expect(out).toHaveLength(25);
      expect(out.slice(-3).map((f) => [f.name, f.value])).toEqual(links.map((l) => ['Links', md(l)]));
      expect(out[21]).toMatchObject({ name: '…', value: '+12 more fields not shown' });
    });
  });

  it('uses presentation hints: image, thumbnail, author, url, footer, colour', () => {
    const alert = makeAlert({
      presentation: {
        imageUrl: 'https://grafana.example/render.png', thumbnailUrl: 'ftp://nope', url: 'https://grafana.example/d/1',
        author: { name: 'Grafana', iconUrl: 'https://grafana.example/icon.png' }, footer: 'prod cluster', color: 0x123456,
      },
    });
    const [msg] = renderNotification(makeNotification([alert]), makeOptions());
    expectSafeMessage(msg!);
    const e = msg!.embeds[0]!;
    expect(e.image).toEqual({ url: 'https://grafana.example/render.png' });
    expect(e.thumbnail).toBeUndefined();
    expect(e.url).toBe('https://grafana.example/d/1');
    expect(e.author).toEqual({ name: 'Grafana', icon_url: 'https://grafana.example/icon.png' });
    expect(e.footer?.text).toBe('prod cluster');
    expect(e.color).toBe(0x123456);
  });

  it('renders an alert with seed template data through its type’s template', () => {
    const alert = makeAlert({ source: 'generic', title: 'DB down', message: 'primary lost', presentation: { template: { impact: 'writes fail' } } });
    const [msg] = renderNotification(makeNotification([alert], { alertType: 'critical' }), makeOptions());
    expectSafeMessage(msg!);
    expect(msg!.embeds[0]!.title).toBe('🚨 DB down');
    expect(msg!.embeds[0]!.fields).toContainEqual({ name: 'Impact', value: 'writes fail' });
  });

  it('summarises labels beyond the shown ones', () => {
    const labels: Record<string, string> = { alertname: 'HighCPU' }; // the title: not shown again
    for (let i = 0; i < 12; i++) labels[`l${String(i).padStart(2, '0')}`] = `v${i}`;
    const [msg] = renderNotification(makeNotification([makeAlert({ labels })]), makeOptions());
    const fields = msg!.embeds[0]!.fields!;
    expect(fields.filter((f) => f.inline && f.name.startsWith('l'))).toHaveLength(6);
    expect(fields.find((f) => f.name === '+6 more labels')?.value).toContain('l11=v11');
  });
});

describe('renderNotification: notes, identity', () => {
  it('shows truncatedAlerts and the rerouted channel', () => {
    const n = makeNotification([makeAlert()], { truncatedAlerts: 7, reroutedFrom: '#ops-critical' });
    const [msg] = renderNotification(n, makeOptions());
    expectSafeMessage(msg!);
    expect(msg!.embeds[0]!.footer?.text).toContain('+7 alerts not sent by Alertmanager');
    expect(msg!.embeds[0]!.description).toMatch(/^⚠️ Rerouted: the webhook of \*\*\\#ops-critical\*\* is broken/);
  });

  // A broken webhook reroutes an error alert: the note used to be put in front of the finished description,
  // and the 4096 cut then took its end: the traceback's last line (the error) and its closing fence.
  it('puts the notes around an error traceback without cutting its end or leaving its code block open', () => {
    const traceback = `Traceback (most recent call last):\n${'  File "job.py", line 3, in run\n'.repeat(300)}KeyError: 'id'`;
    const alert = makeAlert({ source: 'generic', title: 'Backup failed', message: 'exit 2', presentation: { template: { traceback } } });
    const n = makeNotification([alert], { alertType: 'error', reroutedFrom: 'error', truncatedAlerts: 2 });
    const [msg] = renderNotification(n, makeOptions({ alertType: 'error' }));
    expectSafeMessage(msg!);
    const e = msg!.embeds[0]!;
    expect(e.description).toMatch(/^⚠️ Rerouted: the webhook of \*\*error\*\* is broken/);
    expect(e.description!.endsWith("KeyError: 'id'\n```"), e.description!.slice(-60)).toBe(true);
    expect(e.footer?.text).toContain('+2 alerts not sent by Alertmanager');
  });

  it('keeps a valid username, avatar and thread name; drops refused usernames', () => {
    const ok = renderNotification(makeNotification([makeAlert()]), makeOptions({
      username: 'Alerts', avatarUrl: 'https://x.example/a.png', threadName: 'CPU',
    }))[0]!;
    expect([ok.username, ok.avatar_url, ok.thread_name]).toEqual(['Alerts', 'https://x.example/a.png', 'CPU']);
    for (const username of ['My Discord bot', 'clyde', 'x'.repeat(81), '   ']) {
      const msg = renderNotification(makeNotification([makeAlert()]), makeOptions({ username, avatarUrl: 'file:///x' }))[0]!;
      expect(msg.username).toBeUndefined();
      expect(msg.avatar_url).toBeUndefined();
    }
  });

  it('renders an empty notification as one visible message', () => {
    const msgs = renderNotification(makeNotification([], { status: 'firing', truncatedAlerts: 3 }), makeOptions());
    expect(msgs).toHaveLength(1);
    expectSafeMessage(msgs[0]!);
    expect(allText(msgs)).toContain('+3 alerts not sent');
  });
});

describe('renderNotification: splitting', () => {
  it('splits a 60-alert group across messages, every alert present in order, only the first pings', () => {
    const alerts = Array.from({ length: 60 }, (_, i) => makeAlert({ title: `Alert-${String(i).padStart(2, '0')}` }));
    const mentions = { here: true };
    const msgs = renderNotification(makeNotification(alerts, { truncatedAlerts: 2 }), makeOptions({ mentions }));
    expect(msgs.length).toBeGreaterThanOrEqual(6);
    const titles = msgs.flatMap((m) => m.embeds.map((e) => e.title));
    expect(titles).toEqual(alerts.map((a) => `🔥 FIRING: ${a.title}`));
    msgs.forEach((m, i) => {
      expectSafeMessage(m, i === 0 ? mentions : undefined);
      if (i === 0) expect(m.content).toBe(`@here **60 firing** — critical (part 1/${msgs.length})`);
      else expect(m.content).toBe(`(part ${i + 1}/${msgs.length})`);
    });
    expect(msgs.at(-1)!.embeds.at(-1)!.footer?.text).toContain('+2 alerts not sent');
  });

  // The config admits mentions whose tokens fill the 2,000 characters (build-alert-types.ts): on a split
  // group the "(part 1/N)" label took room from them and the last roles were silently not pinged.
  it('a split group pings every configured role even when they fill the content; the part label yields', () => {
    const roles = Array.from({ length: 87 }, (_, i) => String(123456789012345678n + BigInt(i))); // exactly 2,000 characters
    const mentions = { roles };
    const alerts = Array.from({ length: 11 }, (_, i) => makeAlert({ title: `Alert-${i}` }));
    const msgs = renderNotification(makeNotification(alerts), makeOptions({ mentions }));
    expect(msgs).toHaveLength(2);
    expect(msgs[0]!.allowed_mentions.roles).toEqual(roles);
    expect(codePointLength(msgs[0]!.content!)).toBeLessThanOrEqual(2000);
    for (const id of roles) expect(msgs[0]!.content).toContain(`<@&${id}>`);
    expect(msgs[1]!.content).toBe('(part 2/2)');
  });

  it('splits by the 6000 total as well as by 10 embeds', () => {
    const alerts = Array.from({ length: 5 }, (_, i) => makeAlert({ title: `Big-${i}`, message: 'm'.repeat(3000) }));
    const msgs = renderNotification(makeNotification(alerts), makeOptions());
    expect(msgs.length).toBeGreaterThanOrEqual(3);
    for (const m of msgs) expectSafeMessage(m);
    expect(msgs.flatMap((m) => m.embeds).map((e) => e.description)).toEqual(alerts.map(() => 'm'.repeat(3000)));
  });

  it('truncates one huge alert per field so it fits, visibly', () => {
    const huge = 'x'.repeat(20_000);
    const alert = makeAlert({
      title: huge, message: huge,
      labels: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, huge])),
      fields: Array.from({ length: 40 }, (_, i) => ({ name: `${huge}${i}`, value: huge })),
      presentation: { footer: huge, author: { name: huge } },
    });
    const msgs = renderNotification(makeNotification([alert]), makeOptions());
    expect(msgs).toHaveLength(1);
    expectSafeMessage(msgs[0]!);
    const e = msgs[0]!.embeds[0]!;
    expect(e.title!.endsWith('…')).toBe(true);
    expect(codePointLength(e.title!)).toBeLessThanOrEqual(256);
    expect(e.description!.endsWith('…')).toBe(true);
    expect(e.fields).toHaveLength(25);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'], [42_000, '42s'], [5 * 60_000, '5m'], [(83 * 60 + 10) * 1000, '1h 23m'], [(27 * 3600 + 60) * 1000, '1d 3h'],
  ])('%d ms → %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});
