import type { IncomingMessage, ServerResponse } from 'node:http';
import { FaultQueues } from './faults.js';
import { Snowflakes } from './message-object.js';
import { FakeRateLimits } from './rate-limits.js';
import { Recorder } from './recorder.js';
import type { Reply } from './reply.js';
import { writeReply } from './reply.js';
import type { WebhookRoute } from './routes.js';
import type { FakeDiscordOptions, Fault, FakeWebhook, RecordedRequest } from './types.js';

/** Default cap on request bodies. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Everything one fake knows; shared by the server pipeline and the facade. */
export interface FakeState {
  readonly now: () => number;
  readonly webhooks: Map<string, FakeWebhook>;
  readonly broken: Set<string>;
  readonly faults: FaultQueues;
  readonly limits: FakeRateLimits;
  readonly recorder: Recorder;
  readonly snowflakes: Snowflakes;
  /** Posts opened by `thread_name` messages: thread id → the channel it belongs to. */
  readonly openedThreads: Map<string, string>;
  readonly maxBodyBytes: number;
  paused: boolean;
  /** Down: every request (GETs included) gets this fault instead of its answer, until `setDown(null)`. */
  down: Fault | null;
  /** Requests held while paused, released in order by `setPaused(false)`. */
  readonly held: (() => void)[];
  /** Responses not answered yet (held, hanging, delayed): destroyed by `close()` / `reset()`. */
  readonly open: Set<ServerResponse>;
  readonly timers: Set<NodeJS.Timeout>;
}

/** One request in flight through the pipeline. */
export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly route: WebhookRoute;
  readonly record: RecordedRequest;
  readonly rawBody: string;
}

/** Builds the state of a new fake from its options. */
export function createState(options: FakeDiscordOptions): FakeState {
  const webhooks = new Map<string, FakeWebhook>();
  for (const webhook of options.webhooks ?? []) webhooks.set(webhook.id, webhook);
  return {
    now: options.now ?? Date.now,
    webhooks,
    broken: new Set(),
    faults: new FaultQueues(),
    limits: new FakeRateLimits(options.rateLimits),
    recorder: new Recorder(),
    snowflakes: new Snowflakes(),
    openedThreads: new Map(),
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    paused: false,
    down: null,
    held: [],
    open: new Set(),
    timers: new Set(),
  };
}

/** Whether `threadId` is a thread of `channelId`: declared on one of its webhooks, or opened in it. */
export function isThreadOf(state: FakeState, threadId: string, channelId: string): boolean {
  if (state.openedThreads.get(threadId) === channelId) return true;
  return [...state.webhooks.values()].some((w) => w.channelId === channelId && (w.threads ?? []).includes(threadId));
}

/** Sends `reply` for a request and records it. */
export function answer(state: FakeState, res: ServerResponse, record: RecordedRequest, reply: Reply): void {
  state.open.delete(res);
  if (writeReply(res, reply)) state.recorder.answered(record, reply);
}

/** Ends every unanswered request (destroying its socket) and forgets held ones and timers. */
export function dropOpen(state: FakeState): void {
  for (const timer of state.timers) clearTimeout(timer);
  state.timers.clear();
  state.held.length = 0;
  for (const res of state.open) res.socket?.destroy();
  state.open.clear();
}
