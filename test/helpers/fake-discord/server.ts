import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { INVALID_WEBHOOK_TOKEN, REQUEST_TOO_LARGE, UNKNOWN_WEBHOOK } from './discord-errors.js';
import { executeWebhook } from './execute.js';
import { asLegacyReply, isLegacyVersion } from './legacy.js';
import { cloudflareBanReply, faultReply } from './faults.js';
import { webhookObject } from './message-object.js';
import type { BucketRoute } from './rate-limits.js';
import { isInvalidRequest, rateLimitedReply } from './rate-limits.js';
import type { Reply } from './reply.js';
import { writeReply } from './reply.js';
import { parseRoute } from './routes.js';
import type { Exchange, FakeState } from './state.js';
import { answer } from './state.js';
import type { Fault } from './types.js';

/** Reads the whole body; `tooLarge` when it passed `max` bytes (the rest is drained). */
function readBody(req: IncomingMessage, max: number): Promise<{ text: string; tooLarge: boolean } | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
    });
    req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge: size > max }));
    req.on('error', () => resolve(null));
    req.on('aborted', () => resolve(null));
  });
}

const bucketRouteOf = (ex: Exchange): BucketRoute => (ex.req.method === 'GET' ? 'get' : 'execute');
const bucketKeyOf = (ex: Exchange): string => `${ex.route.webhookId}:${ex.route.token}`;

/** Applies a fault; true when it took the request over. */
function applyFault(state: FakeState, ex: Exchange, fault: Fault): boolean {
  ex.record.fault = fault;
  if ('kind' in fault && fault.kind === 'reset') {
    state.recorder.reset(ex.record);
    ex.req.socket.destroy();
    return true;
  }
  if ('kind' in fault && fault.kind === 'hang') {
    state.recorder.hang(ex.record);
    state.open.add(ex.res);
    return true;
  }
  if ('kind' in fault && fault.kind === 'delay') {
    state.open.add(ex.res);
    const timer = setTimeout(() => {
      state.timers.delete(timer);
      respondNormally(state, ex);
    }, fault.ms);
    state.timers.add(timer);
    return true;
  }
  const now = state.now();
  const headers = state.limits.buckets?.headers(bucketRouteOf(ex), bucketKeyOf(ex), now) ?? {};
  const reply = faultReply(fault, headers, now);
  if (reply === null) return false;
  answer(state, ex.res, ex.record, inVersion(ex, reply));
  return true;
}

/** The normal Discord behaviour: global gate, bucket, auth, then GET or execute. */
function decide(state: FakeState, ex: Exchange): Reply {
  const now = state.now();
  const global = state.limits.global;
  if (global !== null) {
    const gate = global.check('global', now);
    if (!gate.allowed) return rateLimitedReply('global', gate.retryAfterMs);
    global.record('global', now);
  }
  let headers: Record<string, string> = {};
  const buckets = state.limits.buckets;
  if (buckets !== null) {
    const take = buckets.take(bucketRouteOf(ex), bucketKeyOf(ex), now);
    if (!take.gate.allowed) return rateLimitedReply('user', take.gate.retryAfterMs, take.headers);
    headers = take.headers;
  }
  const webhook = state.webhooks.get(ex.route.webhookId);
  if (webhook === undefined || state.broken.has(webhook.id)) return { status: 404, headers, body: UNKNOWN_WEBHOOK };
  if (webhook.token !== ex.route.token) return { status: 401, headers, body: INVALID_WEBHOOK_TOKEN };
  if (ex.req.method === 'GET') return { status: 200, headers, body: webhookObject(webhook) };
  return executeWebhook(state, ex, webhook, headers, now);
}

/** A reply as the API version of the request's path words it (the unversioned path is an old version). */
function inVersion(ex: Exchange, reply: Reply): Reply {
  return isLegacyVersion(ex.route.apiVersion) ? asLegacyReply(reply) : reply;
}

function respondNormally(state: FakeState, ex: Exchange): void {
  const reply = decide(state, ex);
  if (isInvalidRequest(reply)) state.limits.invalid?.record(state.now());
  answer(state, ex.res, ex.record, inVersion(ex, reply));
}

/** Runs one webhook request: Cloudflare's ban if on, else its next fault if any, else the normal behaviour. */
function dispatch(state: FakeState, ex: Exchange): void {
  const banMs = state.limits.invalid?.remainingMs(state.now()) ?? 0;
  if (banMs > 0) return answer(state, ex.res, ex.record, cloudflareBanReply(banMs / 1000));
  if (state.down !== null && applyFault(state, ex, state.down)) return;
  const fault = state.faults.shift(ex.route.webhookId);
  if (fault !== undefined && applyFault(state, ex, fault)) return;
  respondNormally(state, ex);
}

async function handle(state: FakeState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const rawUrl = req.url ?? '/';
  const route = parseRoute(rawUrl);
  const record = state.recorder.begin({
    method: req.method ?? 'GET',
    url: rawUrl,
    ...(route === null ? {} : { webhookId: route.webhookId }),
    apiVersion: route?.apiVersion ?? null,
    headers: req.headers,
    rawBody: '',
    receivedAt: state.now(),
    arrivedAt: performance.now(),
  });
  const body = await readBody(req, state.maxBodyBytes);
  if (body === null) return; // client went away
  record.rawBody = body.text;
  if (route === null) return answer(state, res, record, { status: 404, headers: {}, body: { message: '404: Not Found', code: 0 } });
  if (req.method !== 'GET' && req.method !== 'POST') {
    return answer(state, res, record, { status: 405, headers: {}, body: { message: '405: Method Not Allowed', code: 0 } });
  }
  if (body.tooLarge) return answer(state, res, record, { status: 413, headers: {}, body: REQUEST_TOO_LARGE });
  const ex: Exchange = { req, res, route, record, rawBody: body.text };
  if (state.paused) {
    state.open.add(res);
    state.held.push(() => dispatch(state, ex));
    return;
  }
  dispatch(state, ex);
}

/** The node:http listener of a fake Discord. */
export function createRequestListener(state: FakeState): RequestListener {
  return (req, res) => {
    handle(state, req, res).catch((error: unknown) => {
      // A bug in the fake: say so loudly rather than hang the test.
      writeReply(res, { status: 500, headers: {}, body: { message: `fake-discord bug: ${String(error)}`, code: 0 } });
    });
  };
}
