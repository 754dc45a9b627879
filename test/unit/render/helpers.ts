import { expect } from 'vitest';
import type { Alert } from '../../../src/model/alert.js';
import type { Notification } from '../../../src/model/notification.js';
import type { DiscordMessage } from '../../../src/render/discord-message.js';
import type { MentionOptions, RenderOptions } from '../../../src/render/render-options.js';
import { validateDiscordBody } from '../../helpers/fake-discord/validate.js';

/** A firing Alertmanager-like alert; override what the test is about. */
export function makeAlert(over: Partial<Alert> = {}): Alert {
  return {
    source: 'alertmanager',
    status: 'firing',
    severity: 'critical',
    title: 'HighCPU',
    message: 'CPU above 90% for 5 minutes',
    labels: { alertname: 'HighCPU', severity: 'critical', instance: 'web-1:9100', job: 'node' },
    annotations: {},
    links: [],
    fields: [],
    fingerprint: 'abcdef0123456789',
    startsAt: '2024-05-01T10:00:00Z',
    ...over,
  };
}

/** A notification of `alerts`; status firing when any fires. */
export function makeNotification(alerts: Alert[], over: Partial<Notification> = {}): Notification {
  return {
    id: 'n-1',
    alertType: 'critical',
    source: 'alertmanager',
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts,
    truncatedAlerts: 0,
    dedupeKey: 'k',
    receivedAt: Date.UTC(2024, 4, 1, 10, 5),
    attempts: 0,
    ...over,
  };
}

/** Options of the critical type (red); add mentions per test. */
export function makeOptions(over: Partial<RenderOptions> = {}): RenderOptions {
  return { alertType: 'critical', color: 0xe74c3c, ...over };
}

const MENTION = /@everyone|@here|<@[!&]?\d+>/g;

/** The mention tokens a set of options may produce. */
export function allowedTokens(m: MentionOptions | undefined): Set<string> {
  const out = new Set<string>();
  if (!m) return out;
  if (m.everyone) out.add('@everyone');
  if (m.here) out.add('@here');
  for (const r of m.roles ?? []) out.add(`<@&${r}>`);
  for (const u of m.users ?? []) out.add(`<@${u}>`);
  return out;
}

/**
 * Asserts a message is what Discord accepts (the strict fake's validator), carries allowed_mentions, and
 * pings nothing beyond `mentions`: content holds only those tokens, allowed_mentions nothing more.
 */
export function expectSafeMessage(msg: DiscordMessage, mentions?: MentionOptions): void {
  const result = validateDiscordBody(JSON.parse(JSON.stringify(msg)));
  expect(result, JSON.stringify(result)).toEqual({ ok: true });
  expect(msg.allowed_mentions).toBeDefined();
  const allowed = allowedTokens(mentions);
  const found = (msg.content ?? '').match(MENTION) ?? [];
  for (const token of found) expect(allowed.has(token), `unexpected mention ${token}`).toBe(true);
  const am = msg.allowed_mentions;
  if (allowed.size === 0) {
    expect(am.parse).toEqual([]);
    expect(am.roles ?? []).toEqual([]);
    expect(am.users ?? []).toEqual([]);
  }
  if (am.parse.includes('everyone')) expect(mentions?.here === true || mentions?.everyone === true).toBe(true);
  expect(am.parse).not.toContain('roles');
  expect(am.parse).not.toContain('users');
  for (const r of am.roles ?? []) expect(mentions?.roles ?? []).toContain(r);
  for (const u of am.users ?? []) expect(mentions?.users ?? []).toContain(u);
}

/** Every text of every embed of the messages, joined: to look for an alert's name. */
export function allText(msgs: readonly DiscordMessage[]): string {
  return msgs
    .flatMap((m) => m.embeds)
    .map((e) => [e.title, e.description, e.footer?.text, ...(e.fields ?? []).flatMap((f) => [f.name, f.value])].join('\n'))
    .join('\n');
}
