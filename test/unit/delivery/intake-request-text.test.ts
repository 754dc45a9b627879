import { readFileSync, readdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../src/config/load.js';
import { createIntake } from '../../../src/delivery/intake.js';
import type { RequestText } from '../../../src/delivery/intake-types.js';
import type { Alert } from '../../../src/model/alert.js';
import type { Notification } from '../../../src/model/notification.js';
import { parseAlertmanager } from '../../../src/sources/alertmanager/parse.js';
import { parseGeneric } from '../../../src/sources/generic/parse.js';
import { parseGrafana } from '../../../src/sources/grafana/parse.js';
import type { ParseResult } from '../../../src/sources/types.js';
import { MemoryQueue } from '../../../src/store/memory/queue.js';
import { READ_BATCH, READ_BATCH_BYTES } from '../../../src/delivery/worker.js';
import { appHarness } from '../../helpers/app-harness.js';

/**
 * Ingest hands the memory queue the request's text instead of each notification's JSON (store TextForm):
 * what a worker reads must be exactly what it read when the queue serialized the notification itself,
 * whatever routing split off, the watchdog consumed, or the packer compressed.
 */
const config = loadConfigOrThrow({
  env: {
    DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/general-token',
    DISCORD_WEBHOOK_CRITICAL: 'https://discord.com/api/webhooks/2/critical-token',
    DISCORD_WEBHOOK_MONITORING: 'https://discord.com/api/webhooks/3/monitoring-token',
  },
}).config;

const PARSERS: Record<string, (body: unknown) => ParseResult> = {
  alertmanager: parseAlertmanager,
  grafana: parseGrafana,
  generic: (body) => parseGeneric(body),
  'generic/critical': (body) => parseGeneric(body, { type: 'critical' }),
};

/** Each captured body of `dir`, pretty-printed as some senders post it (raw newlines in the kept text). */
const fixture = (dir: string) =>
  readdirSync(new URL(`../../fixtures/${dir}/`, import.meta.url)).map((file) => {
    const captured = JSON.parse(readFileSync(new URL(`../../fixtures/${dir}/${file}`, import.meta.url), 'utf8')) as { body: unknown };
    return { file: `${dir}/${file}`, text: JSON.stringify(captured.body, null, 2) };
  });
const CASES = [
  ...fixture('alertmanager').map((f) => ({ ...f, parser: 'alertmanager' })),
  ...fixture('grafana').map((f) => ({ ...f, parser: 'grafana' })),
  ...fixture('generic').flatMap((f) => [{ ...f, parser: 'generic' }, { ...f, parser: 'generic/critical' }]),
];

/** Everything queued, in each queue's order, as a worker reads it. */
async function drain(queue: MemoryQueue): Promise<Notification[]> {
  const out: Notification[] = [];
  for (const key of (await queue.queueKeys()).sort()) out.push(...(await queue.read(key, 1000, 0)).map((i) => i.notification));
  return out;
}

/** Runs `text` through intake twice, with and without its RequestText; answers both queues' reads. */
async function both(text: string, parse: (body: unknown) => ParseResult, opts: { pack?: boolean; filter?: (a: Alert) => boolean } = {}) {
  const run = async (withText: boolean) => {
    const queue = new MemoryQueue({ maxPerQueue: 100, ...(opts.pack ? { packFromDepth: 0, packBlock: 2 } : {}) });
    // Which notifications went to the queue as the request text (the rest as their own JSON).
    const asText: string[] = [];
    const enqueue = queue.enqueue.bind(queue);
    queue.enqueue = (key, n, dedupe, form) => {
      if (form) asText.push(n.alertType);
      return enqueue(key, n, dedupe, form);
    };
    let seq = 0;
    const intake = createIntake({ config: () => config, queue, logger: pino({ level: 'silent' }), now: () => 1_764_000_000_000, newId: () => `id-${++seq}`, filter: opts.filter });
    const parsed = parse(JSON.parse(text));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const origin: RequestText = { text, bytes: Buffer.byteLength(text), reparse: (t) => (parse(JSON.parse(t)) as Extract<ParseResult, { ok: true }>).groups };
    const result = await intake.accept(parsed.groups, withText ? origin : undefined);
    return { result, read: await drain(queue), asText };
  };
  return { plain: await run(false), fromText: await run(true) };
}

describe('intake with the request text', () => {
  it.each(CASES)('reads back $file ($parser) exactly as its JSON would', async ({ file, text, parser }) => {
    const parse = PARSERS[parser]!;
    for (const pack of [false, true]) {
      const { plain, fromText } = await both(text, parse, { pack });
      expect(fromText.result).toEqual(plain.result);
      // A paused legacy rule is accepted and skipped: nothing to queue. Every other body queues something.
      expect(plain.read.length > 0).toBe(!file.endsWith('legacy-paused.json'));
      expect(fromText.read).toStrictEqual(plain.read);
      // One group going whole to its type (all these bodies but a script's array) is kept as the text.
      const oneGroup = parse(JSON.parse(text)).ok && (parse(JSON.parse(text)) as Extract<ParseResult, { ok: true }>).groups.length === 1;
      expect(fromText.asText).toEqual(oneGroup ? plain.read.map((n) => n.alertType) : []);
    }
  });

  it('keeps its own JSON for a part of the group: alerts split between types or consumed by the watchdog', async () => {
    const body = JSON.parse(CASES.find((c) => c.file === 'alertmanager/firing-two-alerts.json')!.text) as { alerts: { labels: Record<string, string> }[] };
    // Three alerts: a critical one (its own type), a heartbeat the filter consumes, a warning (monitoring).
    const [first, second] = body.alerts;
    const alerts = [
      { ...first, labels: { ...first!.labels, severity: 'critical', instance: 'a' } },
      { ...second, labels: { ...second!.labels, alertname: 'Heartbeat', instance: 'h' } },
      { ...second, labels: { ...second!.labels, severity: 'warning', instance: 'b' } },
    ];
    const text = JSON.stringify({ ...body, alerts }, null, 2); // pretty-printed: raw newlines in the kept text
    const { plain, fromText } = await both(text, parseAlertmanager, { pack: true, filter: (a) => a.labels.alertname !== 'Heartbeat' });
    expect(plain.read.map((n) => [n.alertType, n.alerts.map((a) => a.labels.instance)])).toEqual([
      ['critical', ['a']],
      ['monitoring', ['b']],
    ]);
    expect(fromText.read).toStrictEqual(plain.read);
    expect(fromText.asText).toEqual([]);
  });

  it('keeps nothing of the request but its text, which packing then drops', async () => {
    // A queued entry holding the RequestText (its text) kept every packed body in memory twice over.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const queue = new MemoryQueue({ maxPerQueue: 100, packFromDepth: 0, packBlock: 1 });
    const intake = createIntake({ config: () => config, queue, logger: pino({ level: 'silent' }) });
    const text = CASES.find((c) => c.file === 'alertmanager/firing-two-alerts.json')!.text;
    const weak = await (async () => {
      const origin: RequestText = { text, bytes: Buffer.byteLength(text), reparse: (t) => (parseAlertmanager(JSON.parse(t)) as Extract<ParseResult, { ok: true }>).groups };
      const parsed = origin.reparse(text);
      expect((await intake.accept(parsed, origin)).ok).toBe(true);
      return new WeakRef(origin);
    })();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(weak.deref()).toBeUndefined();
    const [item] = await queue.read((await queue.queueKeys())[0]!, 10, 0);
    expect(item?.notification.alerts).toHaveLength(2);
  });
});

describe('ingest route', () => {
  it('queues a pretty-printed, non-ASCII body with its :type as the notification the body parses to', async () => {
    const { post, store, config: appConfig } = appHarness();
    const body = { title: 'Disque plein ✓ 🚨', message: 'ligne 1\nligne 2 "citée"', severity: 'error', labels: { host: 'web-1' } };
    const text = JSON.stringify(body, null, 2);
    const res = await post('/webhook/generic/security', text);
    expect(res.status).toBe(202);
    const [item] = await store.queue.read((await store.queue.queueKeys())[0]!, 10, 0);
    const expected = parseGeneric(body, { type: 'security' });
    if (!expected.ok) throw new Error('fixture');
    expect(item?.bytes).toBe(Buffer.byteLength(text));
    expect(item?.notification.alertType).toBe('security');
    expect(item?.notification.alerts).toEqual(JSON.parse(JSON.stringify(expected.groups[0]!.alerts)));
    expect(appConfig.alertTypes.has('security')).toBe(true);
  });

  it('reads the alerts of one generic array in batches as large as their JSON allows', async () => {
    // Each alert of the array is its own notification. Kept as the whole body, each counted the whole body
    // against a read's budget (one notification per batch: a message each, at the channel's rate limit) and
    // parsed all of it again when read (the array's size squared), and packing kept a copy of it per alert.
    const { post, store } = appHarness();
    const alerts = Array.from({ length: 2 * READ_BATCH }, (_, i) => ({ title: `Disk ${i}`, message: 'x'.repeat(4000), labels: { host: `web-${i}` } }));
    const res = await post('/webhook/generic', alerts);
    expect(res.status).toBe(202);
    const key = (await store.queue.queueKeys())[0]!;
    const batch = await store.queue.read(key, READ_BATCH, 0, undefined, { maxBytes: READ_BATCH_BYTES });
    expect(batch).toHaveLength(READ_BATCH);
    for (const item of batch) expect(item.bytes).toBe(Buffer.byteLength(JSON.stringify(item.notification)));
    expect(batch.map((i) => i.notification.alerts[0]!.title)).toEqual(alerts.slice(0, READ_BATCH).map((a) => a.title));
  });
});
