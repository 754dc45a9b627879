import { describe, expect, it } from 'vitest';
import { appHarness } from '../../helpers/app-harness.js';

/** Weekday nights in Berlin and the last day of the month; warnings muted then, critical never. */
const YAML = `time_intervals:
  - name: nights
    time_intervals:
      - times: [{ start_time: "22:00", end_time: "24:00" }, { start_time: "00:00", end_time: "07:00" }]
        location: Europe/Berlin
  - name: office
    time_intervals:
      - weekdays: ["monday:friday"]
        times: [{ start_time: "09:00", end_time: "17:00" }]
        location: Europe/Berlin
routes:
  - match: ['severity="warning"']
    type: monitoring
    mute_time_intervals: [nights]
  - match: ['severity="info"']
    type: tracklist
    active_time_intervals: [office]
  - match: ['severity="critical"']
    type: critical
`;
const NIGHT = Date.parse('2026-11-30T23:30:00Z'); // Tuesday 00:30 in Berlin
const MORNING = Date.parse('2026-11-30T09:00:00Z'); // Monday 10:00 in Berlin

/** A route always muted, sending team="db" to monitoring and going on (`continue`): the tests add the next route. */
const MUTED_DB_ROUTE = `time_intervals:
  - name: always
    time_intervals: [{ times: [{ start_time: "00:00", end_time: "24:00" }] }]
routes:
  - match: ['team="db"']
    type: monitoring
    mute_time_intervals: [always]
    continue: true
`;

type Answer = { accepted: number; notifications: string[]; duplicates: number; muted: number };

function harness(clock: { now: number }, yaml = YAML) {
  const h = appHarness({}, yaml, () => clock.now);
  const send = async (title: string, severity: string, status = 'firing'): Promise<Answer> => {
    const res = await h.post('/webhook/generic', { title, severity, status, dedupe_key: title });
    expect(res.status).toBe(202);
    return (await res.json()) as Answer;
  };
  const queued = async () => (await h.store.queue.read('1', 100, 0)).map((q) => `${q.notification.alertType}:${q.notification.alerts[0]?.title}`);
  return { h, send, queued };
}

describe('mute windows (routes[].mute_time_intervals / active_time_intervals)', () => {
  it('a muted route takes its alert (202, muted 1) and sends nothing; an unmuted route beside it still sends', async () => {
    const clock = { now: NIGHT };
    const { send, queued } = harness(clock);
    expect(await send('disk 85%', 'warning')).toMatchObject({ accepted: 1, notifications: [], muted: 1 });
    expect(await send('db down', 'critical')).toMatchObject({ muted: 0, notifications: [expect.any(String)] });
    expect(await send('deploy done', 'info')).toMatchObject({ muted: 1 }); // outside office hours
    expect(await queued()).toEqual(['critical:db down']);
  });

  it('a muted route still decides: its alert does not fall through to a later route', async () => {
    // A catch-all route after the others: without the first route's decision the warning would reach it.
    const { send, queued } = harness({ now: NIGHT }, `${YAML}  - type: general\n`);
    expect(await send('disk 85%', 'warning')).toMatchObject({ muted: 1, notifications: [] });
    expect(await send('deploy done', 'info')).toMatchObject({ muted: 1, notifications: [] }); // active_time_intervals too
    expect(await queued()).toEqual([]);
    // The catch-all does take what no earlier route matched.
    expect(await send('gc pause', 'error')).toMatchObject({ muted: 0, notifications: [expect.any(String)] });
    expect(await queued()).toEqual(['general:gc pause']);
  });

  it('nothing muted is claimed for dedupe: the same alert after the window goes out', async () => {
    const clock = { now: NIGHT };
    const { send, queued } = harness(clock);
    expect(await send('disk 85%', 'warning')).toMatchObject({ muted: 1, duplicates: 0 });
    clock.now = MORNING;
    expect(await send('disk 85%', 'warning')).toMatchObject({ muted: 0, duplicates: 0, notifications: [expect.any(String)] });
    expect(await send('deploy done', 'info')).toMatchObject({ muted: 0 }); // office hours
    expect(await queued()).toEqual(['monitoring:disk 85%', 'tracklist:deploy done']);
  });

  it('resolved alerts are muted too, as Alertmanager mutes them', async () => {
    const { send } = harness({ now: NIGHT });
    expect(await send('disk 85%', 'warning', 'resolved')).toMatchObject({ muted: 1 });
  });

  it('with continue: true, a muted route keeps back only its own copy', async () => {
    const yaml = `${MUTED_DB_ROUTE}  - match: ['team="db"']
    type: error
`;
    const h = appHarness({}, yaml);
    const res = await h.post('/webhook/alertmanager', {
      version: '4', status: 'firing', receiver: 'alertcord', groupKey: '{}:{alertname="X"}', groupLabels: { alertname: 'X' }, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://am',
      alerts: [{ status: 'firing', labels: { alertname: 'X', team: 'db' }, annotations: {}, startsAt: '2026-11-29T00:00:00Z', endsAt: '0001-01-01T00:00:00Z', generatorURL: '', fingerprint: 'f1' }],
    });
    expect(await res.json()).toMatchObject({ accepted: 1, muted: 1, notifications: [expect.any(String)] });
    expect((await h.store.queue.read('1', 10, 0)).map((q) => q.notification.alertType)).toEqual(['error']);
  });
});

describe('mute windows: what the answer and the counter call muted', () => {
  it('an alert that another route sends to the same type is not counted as muted (it goes out)', async () => {
    const yaml = `${MUTED_DB_ROUTE}  - match: ['severity="warning"']
    type: monitoring
`;
    const h = appHarness({}, yaml);
    const res = await h.post('/webhook/generic', { title: 'disk 85%', severity: 'warning', labels: { team: 'db' } });
    expect(await res.json()).toMatchObject({ accepted: 1, muted: 0, notifications: [expect.any(String)] });
    expect((await h.store.queue.read('1', 10, 0)).map((q) => q.notification.alertType)).toEqual(['monitoring']);
  });
});
