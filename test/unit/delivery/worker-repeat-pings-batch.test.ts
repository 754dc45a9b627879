import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/model/alert.js';
import type { Notification } from '../../../src/model/notification.js';
import type { DiscordMessage } from '../../../src/render/discord-message.js';
import { invalidBodyAnswer, okAnswer, workerHarness, type Answer } from '../../helpers/worker-harness.js';

/** The critical type's webhook (critical pings `@here`). */
const CRITICAL = '3';
const ENV = { DISCORD_WEBHOOK_CRITICAL: `https://discord.com/api/webhooks/${CRITICAL}/critical-token` };

let seq = 0;
/** An Alertmanager group notification of the critical type; each alert `name:status[:start minute]`. */
function group(groupKey: string, ...specs: string[]): Notification {
  const alerts: Alert[] = specs.map((spec) => {
    const [name, status, start] = spec.split(':') as [string, Alert['status'], string | undefined];
    return { source: 'alertmanager', status, severity: 'critical', title: `${name} down`, message: '', labels: { alertname: 'Down', instance: name }, annotations: {}, links: [], fields: [], fingerprint: `fp-${name}`, startsAt: `2026-11-28T17:0${start ?? '0'}:00.000Z` };
  });
  const id = `b${++seq}`;
  return { id, alertType: 'critical', source: 'alertmanager', status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved', alerts, truncatedAlerts: 0, groupKey, dedupeKey: id, receivedAt: 1_800_000_000_000, attempts: 0 };
}

const pings = (m: DiscordMessage | undefined) => (m?.content ?? '').includes('@here') && m!.allowed_mentions.parse.includes('everyone');
const carries = (m: DiscordMessage | undefined, text: string) => JSON.stringify(m ?? {}).includes(text);

function harness() {
  let reply: Answer = (_m, n) => okAnswer(n);
  const h = workerHarness((m, n, id) => reply(m, n, id), undefined, ENV);
  /** Queues `ns` and delivers them as ONE batch: what a worker reads after a backlog (a restart, a long pause). */
  const deliver = async (...ns: Notification[]) => {
    for (const n of ns) await h.store.queue.enqueue(CRITICAL, n);
    await h.workerFor(CRITICAL).deliver(await h.store.queue.read(CRITICAL, 100, 0), new AbortController().signal);
  };
  return { ...h, deliver, answer: (a: Answer) => (reply = a) };
}

describe('worker: a firing and its partial resolve read in one batch (a backlog past group_interval)', () => {
  it('the partial resolve does not page again once the firing before it pinged', async () => {
    const h = harness();
    await h.deliver(group('g', 'db-1:firing', 'db-2:firing'), group('g', 'db-1:resolved', 'db-2:firing'));
    expect(h.posts).toHaveLength(2);
    expect(pings(h.posts[0])).toBe(true);
    expect(carries(h.posts[1], 'db-2')).toBe(true);
    expect(pings(h.posts[1])).toBe(false);
  });

  it('the partial resolve pings when the firing before it pinged nobody: dead-lettered, or a dry run', async () => {
    const refused = harness();
    refused.answer((m, n) => (JSON.stringify(m).includes('FIRING') && n === 1 ? invalidBodyAnswer : okAnswer(n)));
    await refused.deliver(group('g', 'db-1:firing', 'db-2:firing'), group('g', 'db-1:resolved', 'db-2:firing'));
    expect(await refused.deadLetterIds()).toHaveLength(1);
    expect(refused.posts).toHaveLength(2);
    expect(pings(refused.posts[1])).toBe(true);

    const dry = harness();
    dry.answer((_m, n) => (n === 1 ? { ...okAnswer(n), simulated: true } : okAnswer(n))); // dry-run switched off meanwhile
    await dry.deliver(group('g', 'db-1:firing', 'db-2:firing'), group('g', 'db-1:resolved', 'db-2:firing'));
    expect(dry.posts).toHaveLength(2);
    expect(pings(dry.posts[1])).toBe(true);
  });

  it('a partial resolve with an alert the firing did not carry, or one that fired anew, still pings', async () => {
    const h = harness();
    await h.deliver(group('g', 'db-1:firing', 'db-2:firing'), group('g', 'db-1:resolved', 'db-2:firing', 'db-3:firing'));
    expect(pings(h.posts[1])).toBe(true);
    const again = harness();
    await again.deliver(group('g', 'db-1:firing', 'db-2:firing'), group('g', 'db-1:resolved', 'db-2:firing:5'));
    expect(pings(again.posts[1])).toBe(true);
  });

  it('a firing in two messages (11 alerts) goes out whole first; the partial resolve after it is silenced', async () => {
    const h = harness();
    const names = Array.from({ length: 11 }, (_, i) => `db-${i}`);
    await h.deliver(group('g', ...names.map((name) => `${name}:firing`)), group('g', 'db-0:resolved', 'db-1:firing'));
    expect(h.posts).toHaveLength(3);
    expect(pings(h.posts[0])).toBe(true);
    expect(carries(h.posts[2], 'db-0')).toBe(true);
    expect(h.posts.slice(1).some(pings)).toBe(false);
    expect(await h.deadLetterIds()).toEqual([]);
  });

  it('a packed message Discord refuses, sent again one at a time: the firing pings, its partial resolve after it does not', async () => {
    const h = harness();
    const packed = (m: DiscordMessage) => carries(m, 'db-1') && carries(m, 'web-1');
    h.answer((m, n) => (packed(m) ? invalidBodyAnswer : okAnswer(n))); // 400 for the packed message only
    await h.deliver(group('g', 'db-1:firing', 'db-2:firing'), group('g', 'db-1:resolved', 'db-2:firing'), group('h', 'web-1:firing'), group('i', 'web-2:firing'));
    const alone = h.posts.slice(1);
    expect(alone).toHaveLength(4);
    const partial = alone.find((m) => carries(m, 'RESOLVED'));
    expect(partial).toBeDefined();
    expect(pings(partial)).toBe(false);
    expect(alone.filter(pings)).toHaveLength(3); // g's firing, h and i
    expect(await h.deadLetterIds()).toEqual([]);

    // The firing refused alone too (dead-lettered): nobody was paged about g, its partial resolve pings.
    const failed = harness();
    failed.answer((m, n) => (packed(m) || (carries(m, 'db-1') && !carries(m, 'RESOLVED')) ? invalidBodyAnswer : okAnswer(n)));
    await failed.deliver(group('g', 'db-1:firing', 'db-2:firing'), group('g', 'db-1:resolved', 'db-2:firing'), group('h', 'web-1:firing'), group('i', 'web-2:firing'));
    expect(await failed.deadLetterIds()).toHaveLength(1);
    expect(pings(failed.posts.find((m) => carries(m, 'RESOLVED') && !carries(m, 'web-1')))).toBe(true);
  });
});
