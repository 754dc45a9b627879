import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { appHarness } from '../../helpers/app-harness.js';
import { fixtureBody } from '../../helpers/fixtures.js';

const GENERAL_ID = '1';

async function queued(h: ReturnType<typeof appHarness>) {
  const items = await h.store.queue.read(GENERAL_ID, 100, 0);
  return items.map((i) => i.notification);
}

describe('ingest routes', () => {
  it('accepts an Alertmanager notification with 202 and queues it routed to monitoring', async () => {
    const h = appHarness();
    const res = await h.post('/webhook/alertmanager', fixtureBody('alertmanager/firing-two-alerts.json'));
    expect(res.status).toBe(202);
    const body = (await res.json()) as { accepted: number; notifications: string[] };
    expect(body.accepted).toBe(2);
    expect(body.notifications).toHaveLength(1);
    const [n] = await queued(h);
    expect(n).toMatchObject({ id: body.notifications[0], alertType: 'monitoring', source: 'alertmanager', status: 'firing' });
    expect(n?.alerts.map((a) => a.labels.instance)).toEqual(['web-1', 'web-2']);
  });

  it('routes a critical Alertmanager alert to critical', async () => {
    const h = appHarness();
    const res = await h.post('/webhook/alertmanager', fixtureBody('alertmanager/firing-critical.json'));
    expect(res.status).toBe(202);
    expect((await queued(h)).map((n) => n.alertType)).toEqual(['critical']);
  });

  it('accepts Grafana unified, its contact-point test, and charset in the content type', async () => {
    const h = appHarness();
    const a = await h.post('/webhook/grafana', fixtureBody('grafana/firing-unified.json'), { 'content-type': 'application/json; charset=utf-8' });
    const b = await h.post('/webhook/grafana', fixtureBody('grafana/test-notification.json'));
    expect([a.status, b.status]).toEqual([202, 202]);
    const all = await queued(h);
    expect(all.some((n) => n.alerts.some((x) => x.isTest))).toBe(true);
  });

  // Grafana's webhook contact point offers HTTP method PUT beside POST, and drops a notification answered 4xx.
  it('accepts PUT as POST on the Grafana and generic routes (Grafana\'s contact point may be set to PUT)', async () => {
    const h = appHarness();
    const put = (path: string, body: unknown) => h.app.request(path, { method: 'PUT', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    const grafana = await put('/webhook/grafana', fixtureBody('grafana/firing-unified.json'));
    const generic = await put('/webhook/generic/error', JSON.stringify({ title: 'Backup failed' }));
    expect([grafana.status, generic.status]).toEqual([202, 202]);
    expect((await queued(h)).map((n) => n.source)).toEqual(['grafana', 'generic']);
    expect((await h.app.request('/webhook/grafana', { method: 'GET' })).status).toBe(404);
  });

  it('accepts generic objects and arrays, honouring :type', async () => {
    const h = appHarness();
    const one = await h.post('/webhook/generic', { alert_type: 'ERROR', title: 'Backup failed', message: 'exit 2' });
    const many = await h.post('/webhook/generic/security', [{ title: 'Login burst' }, { title: 'New admin', severity: 'critical' }]);
    expect([one.status, many.status]).toEqual([202, 202]);
    expect(((await many.json()) as { accepted: number }).accepted).toBe(2);
    expect((await queued(h)).map((n) => n.alertType)).toEqual(['error', 'security', 'security']);
    expect(await one.json()).not.toHaveProperty('warnings');
  });

  it('routes an alert type that does not exist by the rules (general) and warns the sender in the 202', async () => {
    const h = appHarness();
    const res = await h.post('/webhook/generic/nosuch', [{ title: 'typo in the URL' }, { title: 'same typo' }]);
    expect(res.status).toBe(202);
    const body = (await res.json()) as { accepted: number; warnings?: string[] };
    expect(body.accepted).toBe(2);
    expect(body.warnings).toEqual([expect.stringContaining('alert type "nosuch" is not configured (known: ')]);
    expect((await queued(h)).map((n) => n.alertType)).toEqual(['general', 'general']);
  });

  it('collapses the same notification posted twice (an HA pair) into one queued notification', async () => {
    const h = appHarness();
    const payload = fixtureBody('alertmanager/firing-two-alerts.json');
    await h.post('/webhook/alertmanager', payload);
    const again = await h.post('/webhook/alertmanager', payload);
    expect(again.status).toBe(202);
    expect(((await again.json()) as { duplicates: number }).duplicates).toBe(1);
    expect(await queued(h)).toHaveLength(1);
  });

  it('answers 400 with the failing paths for a schema error', async () => {
    const h = appHarness();
    const res = await h.post('/webhook/alertmanager', { version: '4', status: 'firing', alerts: [{ labels: 'nope' }] });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { path: string }[]; requestId: string } };
    expect(body.error.code).toBe('invalid_payload');
    expect(body.error.details.map((d) => d.path)).toContain('alerts.0.labels');
    expect(body.error.requestId).toBeTruthy();
  });

  it('answers 400 for invalid JSON and for JSON nested too deep, without crashing', async () => {
    const h = appHarness();
    const bad = await h.post('/webhook/generic', '{"title": ');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
    const deep = await h.post('/webhook/generic', `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(deep.status).toBe(400);
    expect(((await deep.json()) as { error: { code: string } }).error.code).toBe('too_deep');
    expect((await h.app.request('/healthz')).status).toBe(200);
  });

  it('answers 415 with a curl hint for a wrong content type', async () => {
    const h = appHarness();
    const res = await h.post('/webhook/generic', 'title=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("curl -H 'content-type: application/json'");
  });

  it('answers 415 for JSON in another charset than UTF-8 (it would be garbled), and takes UTF-8 named either way', async () => {
    const h = appHarness();
    const latin1 = await h.post('/webhook/generic', '{"title":"caf\u00e9"}', { 'content-type': 'application/json; charset=iso-8859-1' });
    expect(latin1.status).toBe(415);
    expect(((await latin1.json()) as { error: { message: string } }).error.message).toContain('UTF-8');
    for (const type of ['application/json; charset=UTF-8', 'application/json;charset="utf-8"', 'application/json; charset=utf8', 'application/json; charset=us-ascii']) {
      expect((await h.post('/webhook/generic', { title: 'café' }, { 'content-type': type })).status).toBe(202);
    }
  });

  it('takes a gzip body (Content-Encoding: gzip); a gzip bomb is 413, another coding 415, a broken stream 400', async () => {
    const h = appHarness({}, 'server: { body_limit: 10000 }');
    const send = (body: Uint8Array, encoding: string) =>
      h.app.request('/webhook/generic', { method: 'POST', body, headers: { 'content-type': 'application/json', 'content-encoding': encoding } });
    const zipped = gzipSync(JSON.stringify({ title: 'compressed by a script' }));
    expect((await send(zipped, 'gzip')).status).toBe(202);
    const [n] = await queued(h);
    expect(n?.alerts[0]?.title).toBe('compressed by a script');
    expect((await send(gzipSync(Buffer.alloc(1_000_000, 0x20)), 'gzip')).status).toBe(413);
    expect((await send(zipped, 'br')).status).toBe(415);
    expect((await send(zipped.subarray(0, 12), 'gzip')).status).toBe(400);
  });

  it('takes, with the defaults, the big groups README asks for (max_alerts: 0): 5,000 alerts in one body', async () => {
    const h = appHarness();
    const payload = fixtureBody<{ alerts: { labels: Record<string, string>; fingerprint: string }[] }>('alertmanager/firing-critical.json');
    const one = payload.alerts[0]!;
    payload.alerts = Array.from({ length: 5_000 }, (_, i) => ({ ...one, labels: { ...one.labels, instance: `host-${i}` }, fingerprint: `fp${i}` }));
    const body = JSON.stringify(payload);
    expect(body.length).toBeGreaterThan(1024 * 1024); // what the old 1 MiB default refused: Alertmanager drops a 413 for good
    const res = await h.post('/webhook/alertmanager', body);
    expect(res.status).toBe(202);
    expect(((await res.json()) as { accepted: number }).accepted).toBe(5_000);
  });

  it('answers 413 for bodies over the limit, declared or streamed (chunked)', async () => {
    const h = appHarness({}, 'server: { body_limit: 1000 }');
    const big = JSON.stringify({ title: 'x'.repeat(2000) });
    expect((await h.post('/webhook/generic', big)).status).toBe(413);
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode(' '.repeat(200)));
        controller.close();
      },
    });
    const chunked = await h.app.request('/webhook/generic', { method: 'POST', body: stream, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it('answers 503 with Retry-After when the queue is full, and loses nothing it accepted', async () => {
    const h = appHarness({ DISCORD_QUEUE_SIZE: '2' });
    const send = (i: number) => h.post('/webhook/generic', { title: `alert ${i}` });
    expect((await send(1)).status).toBe(202);
    expect((await send(2)).status).toBe(202);
    const full = await send(3);
    expect(full.status).toBe(503);
    expect(full.headers.get('retry-after')).toMatch(/^\d+$/);
    const items = await h.store.queue.read(GENERAL_ID, 10, 0);
    expect(items).toHaveLength(2);
    // The refused one claimed no dedupe key: once space frees, the sender's retry is queued.
    await h.store.queue.ack(GENERAL_ID, [items[0]!.entryId]);
    expect((await send(3)).status).toBe(202);
  });

  it('answers 503 while shutting down', async () => {
    const h = appHarness();
    h.shutDown();
    const res = await h.post('/webhook/generic', { title: 'late' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBeTruthy();
  });

  it('answers 404 in the error envelope for unknown routes', async () => {
    const h = appHarness();
    const res = await h.app.request('/nope');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});
