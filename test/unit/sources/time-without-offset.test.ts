import { describe, expect, it } from 'vitest';
import { parseTime } from '../../../src/lib/parse-time.js';
import { isoTimestamp } from '../../../src/render/time.js';
import { parseGeneric } from '../../../src/sources/generic/parse.js';
import { isoTime } from '../../../src/sources/normalize.js';
import { inTimeZone } from '../../helpers/time-zone.js';
import { onlyGroup } from './helpers.js';

// A host outside UTC: Date.parse would read "2024-05-01T10:00:00" as 10:00 in New York (14:00 UTC).
inTimeZone('America/New_York');

describe('a time with no offset (Python\'s datetime.utcnow().isoformat()) is UTC, whatever the host\'s zone', () => {
  it('precondition: this host reads it as local time', () => {
    expect(new Date(Date.parse('2024-05-01T10:00:00')).toISOString()).toBe('2024-05-01T14:00:00.000Z');
  });

  it('in a script\'s timestamp, in normalized alert times and in rendered timestamps', () => {
    const alert = onlyGroup(parseGeneric({ title: 't', timestamp: '2024-05-01T10:00:00.123456' })).alerts[0]!;
    expect(alert.startsAt).toBe('2024-05-01T10:00:00.123Z');
    expect(isoTime('2024-05-01 10:00:00')).toBe('2024-05-01T10:00:00.000Z');
    expect(isoTimestamp('2024-05-01T10:00')).toBe('2024-05-01T10:00:00.000Z');
  });

  it('a time with an offset or zone keeps it; unreadable text stays unreadable', () => {
    expect(parseTime('2024-05-01T10:00:00+02:00')).toBe(Date.parse('2024-05-01T08:00:00Z'));
    expect(parseTime('2024-05-01T10:00:00Z')).toBe(Date.parse('2024-05-01T10:00:00Z'));
    expect(parseTime('Wed, 01 May 2024 10:00:00 GMT')).toBe(Date.parse('2024-05-01T10:00:00Z'));
    expect(parseTime('soon')).toBeNaN();
  });
});
