import pino from 'pino';
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
    // The alert type is named, so every post is routed alike: an escalation routed to another type would
    // have a key of its own anyway, and the severity's part in the key would go untested.
    const firing = { title: 'Backup late', severity: 'warning', dedupe_key: 'backup-db-1', alert_type: 'general' };
    expect((await post(h, '/webhook/generic', firing)).notifications).toHaveLength(1);
    expect((await post(h, '/webhook/generic', firing)).duplicates).toBe(1);
    expect((await post(h, '/webhook/generic', { ...firing, severity: 'error' })).duplicates).toBe(0);
    expect((await post(h, '/webhook/generic', { ...firing, severity: 'critical' })).duplicates).toBe(0);
    expect(new Set((await h.store.queue.read('1', 100, 0)).map((q) => q.notification.alertType))).toEqual(new Set(['general']));
    expect((await post(h, '/webhook/generic', { ...firing, severity: 'critical', status: 'resolved' })).duplicates).toBe(0);
  });

  it('generic: a step back down under the same dedupe_key (warning → critical → warning) is delivered too', async () => {
    const h = appHarness();
    const firing = { title: 'Disk /var 91%', severity: 'warning', dedupe_key: 'disk-var-db-1', alert_type: 'general' };
    expect((await post(h, '/webhook/generic', firing)).notifications).toHaveLength(1);
    expect((await post(h, '/webhook/generic', { ...firing, severity: 'critical' })).notifications).toHaveLength(1);
    expect((await post(h, '/webhook/generic', { ...firing, severity: 'critical' })).duplicates).toBe(1);
    expect((await post(h, '/webhook/generic', firing)).notifications).toHaveLength(1); // it drained again
    expect((await post(h, '/webhook/generic', firing)).duplicates).toBe(1);
    expect((await post(h, '/webhook/generic', { ...firing, severity: 'critical' })).notifications).toHaveLength(1);
  });

  it('generic: a resolve at another severity does not make a repeat of the first resolve new again', async () => {
    // Only a firing replaces its claims at the other severities (a step back down is news); a resolve is not.
    const h = appHarness();
    const resolved = { title: 'Disk /var 91%', severity: 'warning', dedupe_key: 'disk-var-db-2', alert_type: 'general', status: 'resolved' };
    expect((await post(h, '/webhook/generic', resolved)).notifications).toHaveLength(1);
    expect((await post(h, '/webhook/generic', { ...resolved, severity: 'critical' })).notifications).toHaveLength(1);
    expect((await post(h, '/webhook/generic', resolved)).duplicates).toBe(1);
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
    const record = (eventName: string) => checkoutRecord({ eventName });
    await post(h, '/v1/logs', record('payment.declined'));
    await post(h, '/v1/logs', record('db.connection.failed'));
    await post(h, '/v1/logs', record('payment.declined')); // a repeat
    const queued = await h.store.queue.read('1', 100, 0);
    expect(queued.map((q) => q.notification.alerts[0]?.title)).toEqual(['payment.declined', 'db.connection.failed']);
  });

  it('otlp: one event name with two different bodies is two alerts', async () => {
    const h = appHarness();
    const record = (body: string) => checkoutRecord({ eventName: 'payment.declined', body: { stringValue: body } });
    await post(h, '/v1/logs', record('card 4242 declined: insufficient funds'));
    await post(h, '/v1/logs', record('card 1881 declined: expired'));
    await post(h, '/v1/logs', record('card 1881 declined: expired')); // a repeat
    const queued = await h.store.queue.read('1', 100, 0);
    expect(queued.map((q) => q.notification.alerts[0]?.message)).toEqual(['card 4242 declined: insufficient funds', 'card 1881 declined: expired']);
  });

  it('otlp: two different exceptions of one service, recorded as semconv says (exception.* attributes, no body), are two alerts', async () => {
    // Semantic conventions "Exceptions in logs" (stable): the exception is in the record's attributes; the
    // `*.exception` events of HTTP and RPC instrumentations carry a fixed event name and no body at all.
    const h = appHarness();
    const record = (type: string, message: string) => checkoutRecord({
      eventName: 'http.client.request.exception',
      attributes: [{ key: 'exception.type', value: { stringValue: type } }, { key: 'exception.message', value: { stringValue: message } }],
    });
    await post(h, '/v1/logs', record('java.net.ConnectException', 'Connection refused: payments-db:5432'));
    await post(h, '/v1/logs', record('java.net.SocketTimeoutException', 'Read timed out: fraud-api:443'));
    await post(h, '/v1/logs', record('java.net.ConnectException', 'Connection refused: payments-db:5432')); // a repeat
    const queued = await h.store.queue.read('1', 100, 0);
    expect(queued.map((q) => q.notification.alerts[0]?.message)).toEqual([
      'java.net.ConnectException: Connection refused: payments-db:5432',
      'java.net.SocketTimeoutException: Read timed out: fraud-api:443',
    ]);
  });

  it('alertmanager: the same alert firing again with a new start (it resolved and came back) is new', async () => {
    const h = appHarness();
    const body = fixtureBody('alertmanager/firing-two-alerts.json') as { alerts: { startsAt: string }[] };
    await post(h, '/webhook/alertmanager', body);
    expect((await post(h, '/webhook/alertmanager', body)).duplicates).toBe(1); // a repeat (an HA peer, a retry)
    const refired = { ...body, alerts: body.alerts.map((a, i) => (i === 0 ? { ...a, startsAt: new Date(Date.parse(a.startsAt) + 600_000).toISOString() } : a)) };
    expect((await post(h, '/webhook/alertmanager', refired)).duplicates).toBe(0);
  });

  // Legacy Grafana (≤ 10) posts once per rule state change (and its reminders): `alerting` names the series
  // that match, `ok` and `no_data` name none, and nothing carries a start time. Its flaps must go out.
  it('legacy Grafana: the resolve of a rule that fired again on another series within the window is delivered', async () => {
    const h = appHarness();
    const alerting = fixtureBody('grafana/legacy-alerting.json');
    const ok = { ...alerting, state: 'ok', evalMatches: [] };
    const otherSeries = { ...alerting, evalMatches: [{ value: 97, metric: 'web-3 /var', tags: { instance: 'web-3', mountpoint: '/var' } }] };
    const news = async (body: unknown): Promise<number> => (await post(h, '/webhook/grafana', body)).notifications.length;
    expect(await news(alerting)).toBe(1);
    expect(await news(ok)).toBe(1);
    expect(await news(otherSeries)).toBe(1); // another host this time
    expect(await news(ok)).toBe(1); // its resolve: the channel must not be left showing it firing
    expect(await news(ok)).toBe(0);
  });

  it('legacy Grafana: a rule firing again on the same series within the window is delivered, a reminder is not', async () => {
    const h = appHarness();
    const alerting = fixtureBody('grafana/legacy-alerting.json');
    const ok = { ...alerting, state: 'ok', evalMatches: [] };
    const noData = { ...alerting, state: 'no_data', evalMatches: [] };
    const news = async (body: unknown): Promise<number> => (await post(h, '/webhook/grafana', body)).notifications.length;
    expect(await news(alerting)).toBe(1);
    expect(await news(alerting)).toBe(0); // a reminder, an HA peer
    expect(await news(ok)).toBe(1);
    expect(await news(alerting)).toBe(1); // it fires again
    expect(await news(noData)).toBe(1); // the query stopped answering: news, although still "firing"
    expect(await news(ok)).toBe(1);
    expect(await news(noData)).toBe(1);
    expect(await news(ok)).toBe(1);
  });

  // Legacy rule ids are the row ids of each Grafana's own database: every instance has a rule 7. Two instances
  // (prod and staging, two teams) posting here must not have one's rule taken for a repeat of the other's.
  it('legacy Grafana: two instances\' rules with the same ruleId are two rules, an HA copy is a repeat', async () => {
    const h = appHarness();
    const prod = fixtureBody('grafana/legacy-alerting.json') as Record<string, unknown>;
    const staging = { ...prod, ruleName: 'API 5xx', title: '[Alerting] API 5xx', ruleUrl: 'https://grafana-staging.example/d/a1/api?tab=alert&viewPanel=4&orgId=1', evalMatches: [] };
    const sameNameElsewhere = { ...prod, ruleUrl: 'https://grafana-staging.example/d/hZ7BuVbWz/hosts?tab=alert&viewPanel=2&orgId=1' };
    const news = async (body: unknown): Promise<number> => (await post(h, '/webhook/grafana', body)).notifications.length;
    expect(await news(prod)).toBe(1);
    expect(await news(staging)).toBe(1); // another rule of another Grafana
    expect(await news(sameNameElsewhere)).toBe(1); // the same dashboard provisioned into another Grafana
    expect(await news(prod)).toBe(0); // a reminder, an HA peer
    expect(await news({ ...staging, state: 'ok' })).toBe(1);
    expect(await news({ ...prod, state: 'ok', evalMatches: [] })).toBe(1); // not a repeat of staging's resolve
  });

  // An HA pair: the second Alertmanager's copy of the firing may arrive after the first one's resolve. Its
  // resolve names the same starts, so it drops no claim: the late copy is the repeat it is, not a new page.
  it('alertmanager: an HA peer\'s late copy of the firing after the resolve is still a duplicate', async () => {
    const h = appHarness();
    const firing = fixtureBody('alertmanager/firing-two-alerts.json');
    await post(h, '/webhook/alertmanager', firing);
    expect((await post(h, '/webhook/alertmanager', fixtureBody('alertmanager/resolved-two-alerts.json'))).duplicates).toBe(0);
    expect((await post(h, '/webhook/alertmanager', firing)).duplicates).toBe(1);
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

  // `alertcord send --status resolved --title …` names no severity, so the resolve is info (the default)
  // while its firing was warning; an escalated incident has claims at two severities.
  it('a resolve drops the claims of its firing whatever severity each was sent with', async () => {
    const h = appHarness();
    for (const keyed of [{}, { dedupe_key: 'backup' }]) {
      const firing = { title: 'Backup late', message: 'db-1', alert_type: 'general', ...keyed };
      await post(h, '/webhook/generic', { ...firing, severity: 'warning' });
      await post(h, '/webhook/generic', { ...firing, severity: 'critical' }); // escalated
      expect((await post(h, '/webhook/generic', { ...firing, status: 'resolved' })).duplicates).toBe(0);
      expect((await post(h, '/webhook/generic', { ...firing, severity: 'warning' })).duplicates).toBe(0); // it fires again
      expect((await post(h, '/webhook/generic', { ...firing, status: 'resolved', severity: 'ok' })).duplicates).toBe(0);
      expect((await post(h, '/webhook/generic', { ...firing, severity: 'critical' })).duplicates).toBe(0);
    }
  });

  // With the shipped routes the severity picks the type: the critical firing went to critical's webhook, its
  // resolve (no severity: info, README "Sending alerts") to general's. The page that comes back is news.
  it('a resolve routed to another type than its firing still drops that firing\'s claim', async () => {
    const h = appHarness({ DISCORD_WEBHOOK_CRITICAL: 'https://discord.com/api/webhooks/2/critical-token' });
    for (const keyed of [{}, { dedupe_key: 'db-primary' }]) {
      const firing = { title: 'DB primary down', message: 'db-1', severity: 'critical', ...keyed };
      expect((await post(h, '/webhook/generic', firing)).notifications).toHaveLength(1);
      const resolve = { ...firing, severity: undefined, status: 'resolved' };
      expect((await post(h, '/webhook/generic', resolve)).duplicates).toBe(0);
      expect((await post(h, '/webhook/generic', firing)).duplicates).toBe(0); // it fires again: a page
      expect((await post(h, '/webhook/generic', firing)).duplicates).toBe(1); // a plain repeat still is not
      expect((await post(h, '/webhook/generic', resolve)).duplicates).toBe(0); // and resolves again
    }
    expect((await h.store.queue.read('2', 100, 0)).map((q) => q.notification.status)).toEqual(['firing', 'firing', 'firing', 'firing']);
    expect((await h.store.queue.read('1', 100, 0)).map((q) => q.notification.status)).toEqual(['resolved', 'resolved', 'resolved', 'resolved']);
  });

  // The claim on the firing's queue is dropped after the resolve is queued: a failure then (Redis gone in
  // between) is logged, and the queued resolve answered 202, since a 5xx would make the sender post it again.
  it('a resolve routed elsewhere is accepted, and the failure logged, when dropping the firing\'s claim there fails', async () => {
    const lines: { msg: string }[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line) as { msg: string }) });
    const h = appHarness({ DISCORD_WEBHOOK_CRITICAL: 'https://discord.com/api/webhooks/2/critical-token' }, '', undefined, logger);
    const firing = { title: 'DB primary down', severity: 'critical' };
    await post(h, '/webhook/generic', firing);
    h.store.queue.dropClaims = () => Promise.reject(new Error('connection lost'));
    expect((await post(h, '/webhook/generic', { ...firing, severity: undefined, status: 'resolved' })).notifications).toHaveLength(1);
    expect(lines.map((l) => l.msg)).toEqual(['store unavailable: cannot drop the dedupe claims of the other state']);
  });
});

/** An OTLP request of one error record of service "checkout", with `fields` added to the record. */
function checkoutRecord(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    resourceLogs: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
      scopeLogs: [{ logRecords: [{ timeUnixNano: '1795887298653268376', severityNumber: 17, ...fields }] }],
    }],
  };
}
