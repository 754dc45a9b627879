import pino from 'pino';
import { loadConfigOrThrow } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import type { DiscordSender, RawResponse } from '../../src/delivery/discord-sender.js';
import { OutcomeRecorder } from '../../src/delivery/recorder.js';
import { Rerouter } from '../../src/delivery/reroute.js';
import { WebhookWorker } from '../../src/delivery/worker.js';
import type { Notification } from '../../src/model/notification.js';
import type { DiscordMessage } from '../../src/render/discord-message.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { MemoryWebhookState } from '../../src/store/memory/webhook-state.js';
import { virtualClock } from './virtual-clock.js';

/** A generic notification of `alerts` alerts; alert i's title is `alert <id> #<i> …` (searchable in posts). */
export function workerNotification(id: string, alerts = 1): Notification {
  return {
    id, alertType: 'general', source: 'generic', status: 'firing', truncatedAlerts: 0, dedupeKey: id, receivedAt: 1_800_000_000_000, attempts: 0,
    alerts: Array.from({ length: alerts }, (_, i) => ({
      source: 'generic' as const, status: 'firing' as const, severity: 'warning' as const,
      title: `alert ${id} #${i} ${'x'.repeat(40)}`, message: `${id}-msg-${i} ${'y'.repeat(200)}`,
      labels: { alertname: `${id}-${i}`, instance: `${id}-host-${i}-${'z'.repeat(30)}` }, annotations: {}, links: [], fields: [], fingerprint: `${id}-${i}`,
    })),
  };
}

/** Discord's answer to the n-th post (1-based) to the webhook `webhookId`; a promise to answer late. */
export type Answer = (message: DiscordMessage, n: number, webhookId: string) => RawResponse | Promise<RawResponse>;

export const okAnswer = (n: number): RawResponse => ({ status: 200, headers: { 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '4', 'x-ratelimit-reset-after': '1' }, body: { id: `m${n}`, channel_id: 'c' }, elapsedMs: 1 });

export const invalidBodyAnswer: RawResponse = { status: 400, headers: {}, body: { code: 50035, message: 'Invalid Form Body' }, elapsedMs: 1 };

/**
 * One real WebhookWorker for the general webhook over the memory store, a virtual clock and a sender that
 * records every post and answers through `answer`. No free slot is assumed unless the state says so, so a
 * batch of several notifications is packed. `env` adds settings (another type's webhook, for a reroute),
 * `yaml` config (a forum's `thread_name` …); `threads[i]` is the `thread_id` post i was sent into.
 */
export function workerHarness(answer: Answer = (_m, n) => okAnswer(n), observe?: () => void, env: Record<string, string> = {}, yaml = '') {
  const config: Config = loadConfigOrThrow({ env: { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/general-token', ...env }, yaml }).config;
  const clock = virtualClock();
  const store = createMemoryStore({ queueSize: 1000, historyMaxEntries: 1000, historyRetentionMs: 86_400_000_000, now: clock.now });
  const state = new MemoryWebhookState();
  const posts: DiscordMessage[] = [];
  const threads: (string | undefined)[] = [];
  /** The webhook id of each post, in order (parallel to `posts`). */
  const postedTo: string[] = [];
  const sender: DiscordSender = {
    async post(w, message, options) {
      posts.push(message);
      threads.push(options?.threadId);
      postedTo.push(w.id);
      return answer(message, posts.length, w.id);
    },
    async get() {
      return okAnswer(0);
    },
  };
  const logger = pino({ level: 'silent' });
  const recorder = new OutcomeRecorder({ store, now: clock.now, observe, logger });
  /** A rerouter over this harness's store and state (a second one stands for another replica, or a restart). */
  const rerouterFor = () => new Rerouter({ store, state, recorder, logger, now: clock.now });
  const rerouter = rerouterFor();
  const queueKey = config.alertTypes.get('general')!.webhook!.id;
  /** A worker for any queue key (one no webhook is configured for, too). */
  const workerFor = (key: string) => new WebhookWorker(key, { config: () => config, store, state, sender: () => sender, recorder, rerouter, clock, random: () => 0.5, logger });
  const worker = workerFor(queueKey);
  /** Queues the notifications and delivers them as one batch. */
  const deliverBatch = async (...ns: Notification[]) => {
    for (const n of ns) await store.queue.enqueue(queueKey, n);
    await worker.deliver(await store.queue.read(queueKey, 100, 0), new AbortController().signal);
  };
  /** How many posts carry `text` (JSON-encoded, as in the message). */
  const postsWith = (text: string) => posts.filter((m) => JSON.stringify(m).includes(text)).length;
  const deadLetterIds = async () => (await store.deadLetters.list(100)).map((d) => d.id).sort();
  return { config, clock, store, state, posts, threads, postedTo, rerouterFor, worker, workerFor, queueKey, recorder, deliverBatch, postsWith, deadLetterIds };
}
