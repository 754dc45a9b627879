import { describe, expect, it } from 'vitest';
import { escapeMarkdown, escapeText } from '../../../src/render/escape.js';
import { fitEmbed } from '../../../src/render/fit.js';
import { labelLine } from '../../../src/render/format.js';
import { pingSummary } from '../../../src/render/notification.js';
import { packNotifications } from '../../../src/render/compact.js';
import { renderNotification } from '../../../src/render/notification.js';
import type { Severity } from '../../../src/model/severity.js';
import { validateDiscordBody } from '../../helpers/fake-discord/validate.js';
import { makeAlert, makeNotification, makeOptions } from './helpers.js';

describe('URLs in alert text stay clickable', () => {
  // Discord autolinks a bare URL as one token: a backslash escape inside it becomes part of the link
  // (browsers turn "\" into "/": .../abc\_def → .../abc/_def). discord.py's escape_markdown leaves links
  // alone for this reason (ignore_links=True).
  const url = 'https://grafana.example/d/abc_def/node_exporter?var-job=node_exp&var-x=*&f=~x|y#panel_4';

  it('escapeMarkdown leaves a bare URL untouched and still escapes the text around it', () => {
    expect(escapeMarkdown(`see *this* ${url} now_`)).toBe(`see \\*this\\* ${url} now\\_`);
  });

  it('a URL glued to a word is escaped like any text (it may not be autolinked)', () => {
    expect(escapeMarkdown('xhttps://a.example/b_c')).toBe('xhttps://a.example/b\\_c');
  });

  it('a URL in an alert message reaches the embed unchanged', () => {
    const [msg] = renderNotification(makeNotification([makeAlert({ message: `Dashboard: ${url}` })]), makeOptions());
    expect(msg!.embeds[0]!.description).toBe(`Dashboard: ${url}`);
  });

  it('still cannot form a masked link through a URL', () => {
    const out = escapeText('[Reset password](https://evil.example/x) https://a.example/[x](https://evil.example)');
    expect(out).not.toMatch(/(?<!\\)\[[^\]]*(?<!\\)\]\(/);
  });
});

describe('bidi controls in alert text cannot reorder what is shown around them', () => {
  it('an RLO in a label value does not reverse the labels after it', () => {
    const line = labelLine({ instance: '\u202Eweb-1', job: 'node' }, 300);
    expect(line).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
  });
});

describe('content never carries alert-supplied text', () => {
  it('pingSummary shows only one of the four severities, even for an entry with a foreign severity', () => {
    const alerts = [makeAlert({ severity: '@everyone' as Severity }), makeAlert({ severity: 'warning' })];
    expect(pingSummary({ alerts })).toBe('**2 firing** — warning');
  });

  it('a packed message pings @here only, never an @everyone smuggled in as a severity', () => {
    const n = makeNotification([makeAlert({ severity: '@everyone' as Severity })]);
    const [p] = packNotifications([n, { ...n, id: 'n-2' }], () => makeOptions({ mentions: { here: true } }));
    expect(p!.message.content).not.toContain('@everyone');
  });
});

describe('the strict fake refuses what Discord refuses', () => {
  it('refuses an embed URL longer than 2048 (render/limits.ts MAX_URL: 50035 "Must be 2048 or fewer in length")', () => {
    const url = `https://x.example/${'a'.repeat(2100)}`;
    const body = (embed: object) => ({ embeds: [{ title: 't', ...embed }], allowed_mentions: { parse: [] } });
    expect(validateDiscordBody(body({ url })).ok).toBe(false);
    expect(validateDiscordBody(body({ image: { url } })).ok).toBe(false);
    expect(validateDiscordBody({ content: 'x', avatar_url: url, allowed_mentions: { parse: [] } }).ok).toBe(false);
  });
});

describe('cutting an embed to the 6000 total keeps Markdown links whole', () => {
  it('the Links field ends with whole links (or none), never "[Panel](https://gra…"', () => {
    const links = ['Source', 'Runbook', 'Silence', 'Dashboard', 'Panel'].map((t) => ({
      title: t, url: `https://grafana.example/d/${t.toLowerCase()}?orgId=1&viewPanel=4&from=now-6h&to=now`,
    }));
    const fields = Array.from({ length: 16 }, (_, i) => ({ name: `annotation_${i}`, value: 'v'.repeat(900) }));
    const [msg] = renderNotification(makeNotification([makeAlert({ message: 'd'.repeat(3000), links, fields })]), makeOptions());
    expect(validateDiscordBody(JSON.parse(JSON.stringify(msg))).ok).toBe(true);
    const value = msg!.embeds[0]!.fields!.find((f) => f.name === 'Links')!.value;
    // every "[" that opens a link is closed by its "(url)"
    expect(value).toMatch(/^(\[[^\]]+\]\(https:[^)\s]+\)( · )?)*…?$/);
    expect(value).toContain('[Source](https://grafana.example/d/source');
  });

  // A link title with brackets is escaped ("Logs \[prod\]"): the "]" of "\]" was taken for the label's end,
  // so the cut-open link was not recognised and stayed, shown as raw Markdown with half a URL.
  it('drops a cut-open link whose title has escaped brackets too', () => {
    const links = ['Logs [prod]', 'Dashboard [prod]', 'Panel [prod]'].map((t, i) => ({
      title: t, url: `https://grafana.example/d/${i}?orgId=1&viewPanel=4&from=now-6h&to=now&var-env=prod${'&var-pod=api-7d9f8c6b5-x2k4q'.repeat(6)}`,
    }));
    const fields = Array.from({ length: 16 }, (_, i) => ({ name: `annotation_${i}`, value: 'v'.repeat(900) }));
    const [msg] = renderNotification(makeNotification([makeAlert({ message: 'd'.repeat(3000), links, fields })]), makeOptions());
    expect(validateDiscordBody(JSON.parse(JSON.stringify(msg))).ok).toBe(true);
    const value = msg!.embeds[0]!.fields!.find((f) => f.name === 'Links')!.value;
    expect(value).toMatch(/^(\[(?:[^\]\\]|\\.)+\]\(https:[^)\s]+\)( · )?)*…?$/);
  });

  // Wherever the cut falls (after the "\" of an escaped bracket, right after the label's "]", in the URL), what
  // is left is whole links, never a half-open one.
  it('drops a cut-open link wherever the cut falls in it', () => {
    const value = '[Runbook](https://r.example/a) · [Logs \\[prod\\]](https://l.example/b)';
    for (let budget = 'Links'.length + 1; budget <= 'Links'.length + value.length; budget++) {
      const cut = fitEmbed({ fields: [{ name: 'Links', value }] }, budget).fields![0]!.value;
      expect(cut, `budget ${budget}`).toMatch(/^(\[(?:[^\]\\]|\\.)+\]\(https:[^)\s]+\)( · )?)*[ ·]*…?$/);
    }
  });
});
