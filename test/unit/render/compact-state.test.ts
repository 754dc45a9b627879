import { describe, expect, it } from 'vitest';
import { COMPACT_LEVELS, compactField, packNotifications } from '../../../src/render/compact.js';
import { codePointLength } from '../../../src/render/limits.js';
import { makeAlert, makeNotification, makeOptions } from './helpers.js';

// Grafana's DatasourceError / DatasourceNoData alerts fire with a note: the rule's condition is unknown, not
// met. In a packed storm the note came after the title and went with the cut of a long title, so the field
// read as a plain firing alert: on-call chases a breach that is a broken data source.
describe('compact field: the state note survives the cut of a long title', () => {
  const title = 'Kafka consumer lag on orders-processing above 10k for 5 minutes'; // 63 characters, a real rule name

  for (const [i, level] of COMPACT_LEVELS.entries()) {
    it(`level ${i}: "(error)" and "(no data)" stay in the name, within ${level.nameMax}`, () => {
      for (const note of ['error', 'no data']) {
        for (const t of [title, `${title} ${title}`, `${'x'.repeat(level.nameMax - 3)}_*`]) {
          const field = compactField(makeAlert({ title: t, stateNote: note, isTest: true }), level);
          expect(field.name, `${t} (${note})`).toContain(`(${note})`);
          expect(field.name.startsWith('🔥 [TEST] ')).toBe(true);
          expect(codePointLength(field.name)).toBeLessThanOrEqual(level.nameMax);
          expect(field.name).not.toMatch(/(^|[^\\])(\\\\)*\\…/); // no escape left dangling before the cut
        }
      }
    });
  }

  it('a state Grafana added that we do not know, named at length, leaves the title most of the name', () => {
    for (const level of COMPACT_LEVELS) {
      const field = compactField(makeAlert({ title, stateNote: `recovering\n${'x'.repeat(200)}` }), level);
      expect(field.name).toContain(title.slice(0, level.nameMax / 2));
      expect(field.name).toContain('(recovering ');
      expect(field.name).not.toContain('\n');
      expect(codePointLength(field.name)).toBeLessThanOrEqual(level.nameMax);
    }
  });

  it('a storm packed at its tersest still says which alerts have no data', () => {
    const ns = Array.from({ length: 100 }, (_, g) => makeNotification(
      Array.from({ length: 10 }, (_, i) => makeAlert({ title, stateNote: i === 0 ? 'no data' : undefined, labels: { instance: `kafka-${g}-${i}` } })),
      { id: `n-${g}` },
    ));
    const names = packNotifications(ns, () => makeOptions()).flatMap((p) => p.message.embeds.flatMap((e) => e.fields ?? [])).map((f) => f.name);
    expect(names).toHaveLength(1000);
    names.forEach((name, k) => expect(name.includes('(no data)'), name).toBe(k % 10 === 0));
  });
});

// The rest of a split group resent after a 400 keeps the group's "firing" while every alert left in it may be
// resolved: packed, it was titled and coloured FIRING over ✅ fields.
describe('compact embed: status from the alerts it shows', () => {
  it('a firing notification whose alerts shown are all resolved reads RESOLVED, in the resolved colour', () => {
    const alerts = Array.from({ length: 3 }, (_, i) => makeAlert({ status: 'resolved', labels: { instance: `db-${i}` } }));
    const rest = makeNotification(alerts, { status: 'firing', mentions: {} });
    const asResolved = makeNotification(alerts, { status: 'resolved' });
    const [embed] = packNotifications([rest], () => makeOptions())[0]!.message.embeds;
    const [expected] = packNotifications([asResolved], () => makeOptions())[0]!.message.embeds;
    expect(embed?.title).toMatch(/^✅ RESOLVED/);
    expect(embed?.color).toBe(expected?.color);
  });
});
