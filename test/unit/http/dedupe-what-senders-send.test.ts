import { describe, expect, it } from 'vitest';
import { appHarness } from '../../helpers/app-harness.js';
import { fixtureBody } from '../../helpers/fixtures.js';

type Accepted = { accepted: number; notifications: string[]; duplicates: number };
async function post(h: ReturnType<typeof appHarness>, path: string, body: unknown): Promise<Accepted> {
  const res = await h.post(path, body);
  expect(res.status).toBe(path === '/v1/logs' ? 200 : 202);
  return (await res.json()) as Accepted;
}

/** What dedupe must not swallow, within its window: a new state of the same thing is a new notification. */
describe('dedupe keeps what is new', () => {
  it('generic: a resolve or an escalation under the same dedupe_key (as with PagerDuty) is delivered; a repeat is not', async () => {
    const h = appHarness();
    const firing = { title: 'Backup late', severity: 'warning', dedupe_key: 'backup-db-1' };
    expect((await post(h, '/webhook/generic', firing)).notifications).toHaveLength(1);
    expect((await post(h, '/webhook/generic', firing)).duplicates).toBe(1);
    expect((await post(h, '/webhook/generic', { ...firing, severity: 'critical' })).duplicates).toBe(0);
    expect((await post(h, '/webhook/generic', { ...firing, severity: 'critical', status: 'resolved' })).duplicates).toBe(0);
  });

  it('alertmanager: the same group with more alerts cut by max_alerts is an update', async () => {
    const h = appHarness();
    const body = fixtureBody('alertmanager/firing-two-alerts.json');
    await post(h, '/webhook/alertmanager', { ...body, truncatedAlerts: 3 });
    expect((await post(h, '/webhook/alertmanager', { ...body, truncatedAlerts: 3 })).duplicates).toBe(1);
    expect((await post(h, '/webhook/alertmanager', { ...body, truncatedAlerts: 40 })).duplicates).toBe(0);
  });

  it('otlp: two different events of one service with empty bodies are two alerts', async () => {
    const h = appHarness();
    const record = (eventName: string) => ({
      resourceLogs: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
        scopeLogs: [{ logRecords: [{ timeUnixNano: '1795887298653268376', severityNumber: 17, eventName }] }],
      }],
    });
    await post(h, '/v1/logs', record('payment.declined'));
    await post(h, '/v1/logs', record('db.connection.failed'));
    await post(h, '/v1/logs', record('payment.declined')); // a repeat
    const queued = await h.store.queue.read('1', 100, 0);
    expect(queued.map((q) => q.notification.alerts[0]?.title)).toEqual(['payment.declined', 'db.connection.failed']);
  });

  it('a state that comes back within the window is new: firing → resolved → firing from a script', async () => {
    const h = appHarness();
    const firing = { title: 'Backup late', severity: 'warning' };
    await post(h, '/webhook/generic', firing);
    expect((await post(h, '/webhook/generic', firing)).duplicates).toBe(1); // a plain repeat
    expect((await post(h, '/webhook/generic', { ...firing, status: 'resolved' })).duplicates).toBe(0);
    expect((await post(h, '/webhook/generic', firing)).duplicates).toBe(0); // it fires again
    expect((await post(h, '/webhook/generic', firing)).duplicates).toBe(1);
    // The same under a dedupe_key.
    const keyed = { ...firing, dedupe_key: 'backup' };
    await post(h, '/webhook/generic', keyed);
    await post(h, '/webhook/generic', { ...keyed, status: 'resolved' });
    expect((await post(h, '/webhook/generic', keyed)).duplicates).toBe(0);
  });
});
