import { describe, expect, it } from 'vitest';
import type { RawResponse } from '../../../src/delivery/discord-sender.js';
import { replayDeadLetters } from '../../../src/delivery/replay.js';
import { PING_MARK_TTL_MS } from '../../../src/delivery/repeat-pings.js';
import type { Alert } from '../../../src/model/alert.js';
import type { Notification } from '../../../src/model/notification.js';
import type { DiscordMessage } from '../../../src/render/discord-message.js';
import { invalidBodyAnswer, okAnswer, workerHarness, type Answer } from '../../helpers/worker-harness.js';

/** The critical type's webhook (critical pings `@here`); general keeps its own (webhook 1). */
const CRITICAL = '3';
const ENV = { DISCORD_WEBHOOK_CRITICAL: `https://discord.com/api/webhooks/${CRITICAL}/critical-token` };
const unknownWebhook: RawResponse = { status: 404, headers: {}, body: { code: 10015, message: 'Unknown Webhook' }, elapsedMs: 1 };

let seq = 0;
/** An Alertmanager group notification of the critical type; each alert `name:status`, all started at one time. */
function group(groupKey: string, ...specs: string[]): Notification {
  const alerts: Alert[] = specs.map((spec) => {
    const [name, status] = spec.split(':') as [string, Alert['status']];
    return { source: 'alertmanager', status, severity: 'critical', title: `${name} down`, message: '', labels: { alertname: 'Down', instance: name }, annotations: {}, links: [], fields: [], fingerprint: `fp-${name}`, startsAt: '2026-11-28T17:00:00.000Z' };
  });
  const id = `n${++seq}`;
  return { id, alertType: 'critical', source: 'alertmanager', status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved', alerts, truncatedAlerts: 0, groupKey, dedupeKey: id, receivedAt: 1_800_000_000_000, attempts: 0 };
}

const pings = (m: DiscordMessage | undefined) => (m?.content ?? '').includes('@here') && m!.allowed_mentions.parse.includes('everyone');

/** A worker harness whose Discord answers through `reply` (changeable between batches). */
function harness() {
  let reply: Answer = (_m, n) => okAnswer(n);
  const h = workerHarness((m, n, id) => reply(m, n, id), undefined, ENV);
  /** Queues `ns` on `key` and delivers them as one batch (by that queue's worker). */
  const deliver = async (key: string, ...ns: Notification[]) => {
    for (const n of ns) await h.store.queue.enqueue(key, n);
    await h.workerFor(key).deliver(await h.store.queue.read(key, 100, 0), new AbortController().signal);
  };
  return { ...h, deliver, answer: (a: Answer) => (reply = a) };
}

describe('worker: partial resolves do not page again, and only then', () => {
  it('a dry run pinged nobody: the first real partial resolve of its alerts pings', async () => {
    const h = harness();
    h.answer((_m, n) => ({ ...okAnswer(n), simulated: true })); // discord.dry_run, switched off by a reload after
    await h.deliver(CRITICAL, group('g', 'db-1:firing', 'db-2:firing'));
    h.answer((_m, n) => okAnswer(n));
    await h.deliver(CRITICAL, group('g', 'db-1:resolved', 'db-2:firing'));
    expect(h.posts).toHaveLength(2);
    expect(pings(h.posts[1])).toBe(true);
  });

  it('a silenced partial resolve that fails keeps its pings in the dead letters: replayed after the marks expired, it pings', async () => {
    const h = harness();
    await h.deliver(CRITICAL, group('g', 'db-1:firing', 'db-2:firing'));
    h.answer(() => invalidBodyAnswer);
    await h.deliver(CRITICAL, group('g', 'db-1:resolved', 'db-2:firing'));
    expect(pings(h.posts[1])).toBe(false); // silenced as it should be
    const [letter] = await h.store.deadLetters.list(10);
    expect(letter?.notification.mentions).toBeUndefined(); // the queued notification, not the silenced copy
    h.clock.advance(PING_MARK_TTL_MS + 60_000);
    h.answer((_m, n) => okAnswer(n));
    await replayDeadLetters(h.store, h.config, undefined, () => undefined);
    await h.workerFor(CRITICAL).deliver(await h.store.queue.read(CRITICAL, 100, 0), new AbortController().signal);
    expect(h.posts).toHaveLength(3);
    expect(pings(h.posts[2])).toBe(true);
  });

  it('a silenced partial resolve rerouted from a broken webhook pings in general, whose channel was never pinged about it', async () => {
    const h = harness();
    await h.deliver(CRITICAL, group('g', 'db-1:firing', 'db-2:firing'));
    h.answer((m, n, id) => (id === CRITICAL ? unknownWebhook : okAnswer(n)));
    await h.deliver(CRITICAL, group('g', 'db-1:resolved', 'db-2:firing'));
    await h.worker.deliver(await h.store.queue.read(h.queueKey, 100, 0), new AbortController().signal); // general's queue
    const inGeneral = h.posts.filter((_m, i) => h.postedTo[i] !== CRITICAL);
    expect(inGeneral.map((m) => JSON.stringify(m)).join('\n')).toContain('db-2');
    expect(inGeneral.some(pings)).toBe(true);
  });

  it('a message that pings for another notification does not renew the marks of a silenced one packed into it', async () => {
    const h = harness();
    await h.deliver(CRITICAL, group('g', 'db-1:firing', 'db-2:firing'));
    h.clock.advance(PING_MARK_TTL_MS / 2);
    // Packed (more groups than go out in full): the silenced partial resolve of g and new groups' firings, which ping.
    await h.deliver(CRITICAL, group('g', 'db-1:resolved', 'db-2:firing'), group('h', 'web-1:firing'), group('i', 'web-2:firing'), group('j', 'web-3:firing'));
    expect(h.posts).toHaveLength(2);
    expect(pings(h.posts[1])).toBe(true);
    // A day after db-2 was last pinged about, a partial resolve of g pings once more (the safe side).
    h.clock.advance(PING_MARK_TTL_MS / 2 + 60_000);
    await h.deliver(CRITICAL, group('g', 'db-2:firing', 'db-3:resolved'));
    expect(pings(h.posts[2])).toBe(true);
  });

  it('a packed message Discord refuses is sent again one notification at a time: the silenced partial resolve still pings nobody, the new firings still ping', async () => {
    const h = harness();
    await h.deliver(CRITICAL, group('g', 'db-1:firing', 'db-2:firing'));
    const packed = (m: DiscordMessage) => JSON.stringify(m).includes('db-2') && JSON.stringify(m).includes('web-1');
    h.answer((m, n) => (packed(m) ? invalidBodyAnswer : okAnswer(n))); // 400 for the packed message only
    const partial = group('g', 'db-1:resolved', 'db-2:firing');
    await h.deliver(CRITICAL, partial, group('h', 'web-1:firing'), group('i', 'web-2:firing'), group('j', 'web-3:firing'));
    const alone = h.posts.slice(2); // after the first firing and the refused packed message
    expect(alone).toHaveLength(4);
    const [silenced, ...news] = alone;
    expect(JSON.stringify(silenced)).toContain('db-2');
    expect(pings(silenced)).toBe(false);
    expect(news.every(pings)).toBe(true);
    expect(await h.deadLetterIds()).toEqual([]);
  });
});
