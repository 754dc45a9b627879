import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../../src/render/alert-template.js';
import { DiscordEmbedBuilder } from '../../../src/render/embed-builder.js';
import { embedsSize } from '../../../src/render/limits.js';
import { expectSafeMessage, makeAlert } from './helpers.js';

describe('error template within the 6000 total', () => {
  // Details as long as a field allows (request bodies, SQL) used to take the whole 6000: the traceback
  // then vanished without a mark, and the error showed only its message.
  it('keeps the traceback\'s end when the details are long, cutting the details visibly instead', () => {
    const long = 'x'.repeat(1000);
    const errorDetails = { request: long, response: long, query: long, params: long, headers: long, env: long };
    const traceback = 'Traceback (most recent call last):\n  File "job.py", line 3\nKeyError: \'id\'';
    const msg = DiscordEmbedBuilder.buildErrorEmbed({ errorMessage: 'Job failed', errorDetails, traceback });
    expectSafeMessage(msg);
    const e = msg.embeds[0]!;
    expect(embedsSize(msg.embeds)).toBeLessThanOrEqual(6000);
    expect(e.description).toContain('**Traceback**');
    expect(e.description!.endsWith("KeyError: 'id'\n```")).toBe(true);
    // Every detail is still there, cut with "…".
    expect(e.fields?.map((f) => f.name)).toEqual(Object.keys(errorDetails));
    expect(e.fields?.every((f) => f.value.endsWith('…'))).toBe(true);
  });

  // A script's error alert with its own fields (generic `fields`) and links: they were added after the
  // template had fitted its traceback, so the 6000 cut took the description's END: the code block was left
  // open (the rest of the traceback shown as live Markdown) and the error line itself was gone.
  it('keeps the traceback\'s end and its closing fence when the alert brings long fields of its own (resolved too)', () => {
    const traceback = `Traceback (most recent call last):\n${'  File "job.py", line 3, in run\n'.repeat(150)}KeyError: 'id'`;
    for (const status of ['firing', 'resolved'] as const) {
      const alert = makeAlert({
        source: 'generic', status, title: 'Backup failed', message: 'exit 2', endsAt: '2024-05-01T10:30:00Z',
        fields: Array.from({ length: 6 }, (_, i) => ({ name: `detail ${i}`, value: 'v'.repeat(1000) })),
        links: [{ title: 'Runbook', url: 'https://runbooks.example/backup' }],
        presentation: { template: { traceback }, footer: 'f'.repeat(500) },
      });
      const e = renderTemplate(alert, 'error');
      expectSafeMessage({ embeds: [e], allowed_mentions: { parse: [] } });
      expect(e.description!.endsWith("KeyError: 'id'\n```"), e.description!.slice(-80)).toBe(true);
      expect(e.fields?.at(-1)?.value).toContain('[Runbook](https://runbooks.example/backup)');
    }
  });
});
