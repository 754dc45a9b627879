import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertmanagerPayloadSchema, readPlainPayload } from '../../src/sources/alertmanager/schema.js';

/**
 * `readPlainPayload` reads the common Alertmanager shape without zod (ingest cost, bench "ingest"). It must
 * never accept what the schema refuses, and must give the schema's result whenever it answers.
 */
const RUNS = Number(process.env.FC_RUNS ?? 500);

const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.constant(null), fc.constant(undefined), fc.integer(), fc.double(), fc.boolean(), fc.constantFrom('__proto__', 'firing', 'resolved', ''));
const value = fc.oneof({ weight: 6, arbitrary: scalar }, { weight: 1, arbitrary: fc.array(scalar, { maxLength: 2 }) }, { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 4 }), scalar, { maxKeys: 2 }) });
const text = fc.oneof({ weight: 8, arbitrary: fc.string({ maxLength: 20 }) }, { weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: value });
const map = fc.oneof(
  { weight: 8, arbitrary: fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'severity')), fc.oneof({ weight: 8, arbitrary: fc.string({ maxLength: 8 }) }, { weight: 1, arbitrary: value }), { maxKeys: 5 }) },
  { weight: 1, arbitrary: value },
);
const alert = fc.oneof(
  { weight: 10, arbitrary: fc.record({ status: fc.oneof({ weight: 8, arbitrary: fc.constantFrom('firing', 'resolved') }, { weight: 1, arbitrary: value }), labels: map, annotations: map, startsAt: text, endsAt: text, generatorURL: text, fingerprint: text, extra: value }, { requiredKeys: ['status'] }) },
  { weight: 1, arbitrary: value },
);
const payload = fc.oneof(
  { weight: 10, arbitrary: fc.record({ groupKey: text, externalURL: text, truncatedAlerts: fc.oneof(fc.nat(), fc.constant(null), fc.integer({ min: -3, max: -1 }), fc.double(), value), alerts: fc.oneof({ weight: 8, arbitrary: fc.array(alert, { maxLength: 4 }) }, { weight: 1, arbitrary: value }), receiver: value, version: value }, { requiredKeys: ['alerts'] }) },
  { weight: 1, arbitrary: value },
);

describe('readPlainPayload', () => {
  it('answers only what the schema accepts, with the same data', () => {
    let answered = 0;
    fc.assert(
      fc.property(payload, (body) => {
        const plain = readPlainPayload(body);
        if (plain === undefined) return;
        answered++;
        const parsed = alertmanagerPayloadSchema.safeParse(body);
        expect(parsed.success).toBe(true);
        expect(plain).toEqual(parsed.data);
        expect(Object.keys(plain.alerts[0]?.labels ?? {})).toEqual(Object.keys(parsed.data?.alerts[0]?.labels ?? {}));
      }),
      { numRuns: RUNS },
    );
    expect(answered).toBeGreaterThan(RUNS / 20);
  });

  it('reads a real Alertmanager body, keeping a __proto__ label as data', () => {
    const body = JSON.parse('{"version":"4","groupKey":"{}:{a=\\"b\\"}","truncatedAlerts":0,"status":"firing","externalURL":"http://am:9093","alerts":[{"status":"firing","labels":{"alertname":"X","__proto__":"p"},"annotations":{"summary":"s"},"startsAt":"2026-11-28T17:34:58.653268376Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prom/graph","fingerprint":"6f51cc8ce91df45e"}]}');
    const plain = readPlainPayload(body);
    expect(plain).toEqual(alertmanagerPayloadSchema.parse(body));
    expect(Object.getOwnPropertyDescriptor(plain!.alerts[0]!.labels, '__proto__')?.value).toBe('p');
    expect(Object.getPrototypeOf(plain!.alerts[0]!.labels)).toBe(Object.prototype);
  });
});
