import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../../src/render/alert-template.js';
import {
  COLOR_CRITICAL, COLOR_ERROR, COLOR_GENERAL, COLOR_MONITORING, COLOR_SECURITY, COLOR_TRACKLIST, RESOLVED_COLOR,
} from '../../../src/render/colors.js';
import { DiscordEmbedBuilder } from '../../../src/render/embed-builder.js';
import { codePointLength } from '../../../src/render/limits.js';
import { expectSafeMessage, makeAlert } from './helpers.js';

const fieldMap = (fields: { name: string; value: string }[] | undefined): Record<string, string> =>
  Object.fromEntries((fields ?? []).map((f) => [f.name, f.value]));

describe('templates', () => {
  it('error: orange, details as fields, traceback tail in a code block it cannot close', () => {
    const traceback = `Traceback (most recent call last):\n${'  File "x.py", line 1\n'.repeat(500)}\`\`\` @everyone\nKeyError: 'id'`;
    const msg = DiscordEmbedBuilder.buildErrorEmbed({
      errorMessage: 'Job *failed*', errorDetails: { job: 'nightly', __proto__: 'odd key' } as Record<string, string>, traceback,
    });
    expectSafeMessage(msg);
    const e = msg.embeds[0]!;
    expect(e.color).toBe(COLOR_ERROR);
    expect(e.title).toBe('❌ Error');
    expect(e.fields?.[0]).toMatchObject({ name: 'job', value: 'nightly' });
    expect(e.description!.startsWith('Job \\*failed\\*\n\n**Traceback**\n```\n…')).toBe(true);
    expect(e.description!.endsWith("KeyError: 'id'\n```")).toBe(true);
    const body = e.description!.slice(e.description!.indexOf('```\n') + 4, -4);
    expect(body).not.toContain('``');
    expect(body).not.toContain('@everyone');
    expect(codePointLength(e.description!)).toBeLessThanOrEqual(4096);
  });

  it('critical: red, @here in content with allowed_mentions everyone', () => {
    const msg = DiscordEmbedBuilder.buildCriticalEmbed({ title: 'DB down', message: 'Primary lost', impact: 'All writes fail', actionRequired: 'Fail over' });
    expectSafeMessage(msg, { here: true });
    expect(msg.content).toBe('@here');
    expect(msg.allowed_mentions).toEqual({ parse: ['everyone'] });
    const e = msg.embeds[0]!;
    expect(e.color).toBe(COLOR_CRITICAL);
    expect(fieldMap(e.fields)).toEqual({ Impact: 'All writes fail', 'Action required': 'Fail over' });
  });

  it('tracklist: numbered lines, cut with "+N more tracks"', () => {
    const tracks = Array.from({ length: 500 }, (_, i) => ({ artist: `Artist ${i}`, title: `Song_${i}`, time: `${i}:00` }));
    const msg = DiscordEmbedBuilder.buildTracklistEmbed({ title: 'Friday show', tracks });
    expectSafeMessage(msg);
    const e = msg.embeds[0]!;
    expect(e.color).toBe(COLOR_TRACKLIST);
    expect(e.description!.split('\n')[0]).toBe('1. `0:00` **Artist 0** – Song\\_0');
    expect(e.description).toMatch(/\+\d+ more tracks$/);
  });

  it('monitoring: purple, metric / current / threshold / status', () => {
    const msg = DiscordEmbedBuilder.buildMonitoringEmbed({ metricName: 'cpu_usage', currentValue: 93.5, threshold: 90, status: 'critical', unit: '%' });
    expectSafeMessage(msg);
    expect(msg.embeds[0]!.color).toBe(COLOR_MONITORING);
    expect(fieldMap(msg.embeds[0]!.fields)).toEqual({ Metric: 'cpu\\_usage', 'Current value': '93.5 %', Threshold: '90 %', Status: 'critical' });
  });

  it('security: yellow, event, severity, source, details', () => {
    const msg = DiscordEmbedBuilder.buildSecurityEmbed({ event: 'Failed logins', severity: 'high', source: 'sshd', details: { ip: '10.0.0.1', count: '50' } });
    expectSafeMessage(msg);
    const e = msg.embeds[0]!;
    expect(e.color).toBe(COLOR_SECURITY);
    expect(e.description).toBe('Failed logins');
    expect(fieldMap(e.fields)).toEqual({ Severity: 'high', Source: 'sshd', ip: '10.0.0.1', count: '50' });
  });

  it('general: blue, escaped title and message, identity kept', () => {
    const msg = DiscordEmbedBuilder.buildGeneralEmbed({ title: 'Deploy #42', message: 'ok @here', username: 'Deployer', timestamp: 0 });
    expectSafeMessage(msg);
    expect(msg.username).toBe('Deployer');
    expect(msg.embeds[0]).toMatchObject({ title: 'Deploy \\#42', color: COLOR_GENERAL, timestamp: '1970-01-01T00:00:00.000Z' });
    expect(msg.content).toBeUndefined();
  });
});

describe('DiscordEmbedBuilder fluent API', () => {
  it('builds a free-form embed within limits', () => {
    const b = DiscordEmbedBuilder.create({ now: () => Date.UTC(2024, 0, 2) })
      .title('t'.repeat(300)).description('**bold** stays Markdown').url('https://x.example').color('#00ff00')
      .author('me', 'https://x.example', 'javascript:x').thumbnail('https://x.example/t.png').image('https://x.example/i.png')
      .footer('foot').timestamp();
    for (let i = 0; i < 30; i++) b.field(`f${i}`, 'v', true);
    const e = b.toEmbed();
    expect(codePointLength(e.title!)).toBe(256);
    expect(e.description).toBe('**bold** stays Markdown');
    expect(e.color).toBe(0x00ff00);
    expect(e.author).toEqual({ name: 'me', url: 'https://x.example/' });
    expect(e.timestamp).toBe('2024-01-02T00:00:00.000Z');
    expect(e.fields).toHaveLength(25);
    expect(e.fields![24]!.value).toBe('+6 more fields not shown');
    const msg = b.toMessage({ username: 'Bot', mentions: { roles: ['123'] } });
    expectSafeMessage(msg, { roles: ['123'] });
    expect(msg.content).toBe('<@&123>');
    expect(msg.allowed_mentions).toEqual({ parse: [], roles: ['123'] });
  });

  it('never pings without mentions and ignores invalid colours', () => {
    const msg = DiscordEmbedBuilder.create().description('@everyone').color(0x1000000).toMessage();
    expectSafeMessage(msg);
    expect(msg.embeds[0]!.color).toBeUndefined();
    expect(msg.allowed_mentions).toEqual({ parse: [] });
  });
});

describe('DiscordEmbedBuilder colours', () => {
  // The YAML config and the generic source take "0xRRGGBB"; the builder dropped it silently, and an invalid
  // colour after a valid one wiped the valid one (its TSDoc: "anything else is ignored").
  it('takes "0xRRGGBB" text as the configuration does, and ignores an invalid colour instead of losing the last one', () => {
    expect(DiscordEmbedBuilder.create().description('d').color('0x2ecc71').toEmbed().color).toBe(0x2ecc71);
    expect(DiscordEmbedBuilder.create().description('d').color('#00ff00').color(0x1000000).color(-1).color(1.5).color('red').toEmbed().color).toBe(0x00ff00);
  });
});

describe('renderTemplate', () => {
  it('renders seed template data through the matching template', () => {
    const alert = makeAlert({
      source: 'generic', title: 'Disk', message: 'almost full',
      presentation: { template: { metric_name: 'disk_used', current_value: '97', threshold: '90', unit: '%' } },
      fields: [{ name: 'host', value: 'db-1', inline: true }],
    });
    const e = renderTemplate(alert, 'monitoring');
    expect(e.color).toBe(COLOR_MONITORING);
    expect(fieldMap(e.fields)).toMatchObject({ Metric: 'disk\\_used', 'Current value': '97 %', Threshold: '90 %', host: 'db-1' });
  });

  // As in the default embed, links continue in further Links fields: the last of three long ones is not lost.
  it('adds every Links field after the template\'s own', () => {
    const links = ['Source', 'Runbook', 'Silence'].map((title) => ({ title, url: `https://links.example/${title}/${'a'.repeat(600)}` }));
    const e = renderTemplate(makeAlert({ links, presentation: { template: { metric_name: 'disk_used' } } }), 'monitoring');
    const linkFields = e.fields!.filter((f) => f.name === 'Links');
    expect(linkFields.map((f) => f.value)).toEqual(links.map((l) => `[${l.title}](${l.url})`));
    expect(e.fields!.slice(-3)).toEqual(linkFields);
  });

  it('reads only own keys, so __proto__ in data is harmless', () => {
    const template = JSON.parse('{"__proto__": "x", "traceback": "boom"}') as Record<string, string>;
    const e = renderTemplate(makeAlert({ presentation: { template } }), 'error');
    expect(e.description).toContain('boom');
  });

  it('marks a resolved templated alert and makes it green', () => {
    const e = renderTemplate(makeAlert({ status: 'resolved', presentation: { template: { impact: 'none' } } }), 'critical');
    expect(e.title).toBe('✅ RESOLVED: 🚨 HighCPU');
    expect(e.color).toBe(RESOLVED_COLOR);
  });

  // A library send or a script's seed shape always carries a `message`: through the monitoring template it was
  // dropped (the embed showed only the four metric fields), and through the security template whenever the
  // template data named the `event`. What the sender wrote ("web-1 above threshold for 10 min, cron runaway?")
  // never reached the channel.
  it("shows the alert's message through the monitoring and security templates too", () => {
    const monitoring = renderTemplate(makeAlert({ source: 'generic', title: 'CPU', message: 'web-1 above threshold for 10 min', presentation: { template: { metric_name: 'cpu', current_value: '95', threshold: '90' } } }), 'monitoring');
    expect(monitoring.description).toBe('web-1 above threshold for 10 min');
    expect(fieldMap(monitoring.fields)).toMatchObject({ Metric: 'cpu', 'Current value': '95', Threshold: '90' });
    const security = renderTemplate(makeAlert({ source: 'generic', title: 'Login', message: '50 failed logins for root', presentation: { template: { event: 'Brute force', source: 'sshd' } } }), 'security');
    expect(security.description).toBe('Brute force\n\n50 failed logins for root');
    // Without an event the message is the event, shown once.
    const eventless = renderTemplate(makeAlert({ source: 'generic', title: 'Login', message: '50 failed logins', presentation: { template: { source: 'sshd' } } }), 'security');
    expect(eventless.description).toBe('50 failed logins');
    const silent = renderTemplate(makeAlert({ source: 'generic', title: 'CPU', message: '', presentation: { template: { metric_name: 'cpu' } } }), 'monitoring');
    expect(silent.description).toBeUndefined();
  });

  it('parses tracks from JSON or lines', () => {
    const json = renderTemplate(makeAlert({ message: '', presentation: { template: { tracks: '[{"artist":"A","title":"B"}]' } } }), 'tracklist');
    expect(json.description).toBe('1. **A** – B');
    const lines = renderTemplate(makeAlert({ message: '', presentation: { template: { tracks: 'One\nTwo' } } }), 'tracklist');
    expect(lines.description).toBe('1. One\n2. Two');
  });
});
