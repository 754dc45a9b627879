import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../../src/render/alert-template.js';
import { DiscordEmbedBuilder } from '../../../src/render/embed-builder.js';
import { embedsSize } from '../../../src/render/limits.js';
import { expectSafeMessage, makeAlert } from './helpers.js';

describe('tracklist template within the 6000 total', () => {
  it('keeps whole track lines and the "+N more tracks" line when title and footer are long', () => {
    const tracks = Array.from({ length: 500 }, (_, i) => ({ artist: 'Artist', title: `Song ${i}` }));
    const msg = DiscordEmbedBuilder.buildTracklistEmbed({ title: 'T'.repeat(300), footer: 'f'.repeat(2048), tracks });
    expectSafeMessage(msg);
    expect(embedsSize(msg.embeds)).toBeLessThanOrEqual(6000);
    const lines = msg.embeds[0]!.description!.split('\n');
    // No track is cut in the middle, and the reader is told how many were left out.
    expect(lines.at(-1)).toMatch(/^\+\d+ more tracks$/);
    expect(lines.slice(0, -1).every((l) => /^\d+\. \*\*Artist\*\* – Song \d+$/.test(l))).toBe(true);
    const shown = lines.length - 1;
    expect(lines.at(-1)).toBe(`+${500 - shown} more tracks`);
  });

  it('keeps the "+N more tracks" line when the alert brings fields of its own', () => {
    const tracks = JSON.stringify(Array.from({ length: 500 }, (_, i) => ({ artist: 'Artist', title: `Song ${i}` })));
    const alert = makeAlert({
      source: 'generic', title: 'Live set', message: '',
      fields: Array.from({ length: 3 }, (_, i) => ({ name: `f${i}`, value: 'v'.repeat(1000) })),
      presentation: { template: { tracks } },
    });
    const e = renderTemplate(alert, 'tracklist');
    expectSafeMessage({ embeds: [e], allowed_mentions: { parse: [] } });
    expect(e.description!.split('\n').at(-1)).toMatch(/^\+\d+ more tracks$/);
  });
});
