import { describe, expect, it } from 'vitest';
import { DiscordEmbedBuilder } from '../../../src/render/embed-builder.js';
import { embedsSize } from '../../../src/render/limits.js';
import { expectSafeMessage } from './helpers.js';

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
});
