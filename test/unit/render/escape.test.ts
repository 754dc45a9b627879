import { describe, expect, it } from 'vitest';
import { ZWSP, cleanText, codeBlock, escapeMarkdown, escapeText, neutraliseMentions } from '../../../src/render/escape.js';
import { codePointLength } from '../../../src/render/limits.js';
import { markdownLink, safeUrl } from '../../../src/render/urls.js';

describe('escapeMarkdown', () => {
  it('escapes every Markdown character Discord formats', () => {
    expect(escapeMarkdown('*b* _i_ ~~s~~ `c` ||spoiler|| > quote # head [x](y) \\')).toBe(
      '\\*b\\* \\_i\\_ \\~\\~s\\~\\~ \\`c\\` \\|\\|spoiler\\|\\| \\> quote \\# head \\[x\\](y) \\\\',
    );
  });
});

describe('neutraliseMentions', () => {
  it('breaks mass, role, user and channel mentions', () => {
    const out = neutraliseMentions('@everyone @here <@&123> <@456> <@!789> <#42> @Everyone mail@example.com');
    expect(out).not.toMatch(/@everyone|@here|<@&?!?\d|<#\d/i);
    expect(out).toContain(`@${ZWSP}everyone`);
    expect(out).toContain(`<@${ZWSP}&123>`);
    expect(out).toContain('mail@example.com');
  });

  it('a cut never leaves an escape backslash without what it escaped (Discord would show "\\…")', () => {
    expect(escapeText(`${'a'.repeat(9)}*bold*`, 11)).toBe(`${'a'.repeat(9)}…`);
    expect(escapeText(`${'a'.repeat(8)}*bold*`, 11)).toBe(`${'a'.repeat(8)}\\*…`); // a whole escape stays
  });

  it('applies inside escapeText too', () => {
    expect(escapeText('ping @here *now*')).toBe(`ping @${ZWSP}here \\*now\\*`);
  });
});

describe('cleanText', () => {
  it('replaces lone surrogates and drops control characters', () => {
    expect(cleanText('a\uD800b\u0000c\n\td')).toBe('a\uFFFDbc\n\td');
    expect(cleanText('😀')).toBe('😀');
  });
});

describe('codeBlock', () => {
  const inner = (block: string): string => block.slice(block.indexOf('\n') + 1, block.lastIndexOf('\n'));

  it.each(['```', '````', 'x```y', '``` ```', '`'.repeat(17), 'end with ``', '```js\nalert(1)\n```'])(
    'cannot be closed by %j',
    (text) => {
      const block = codeBlock(text);
      expect(block.startsWith('```\n')).toBe(true);
      expect(block.endsWith('\n```')).toBe(true);
      expect(inner(block)).not.toContain('``');
    },
  );

  it('stays within its limit and keeps the tail of a traceback when asked', () => {
    const tb = `${'frame\n'.repeat(1000)}ValueError: boom`;
    const block = codeBlock(tb, { max: 200, keep: 'tail' });
    expect(codePointLength(block)).toBeLessThanOrEqual(200);
    expect(block).toContain('ValueError: boom');
    expect(block).toContain('…');
    expect(codePointLength(codeBlock('x'.repeat(5000)))).toBeLessThanOrEqual(1024);
  });

  it('accepts only a plain language hint', () => {
    expect(codeBlock('x', { language: 'python' }).startsWith('```python\n')).toBe(true);
    expect(codeBlock('x', { language: 'py\n```' }).startsWith('```\n')).toBe(true);
  });
});

describe('links', () => {
  it('keeps http(s) only and encodes parentheses', () => {
    expect(safeUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeUrl('ftp://x')).toBeUndefined();
    expect(safeUrl('/relative')).toBeUndefined();
    expect(safeUrl('https://x.example/a(b)')).toBe('https://x.example/a%28b%29');
  });

  // Discord shows a backslash escape inside a masked link's text as typed (escaping is off there,
  // discord-api-docs#6185): `logs_url`, the usual annotation key, read "logs\_url". What would end or
  // format the text is replaced by a look-alike instead.
  it('makes link text a plain label without backslash escapes', () => {
    expect(markdownLink('logs_url', 'https://r.example/x')).toBe('[logs_url](https://r.example/x)');
    expect(markdownLink('Run[book]', 'https://r.example/x')).toBe('[Run(book)](https://r.example/x)');
    expect(markdownLink('**bold** ~~s~~ ||x|| `c` _i_ a__b__c end\\', 'https://r.example/x')).toBe('[∗∗bold∗∗ ∼∼s∼∼ ǀǀxǀǀ ˋcˋ ＿i＿ a＿＿b＿＿c end∖](https://r.example/x)');
    expect(markdownLink('@everyone', 'https://r.example/x')).toBe('[@\u200beveryone](https://r.example/x)');
    expect(markdownLink('x'.repeat(150), 'https://r.example/x')!.length).toBeLessThan(150);
    expect(markdownLink('x', 'data:text/html,hi')).toBeUndefined();
    // A backslash kept in the query would escape the link's closing parenthesis: Discord shows raw text.
    expect(markdownLink('Runbook', 'https://r.example/search?q=C:\\temp\\')).toBe('[Runbook](https://r.example/search?q=C:%5Ctemp%5C)');
  });

  // `[](url)` shows nothing to click: a link whose text is blank (an annotation key of spaces, a label made
  // only of control characters) is labelled with its host instead.
  it('labels a link with blank text by its host', () => {
    expect(markdownLink('  \n ', 'https://grafana.example.com/d/abc')).toBe('[grafana.example.com](https://grafana.example.com/d/abc)');
    expect(markdownLink('\u0007', 'https://logs.example.com:8443/q')).toBe('[logs.example.com:8443](https://logs.example.com:8443/q)');
  });
});
