/**
 * Bounded chaos over the delivery promise (README "How delivery works, and what it promises"): random groups
 * of alerts (1..60 each, now and then a storm group of up to 140; types with their own webhook, sharing
 * general's, sharing error's; firing, resolved, mixed; with and without mentions; long, Markdown-laden,
 * astral text), posted between deliveries, go through the real intake and real
 * WebhookWorkers, over the real undici sender, into the strict fake Discord, while a random script per webhook
 * answers requests with 5xx runs (Discord's JSON and Cloudflare's text page), socket resets, timeouts (the
 * message stored or not), 429s (bucket, global, body-only, without rate-limit headers: Cloudflare's ban),
 * restarts mid-request (stored or not), and a 400 for every message that carries one chosen alert.
 *
 * Deterministic: one virtual clock drives alertcord's state, sleeps and backoff (seeded jitter) and the
 * fake's rate-limit windows; the workers are driven one batch at a time (no concurrent requests), so a seed
 * replays exactly. CHAOS_SEED and CHAOS_RUNS override the fixed seed and number of runs to explore more.
 *
 * Faults that need a retry stay within the retry budget per webhook: exhausting it dead-letters by design
 * (README, circuit breaker), which is not what this checks. After the drain every accepted alert must be
 * visible in a stored message, or belong to the one notification the fake refused (dead-lettered as
 * invalid_body: never an innocent neighbour); an alert is shown twice only if a message carrying it was
 * stored while its answer was lost (timeout) or the process restarted while it was under way; the fake
 * refused nothing as invalid (limits); pings come only from firing notifications whose mentions allow them;
 * and each notification has exactly one final outcome, whose history names messages that show it.
 */
import fc from 'fast-check';
import pino from 'pino';
import { Agent } from 'undici';
import { describe, it } from 'vitest';
import { loadConfigOrThrow } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { createDiscordSender, type DiscordSender, type RawResponse } from '../../src/delivery/discord-sender.js';
import { createIntake } from '../../src/delivery/intake.js';
import { OutcomeRecorder } from '../../src/delivery/recorder.js';
import { Rerouter } from '../../src/delivery/reroute.js';
import { READ_BATCH, WebhookWorker } from '../../src/delivery/worker.js';
import type { Alert, AlertGroup } from '../../src/model/alert.js';
import type { Notification } from '../../src/model/notification.js';
import type { DeliveryOutcome } from '../../src/model/outcome.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { MemoryWebhookState } from '../../src/store/memory/webhook-state.js';
import { HOOK_IDS } from '../helpers/bridge.js';
import { startFakeDiscord, type Fault, type FakeDiscord } from '../helpers/fake-discord/index.js';
import { virtualClock } from '../helpers/virtual-clock.js';

const RUNS = Number(process.env.CHAOS_RUNS ?? 100);
const SEED = Number(process.env.CHAOS_SEED ?? 20_261_128);
const RETRY_ATTEMPTS = 8;
/** Faults that use a retry (5xx, reset, timeout) per webhook and scenario: fewer than a message may take. */
const RETRYABLE_BUDGET = RETRY_ATTEMPTS - 2;

const ROLE = '123456789012345678';
const DB_USER = '223456789012345678';
const GROUP_USER = '323456789012345678';
/** Types: own webhook (general, error, critical), general's (monitoring, security), error's (db). */
const TYPES = ['general', 'error', 'critical', 'monitoring', 'security', 'db'] as const;
const SCRIPTED = ['general', 'error', 'critical'] as const;

// ---- scenario -------------------------------------------------------------------------------------------

type ChaosFault =
  | { t: '5xx'; status: 500 | 502 | 503 | 504; page: boolean }
  | { t: 'reset' }
  | { t: 'timeout'; stored: boolean }
  | { t: '429'; retryAfter: number; global: boolean }
  | { t: '429-body'; retryAfter: number }
  | { t: '429-cloudflare'; retryAfter: number }
  | { t: 'restart'; stored: boolean };

interface GroupSpec {
  size: number;
  types: (typeof TYPES)[number][];
  status: 'firing' | 'resolved' | 'mixed';
  mentions: boolean;
  textLength: number;
  spin: number;
}

type Step = { k: 'post'; group: GroupSpec } | { k: 'deliver'; which: number };

interface Scenario {
  steps: Step[];
  /** Request n (0-based) to the webhook gets script[n]; null: Discord behaves. */
  scripts: Record<(typeof SCRIPTED)[number], (ChaosFault | null)[]>;
  /**
   * The alert whose messages Discord refuses: the `alert`-th alert (modulo) of the `post`-th group posted after
   * the biggest one (modulo): close behind it, so it tends to share a packed message with the part of the big
   * one that spilled over.
   */
  poison: { post: number; alert: number } | null;
  jitterSeed: number;
}

const faultArb: fc.Arbitrary<ChaosFault | null> = fc.oneof(
  { weight: 8, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('5xx' as const), status: fc.constantFrom(500 as const, 502 as const, 503 as const, 504 as const), page: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ t: 'reset' as const }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('timeout' as const), stored: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('429' as const), retryAfter: fc.constantFrom(0.2, 1, 3.5, 30), global: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('429-body' as const), retryAfter: fc.constantFrom(0.5, 2) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('429-cloudflare' as const), retryAfter: fc.constantFrom(1, 400) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('restart' as const), stored: fc.boolean() }) },
);

const groupArb: fc.Arbitrary<GroupSpec> = fc.record({
  // Now and then a storm group of one type too big for one packed message (~80 alerts at the tersest level;
  // Alertmanager with max_alerts: 0): it straddles messages, the path where a 400 must resend only what was
  // not shown yet.
  size: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 4 }) }, { weight: 4, arbitrary: fc.integer({ min: 5, max: 25 }) }, { weight: 4, arbitrary: fc.integer({ min: 26, max: 60 }) }, { weight: 2, arbitrary: fc.integer({ min: 61, max: 140 }) }),
  types: fc.subarray([...TYPES], { minLength: 1, maxLength: 3 }),
  status: fc.constantFrom('firing' as const, 'resolved' as const, 'mixed' as const),
  mentions: fc.boolean(),
  textLength: fc.constantFrom(0, 30, 400, 1_500, 4_000),
  spin: fc.nat(1_000),
});

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  // The first step posts: a scenario sending nothing tests nothing.
  steps: fc
    .tuple(groupArb, fc.array(fc.oneof({ weight: 4, arbitrary: groupArb.map((group): Step => ({ k: 'post', group })) }, { weight: 1, arbitrary: fc.nat(10).map((which): Step => ({ k: 'deliver', which })) }), { maxLength: 19 }))
    .map(([first, rest]): Step[] => [{ k: 'post', group: first }, ...rest]),
  scripts: fc.record({ general: fc.array(faultArb, { maxLength: 24 }), error: fc.array(faultArb, { maxLength: 24 }), critical: fc.array(faultArb, { maxLength: 24 }) }),
  poison: fc.option(fc.record({ post: fc.nat(19), alert: fc.nat(59) }), { freq: 5 }),
  jitterSeed: fc.nat(),
});

const retryable = (f: ChaosFault | null) => f !== null && (f.t === '5xx' || f.t === 'reset' || f.t === 'timeout');

/** Keeps each script within the retry budget (shrinking may produce any script: this is applied when run). */
function withinBudget(script: readonly (ChaosFault | null)[]): (ChaosFault | null)[] {
  let used = 0;
  return script.map((f) => (retryable(f) && ++used > RETRYABLE_BUDGET ? null : f));
}

// ---- alerts ---------------------------------------------------------------------------------------------

/** Fixed-width tokens: alert k of a scenario is titled `CHX0042Q …`, so no token is a prefix of another. */
const token = (k: number) => `CHX${String(k).padStart(4, '0')}Q`;
const TOKEN_PATTERN = /CHX\d{4}Q/g;
const tokensIn = (text: string) => new Set(text.match(TOKEN_PATTERN) ?? []);

/** Text that is hard to keep within limits and readable: Markdown, code fences, astral characters, newlines. */
function noisyText(length: number, spin: number): string {
  const pieces = ['disk ', '**bold** ', '`tick` ', '```\ncode\n``` ', '_x_ ', '🔥 ', '𝔘𝔫𝔦 ', '<@&1> ', '@everyone ', '\n', '> quote ', '|| spoiler || ', 'ü '];
  let out = '';
  for (let i = 0; out.length < length; i++) out += pieces[(i * 7 + spin) % pieces.length];
  return out.slice(0, length);
}

function groupOf(spec: GroupSpec, firstIndex: number, at: number): { group: AlertGroup; tokens: string[] } {
  const tokens: string[] = [];
  const alerts: Alert[] = Array.from({ length: spec.size }, (_, i) => {
    const t = token(firstIndex + i);
    tokens.push(t);
    const resolved = spec.status === 'resolved' || (spec.status === 'mixed' && (i + spec.spin) % 3 === 0);
    return {
      source: 'generic',
      status: resolved ? 'resolved' : 'firing',
      severity: (['critical', 'error', 'warning', 'info'] as const)[(i + spec.spin) % 4]!,
      title: `${t} ${['disk almost full', 'p99 latency high on the checkout service', 'x'][(i + spec.spin) % 3]}`,
      message: noisyText(spec.textLength, spec.spin + i),
      labels: { alertname: `Chaos${spec.spin % 5}`, alert_type: spec.types[spec.size > 60 ? 0 : (i * 7 + spec.spin) % spec.types.length]!, instance: `host-${(firstIndex + i) % 17}.example:9100` },
      annotations: {},
      links: [],
      fields: [],
      fingerprint: t.toLowerCase(),
      startsAt: new Date(at - 600_000).toISOString(),
      ...(resolved ? { endsAt: new Date(at).toISOString() } : {}),
    };
  });
  const group: AlertGroup = { source: 'generic', alerts, truncatedAlerts: 0, ...(spec.mentions ? { mentions: { users: [GROUP_USER] } } : {}) };
  return { group, tokens };
}

// ---- one run ----------------------------------------------------------------------------------------------

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const timeoutError = () => new DOMException('The operation was aborted due to timeout', 'TimeoutError');

function fakeFault(f: ChaosFault): Fault | undefined {
  switch (f.t) {
    case '5xx':
      return f.page ? { status: f.status, body: `<html><body>${f.status} Bad Gateway (cloudflare)</body></html>` } : { status: f.status };
    case 'reset':
      return { kind: 'reset' };
    case '429':
      return { kind: '429', retryAfter: f.retryAfter, global: f.global };
    case '429-body':
      // A JSON 429 carrying the bucket's headers as they stand and only the body's retry_after.
      return { status: 429, body: { message: 'You are being rate limited.', retry_after: f.retryAfter, global: false } };
    case '429-cloudflare':
      return { kind: '429-cloudflare', retryAfter: f.retryAfter };
    default:
      return undefined;
  }
}

async function runScenario(s: Scenario): Promise<string[]> {
  const clock = virtualClock();
  const fake = await startFakeDiscord({ now: clock.now, webhooks: Object.entries(HOOK_IDS).map(([type, id]) => ({ id, token: `tok-${type}-secret`, channelId: `chan-${type}` })) });
  const dispatcher = new Agent({ connections: 4, keepAliveTimeout: 30_000 });
  try {
    return await exercise(s, clock, fake, dispatcher);
  } finally {
    await dispatcher.close();
    await fake.close();
  }
}

async function exercise(s: Scenario, clock: ReturnType<typeof virtualClock>, fake: FakeDiscord, dispatcher: Agent): Promise<string[]> {
  const problems: string[] = [];
  const env = {
    DISCORD_ALLOWED_HOSTS: new URL(fake.origin).host,
    DISCORD_WEBHOOK_GENERAL: fake.urlFor(HOOK_IDS.general!),
    DISCORD_WEBHOOK_ERRORS: fake.urlFor(HOOK_IDS.error!),
    DISCORD_WEBHOOK_CRITICAL: fake.urlFor(HOOK_IDS.critical!),
    DISCORD_RETRY_ATTEMPTS: String(RETRY_ATTEMPTS),
    DISCORD_TIMEOUT_SECONDS: '30',
  };
  const yaml = `alert_types:\n  error:\n    mentions: { roles: ["${ROLE}"] }\n  db:\n    webhook: "${fake.urlFor(HOOK_IDS.error!)}"\n    mentions: { users: ["${DB_USER}"] }\n`;
  const config: Config = loadConfigOrThrow({ env, yaml }).config;
  const logger = pino({ level: 'silent' });
  const store = createMemoryStore({ queueSize: 10_000, historyMaxEntries: 10_000, historyRetentionMs: 86_400_000_000, now: clock.now });
  const random = mulberry32(s.jitterSeed);

  // What was accepted, and what became of it.
  const notifications = new Map<string, Notification>();
  const ownerOf = new Map<string, string>(); // token → notification id
  const finals = new Map<string, DeliveryOutcome[]>();
  const poisonTokens = new Set<string>();
  /** Notifications that may legitimately be shown twice: a message carrying them was stored unanswered, or a restart cut them. */
  const mayRepeat = new Set<string>();
  let ids = 0;
  const intake = createIntake({
    config: () => config,
    queue: store.queue,
    logger,
    now: clock.now,
    newId: () => `n${++ids}`,
    onQueued: (n) => {
      notifications.set(n.id, n);
      for (const a of n.alerts) ownerOf.set(a.title.slice(0, 8), n.id);
    },
  });

  // One "process": its webhook state, recorder and the signal a restart aborts. The store (Redis, say) stays.
  const newProcess = () => {
    const state = new MemoryWebhookState();
    const recorder = new OutcomeRecorder({
      store,
      now: clock.now,
      logger,
      observe: (n, outcome) => finals.set(n.id, [...(finals.get(n.id) ?? []), outcome]),
    });
    const stop = new AbortController();
    return { state, recorder, rerouter: new Rerouter({ store, state, recorder, logger, now: clock.now }), stop, storedFor: new Set<string>() };
  };
  let proc = newProcess();

  // The sender: the real one into the fake, each request first given its scripted fault.
  const real = createDiscordSender({ dispatcher, timeoutMs: 30_000 });
  const scripts = new Map(SCRIPTED.map((name) => [HOOK_IDS[name]!, withinBudget(s.scripts[name])]));
  const sent = new Map<string, number>();
  /** Into the fake, with the scripted fault for this request, else the poison's 400 when it carries that alert. */
  const forward = async (webhook: Parameters<DiscordSender['post']>[0], message: Parameters<DiscordSender['post']>[1], options: Parameters<DiscordSender['post']>[2], scripted: Fault | undefined): Promise<RawResponse> => {
    if (scripted) fake.inject(webhook.id, scripted);
    else if ([...tokensIn(JSON.stringify(message))].some((t) => poisonTokens.has(t))) {
      // Discord refuses every message that shows the poisoned alert (its content, say).
      fake.inject(webhook.id, { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: { embeds: { _errors: [{ code: 'BASE_TYPE_BAD', message: 'chaos: refused' }] } } } });
    }
    const res = await real.post(webhook, message, options);
    if (fake.pendingFaults(webhook.id) > 0) throw new Error('chaos harness: an injected fault was not consumed by its request');
    return res;
  };
  const storedUnanswered = (res: RawResponse, message: unknown) => {
    if (res.status === undefined || res.status >= 300) return;
    for (const t of tokensIn(JSON.stringify(message))) mayRepeat.add(ownerOf.get(t) ?? t);
  };
  const sender: DiscordSender = {
    async post(webhook, message, options) {
      const n = sent.get(webhook.id) ?? 0;
      sent.set(webhook.id, n + 1);
      const f = scripts.get(webhook.id)?.[n] ?? null;
      const fault = f ? fakeFault(f) : undefined;
      if (f?.t === 'timeout') {
        clock.advance(30_000);
        if (!f.stored) return { error: timeoutError(), elapsedMs: 30_000 };
        storedUnanswered(await forward(webhook, message, options, undefined), message);
        return { error: timeoutError(), elapsedMs: 30_000 };
      }
      if (f?.t === 'restart') {
        const res = f.stored ? await forward(webhook, message, options, undefined) : undefined;
        if (res) storedUnanswered(res, message);
        proc.stop.abort(new Error('chaos: restart'));
        return { error: proc.stop.signal.reason, elapsedMs: 1 };
      }
      const res = await forward(webhook, message, options, fault);
      if (res.status !== undefined && res.status < 300) for (const t of tokensIn(JSON.stringify(message))) proc.storedFor.add(ownerOf.get(t) ?? t);
      return res;
    },
    get: (webhook, signal) => real.get(webhook, signal),
  };

  const deliverOne = async (queueKey: string): Promise<boolean> => {
    const items = await store.queue.read(queueKey, READ_BATCH, 0);
    if (items.length === 0) return false;
    const p = proc;
    const worker = new WebhookWorker(queueKey, { config: () => config, store, state: p.state, sender: () => sender, recorder: p.recorder, rerouter: p.rerouter, clock, random, logger });
    try {
      await worker.deliver(items, p.stop.signal);
    } catch (err) {
      problems.push(`worker.deliver threw on ${queueKey}: ${String(err)}`);
      await store.queue.release(queueKey, items.map((i) => i.entryId));
    }
    if (p.stop.signal.aborted) {
      // Restarted mid-batch: what this process posted of a notification it had not finished is posted again.
      for (const id of p.storedFor) if (!finals.has(id)) mayRepeat.add(id);
      proc = newProcess();
    }
    return true;
  };
  const busyQueues = async () => {
    const keys = (await store.queue.queueKeys()).sort();
    const busy: string[] = [];
    for (const key of keys) if ((await store.queue.depth(key)) > 0) busy.push(key);
    return busy;
  };

  // Run the steps, then drain.
  let alertCount = 0;
  let posts = 0;
  const postSizes = s.steps.flatMap((step) => (step.k === 'post' ? [step.group.size] : []));
  const poisonPost = s.poison && (postSizes.indexOf(Math.max(...postSizes)) + 1 + s.poison.post) % postSizes.length;
  for (const step of s.steps) {
    if (step.k === 'post') {
      const { group, tokens } = groupOf(step.group, alertCount, clock.now());
      alertCount += tokens.length;
      if (s.poison && poisonPost === posts) poisonTokens.add(tokens[s.poison.alert % tokens.length]!);
      posts++;
      const result = await intake.accept([group]);
      if (!result.ok) problems.push(`intake refused a group: ${JSON.stringify(result)}`);
      clock.advance(50);
    } else {
      const busy = await busyQueues();
      if (busy.length > 0) await deliverOne(busy[step.which % busy.length]!);
    }
  }
  for (let round = 0; ; round++) {
    const busy = await busyQueues();
    if (busy.length === 0) break;
    if (round > 500) {
      problems.push(`did not drain: ${busy.join(', ')} still hold work`);
      break;
    }
    let progressed = false;
    for (const key of busy) progressed = (await deliverOne(key)) || progressed;
    if (!progressed) {
      problems.push(`stuck: ${busy.join(', ')} hold entries nobody can read (left in flight)`);
      break;
    }
  }

  if (process.env.CHAOS_DEBUG) {
    const dead = (await store.deadLetters.list(10_000)).length;
    console.log(`alerts ${alertCount} notifications ${notifications.size} messages ${fake.messages.length} requests ${fake.requests.length} byStatus ${JSON.stringify(fake.stats.byStatus)} resets ${fake.stats.resets} dead ${dead} poison ${poisonTokens.size} mayRepeat ${mayRepeat.size} virtual ${Math.round((clock.now() - 1_800_000_000_000) / 1000)}s`);
  }

  // ---- the promise ----
  const stored = fake.messages.map((m) => ({ m, tokens: tokensIn(JSON.stringify(m.body)) }));
  const shownIn = new Map<string, string[]>();
  for (const { m, tokens } of stored) for (const t of tokens) shownIn.set(t, [...(shownIn.get(t) ?? []), m.id]);
  const poisoned = new Set([...poisonTokens].map((t) => ownerOf.get(t)).filter((id): id is string => id !== undefined));
  const deadLetters = await store.deadLetters.list(10_000);

  for (const [id, n] of notifications) {
    const outcomes = finals.get(id) ?? [];
    if (outcomes.length !== 1) problems.push(`notification ${id} (${n.alertType}, ${n.alerts.length} alerts) has ${outcomes.length} final outcomes: ${JSON.stringify(outcomes.map((o) => o.status))}`);
    const history = await store.history.get(id);
    if (!history) problems.push(`notification ${id} has no history entry`);
    if (poisoned.has(id)) {
      if (history?.outcome.status !== 'dead_lettered' || history.outcome.reason !== 'invalid_body') problems.push(`the refused notification ${id} ended ${JSON.stringify(history?.outcome)}`);
      continue;
    }
    if (history?.outcome.status !== 'sent') problems.push(`innocent notification ${id} (${n.alertType}) ended ${history?.outcome.status}: ${'reason' in (history?.outcome ?? {}) ? JSON.stringify(history?.outcome) : ''}`);
    const named = new Set(history?.outcome.messageIds ?? []);
    for (const a of n.alerts) {
      const t = a.title.slice(0, 8);
      const where = shownIn.get(t) ?? [];
      if (where.length === 0) problems.push(`alert ${t} of ${id} (${n.alertType}) was never shown`);
      else if (!where.some((mid) => named.has(mid))) problems.push(`alert ${t} of ${id}: shown in ${where.join(',')}, none of which its history names (${[...named].join(',')})`);
      if (where.length > 1 && !mayRepeat.has(id)) problems.push(`alert ${t} of ${id} (${n.alertType}) shown ${where.length} times without a lost answer or a restart`);
    }
  }
  for (const d of deadLetters) if (!poisoned.has(d.id)) problems.push(`innocent ${d.id} dead-lettered: ${d.reason} ${d.error}`);
  if (deadLetters.length !== new Set(deadLetters.map((d) => d.id)).size) problems.push(`a notification was dead-lettered twice: ${deadLetters.map((d) => d.id).join(',')}`);
  for (const r of fake.requests) {
    if (r.fault === undefined && r.status !== null && r.status >= 400 && r.status !== 429) problems.push(`the fake refused request ${r.seq} with ${r.status}: ${JSON.stringify(r.responseBody).slice(0, 300)}`);
  }
  for (const { m, tokens } of stored) {
    if (!m.allowedMentionsPresent) problems.push(`message ${m.id} has no allowed_mentions`);
    const firing = [...tokens].map((t) => notifications.get(ownerOf.get(t) ?? '')).filter((n): n is Notification => n?.status === 'firing');
    const allowed = firing.map((n) => n.mentions ?? config.alertTypes.get(n.alertType)?.mentions ?? {});
    const { everyone, roles, users } = m.pings;
    if (everyone && !allowed.some((a) => a.here || a.everyone)) problems.push(`message ${m.id} pings @everyone/@here for ${[...tokens].join(',')}`);
    for (const r of roles) if (!allowed.some((a) => a.roles?.includes(r))) problems.push(`message ${m.id} pings role ${r} for ${[...tokens].join(',')}`);
    for (const u of users) if (!allowed.some((a) => a.users?.includes(u))) problems.push(`message ${m.id} pings user ${u} for ${[...tokens].join(',')}`);
  }
  return problems;
}

describe('chaos: every accepted alert reaches Discord through random faults (fixed seed, bounded runs)', () => {
  it(`holds the delivery promise over ${RUNS} random scenarios (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const problems = await runScenario(scenario);
        if (problems.length > 0) {
          throw new Error(`delivery promise broken (replay: CHAOS_SEED=${SEED}; fast-check prints the path):\n  ${problems.slice(0, 15).join('\n  ')}\nscenario: ${JSON.stringify(scenario)}`);
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: process.env.CHAOS_SHRINK !== '1' },
    );
  }, 120_000);
});
