import { describe, expect, it } from 'vitest';
import { compactField, COMPACT_LEVELS } from '../../../src/render/compact.js';
import { renderNotification } from '../../../src/render/notification.js';
import { makeAlert, makeNotification, makeOptions } from './helpers.js';

// Alertmanager and Grafana alerts without a description carry their summary as title and message.
const summaryOnly = makeAlert({ title: 'Disk /var on web-1 is 91% full', message: 'Disk /var on web-1 is 91% full' });

describe('a summary that is both title and message is shown once', () => {
  it('full embed: as the title, with no description repeating it', () => {
    const [embed] = renderNotification(makeNotification([summaryOnly]), makeOptions())[0]!.embeds!;
    expect(embed!.title).toContain('Disk /var on web-1 is 91% full');
    expect(embed!).not.toHaveProperty('description');
  });

  it('full embed: a description that says more is kept, and so is a summary too long for the title', () => {
    const described = makeAlert({ title: 'Disk almost full', message: 'Filesystem /var will fill within 24h.' });
    expect(renderNotification(makeNotification([described]), makeOptions())[0]!.embeds![0]!.description).toBe('Filesystem /var will fill within 24h.');
    const long = 'x'.repeat(300);
    const cut = renderNotification(makeNotification([makeAlert({ title: long, message: long })]), makeOptions())[0]!.embeds![0]!;
    expect(cut.description).toBe(long);
  });

  it('compact field: the name shows it, the value does not repeat it, unless the name had to cut it', () => {
    const level = COMPACT_LEVELS[0]!;
    const field = compactField(summaryOnly, level);
    expect(field.name).toContain('91% full');
    expect(field.value).not.toContain('91% full');
    const long = `${'y'.repeat(level.nameMax)} tail`;
    expect(compactField(makeAlert({ title: long, message: long }), level).value).toContain('yyyy');
  });
});
