import { INVALID_JSON, UNKNOWN_CHANNEL, invalidFormBody } from './discord-errors.js';
import { ErrorTree } from './error-tree.js';
import { messageObject } from './message-object.js';
import { pingsOf } from './pings.js';
import { rateLimitedReply } from './rate-limits.js';
import type { Reply } from './reply.js';
import { isThreadOf, type FakeState, type Exchange } from './state.js';
import type { FakeWebhook } from './types.js';
import { validateDiscordBody } from './validate.js';

type Headers = Readonly<Record<string, string>>;

const bad = (headers: Headers, body: unknown): Reply => ({ status: 400, headers, body });

/** `?wait=` as Discord parses it; undefined when invalid. */
function parseWait(value: string | null): boolean | undefined {
  if (value === null) return false;
  const v = value.toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return undefined;
}

/** Query and content-type checks; an error reply, or the parsed query. */
function checkRequest(ex: Exchange, headers: Headers): Reply | { wait: boolean; threadId: string | undefined } {
  const tree = new ErrorTree();
  const wait = parseWait(ex.route.query.get('wait'));
  if (wait === undefined) tree.add(['wait'], 'BOOLEAN_TYPE_CONVERT', 'Must be either true or false.');
  const threadId = ex.route.query.get('thread_id') ?? undefined;
  if (threadId !== undefined && !/^\d{1,20}$/.test(threadId)) {
    tree.add(['thread_id'], 'NUMBER_TYPE_COERCE', `Value "${threadId}" is not snowflake.`);
  }
  const type = (ex.req.headers['content-type'] ?? '').toLowerCase();
  if (!/^application\/json\s*(;|$)/.test(type)) {
    // The fake speaks JSON only (alertcord never uploads files); Discord names its accepted types.
    tree.add([], 'CONTENT_TYPE_INVALID', `Expected "Content-Type" header to be one of {'application/json'}.`);
  }
  if (tree.size > 0) return bad(headers, invalidFormBody(tree.root));
  return { wait: wait ?? false, threadId };
}

/**
 * `POST /webhooks/{id}/{token}` once auth and the bucket passed: query and content type, JSON, body
 * validation, the thread rules (and that `?thread_id=` is a thread of the webhook's channel), the per-channel limit; then stores the message and answers 204, or
 * 200 with the message object for `?wait=true`. Rejected requests (400, 429) store nothing.
 */
export function executeWebhook(state: FakeState, ex: Exchange, webhook: FakeWebhook, headers: Headers, now: number): Reply {
  const query = checkRequest(ex, headers);
  if ('status' in query) return query;
  let body: unknown;
  try {
    body = JSON.parse(ex.rawBody);
  } catch {
    return bad(headers, INVALID_JSON);
  }
  const verdict = validateDiscordBody(body, { threadId: query.threadId, forum: webhook.forum ?? false });
  if (!verdict.ok) return bad(headers, verdict.body);
  // Discord posts only into a thread of the webhook's own channel: a deleted one, or one of another channel
  // (a thread id carried to another webhook), is an unknown channel.
  if (query.threadId !== undefined && !isThreadOf(state, query.threadId, webhook.channelId)) return { status: 404, headers, body: UNKNOWN_CHANNEL };
  const message = body as Record<string, unknown>;

  const channel = state.limits.channel;
  if (channel !== null) {
    const gate = channel.check(webhook.channelId, now);
    if (!gate.allowed) return rateLimitedReply('shared', gate.retryAfterMs, headers);
    channel.record(webhook.channelId, now);
  }

  const id = state.snowflakes.next(now);
  const threadName = typeof message.thread_name === 'string' ? message.thread_name : undefined;
  const threadId = query.threadId ?? (threadName === undefined ? undefined : state.snowflakes.next(now));
  if (query.threadId === undefined && threadId !== undefined) state.openedThreads.set(threadId, webhook.channelId);
  state.recorder.store({
    id,
    webhookId: webhook.id,
    channelId: webhook.channelId,
    ...(threadId === undefined ? {} : { threadId }),
    ...(threadName === undefined ? {} : { threadName }),
    body: message,
    allowedMentionsPresent: message.allowed_mentions !== undefined && message.allowed_mentions !== null,
    pings: pingsOf(message),
    apiVersion: ex.route.apiVersion,
    wait: query.wait,
    receivedAt: now,
  });
  if (!query.wait) return { status: 204, headers };
  const channelId = threadId ?? webhook.channelId;
  return { status: 200, headers, body: messageObject({ id, webhook, channelId, body: message, now }) };
}
