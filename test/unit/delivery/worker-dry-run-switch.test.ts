import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../src/config/load.js';
import type { DiscordSender } from '../../../src/delivery/discord-sender.js';
import { createDryRunSender } from '../../../src/delivery/dry-run-sender.js';
import { OutcomeRecorder } from '../../../src/delivery/recorder.js';
import { Rerouter } from '../../../src/delivery/reroute.js';
import { WebhookWorker } from '../../../src/delivery/worker.js';
import { metricHooks } from '../../../src/metrics/hooks.js';
import { createMetrics } from '../../../src/metrics/registry.js';
import { createMemoryStore } from '../../../src/store/memory/index.js';
import { MemoryWebhookState } from '../../../src/store/memory/webhook-state.js';
import { parseExposition, sampleValue } from '../../helpers/prom-text.js';
import { virtualClock } from '../../helpers/virtual-clock.js';
import { okAnswer, workerNotification } from '../../helpers/worker-harness.js';

const ENV = { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/general-token' };

/**
 * One worker wired as runtime.ts wires it (sender chosen by the config per attempt, metric hooks, outcome
 * observer), whose only request is answered after a reload switched `discord.dry_run` (README "Hot reload":
 * it is live) while that request was out.
 */
async function deliverAcrossSwitch(startDry: boolean) {
  const real = loadConfigOrThrow({ env: ENV, yaml: '' }).config;
  const dry = loadConfigOrThrow({ env: ENV, yaml: 'discord: { dry_run: true }\n' }).config;
  let config = startDry ? dry : real;
  const reload = () => {
    config = startDry ? real : dry;
  };
  const logger = pino({ level: 'silent' });
  const dryRun = createDryRunSender(logger);
  const realSender: DiscordSender = { post: async () => (reload(), okAnswer(1)), get: async () => okAnswer(0) };
  const drySender: DiscordSender = { post: async (w, m, o) => { const answer = await dryRun.post(w, m, o); reload(); return answer; }, get: dryRun.get };
  const clock = virtualClock();
  const store = createMemoryStore({ queueSize: 100, historyMaxEntries: 100, historyRetentionMs: 86_400_000, now: clock.now });
  const state = new MemoryWebhookState();
  const metrics = createMetrics({ snapshot: async () => ({ queues: [], webhooks: [], deadLetters: 0, storeUp: true }), processMetrics: false });
  const hooks = metricHooks(metrics);
  const recorder = new OutcomeRecorder({ store, now: clock.now, observe: hooks.observe, logger });
  const rerouter = new Rerouter({ store, state, recorder, logger, now: clock.now });
  const sender = () => (config.discord.dryRunReason ? drySender : realSender);
  const worker = new WebhookWorker('1', { config: () => config, store, state, sender, recorder, rerouter, clock, random: () => 0.5, logger, onAttempt: hooks.onAttempt, onRetry: hooks.onRetry });
  await store.queue.enqueue('1', workerNotification('n1'));
  await worker.deliver(await store.queue.read('1', 10, 0), new AbortController().signal);
  const [entry] = await store.history.list({ limit: 10 });
  const samples = parseExposition(await metrics.registry.metrics());
  return { outcome: entry?.outcome.status, samples, lastSuccessAt: (await state.status('1', real.alertTypes.get('general')!.rateLimit, clock.now())).lastSuccessAt };
}

describe('worker: a reload switching dry-run while a request is out', () => {
  it('a real post answered after dry-run went on is sent: history, notifications_total, latency and the 2xx that AlertcordNoSuccessfulDelivery reads say so', async () => {
    const { outcome, samples, lastSuccessAt } = await deliverAcrossSwitch(false);
    expect(lastSuccessAt).toBeDefined(); // the webhook state already knew: Discord accepted it
    expect(outcome).toBe('sent');
    expect(sampleValue(samples, 'alertcord_notifications_total', { outcome: 'sent' })).toBe(1);
    expect(sampleValue(samples, 'alertcord_delivery_latency_seconds_count')).toBe(1);
    expect(sampleValue(samples, 'alertcord_discord_requests_total', { webhook: '1', class: '2xx' })).toBe(1);
  });

  it('a dry-run post answered after dry-run went off is a dry run: no request to Discord is counted, no latency', async () => {
    const { outcome, samples, lastSuccessAt } = await deliverAcrossSwitch(true);
    expect(lastSuccessAt).toBeUndefined();
    expect(outcome).toBe('dry_run');
    expect(sampleValue(samples, 'alertcord_notifications_total', { outcome: 'dry_run' })).toBe(1);
    expect(sampleValue(samples, 'alertcord_delivery_latency_seconds_count')).toBe(0);
    expect(sampleValue(samples, 'alertcord_discord_requests_total')).toBeUndefined();
  });
});
