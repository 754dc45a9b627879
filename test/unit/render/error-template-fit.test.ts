import { describe, expect, it } from 'vitest';
import { DiscordEmbedBuilder } from '../../../src/render/embed-builder.js';
import { embedsSize } from '../../../src/render/limits.js';
import { expectSafeMessage } from './helpers.js';

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
});
