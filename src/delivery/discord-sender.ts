import { request, type Dispatcher } from 'undici';
import type { Webhook } from '../config/webhook-url.js';
import type { DiscordMessage } from '../render/discord-message.js';
import { requestSignal, whenAborted } from './request-signal.js';

/** What came back from one POST, before classification. */
export interface RawResponse {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body?: unknown;
  error?: unknown;
  elapsedMs: number;
  /** Answered by the dry-run sender, not Discord: nothing about the webhook's health is learned from it. */
  simulated?: boolean;
}

export interface SendOptions {
  threadId?: string;
  signal?: AbortSignal;
}

export interface DiscordSender {
  post(webhook: Webhook, message: DiscordMessage, options?: SendOptions): Promise<RawResponse>;
  get(webhook: Webhook, signal?: AbortSignal): Promise<RawResponse>;
}

export interface SenderOptions {
  dispatcher: Dispatcher;
  timeoutMs: number;
  userAgent?: string;
  now?: () => number;
}

/** Discord answers within a few KiB; a larger body is not Discord and is not read further. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * Executes webhooks with undici: `?wait=true` so a message that fails to save is reported (discord.md),
 * a hard timeout per request (connecting included), and no redirect following (a webhook must not be able to send us elsewhere).
 * Never throws: transport failures come back as `error` for the one classifier to judge, with the status
 * and headers too when they had arrived before the body failed.
 */
export function createDiscordSender(options: SenderOptions): DiscordSender {
  const now = options.now ?? performance.now.bind(performance);
  const headers = { 'content-type': 'application/json', 'user-agent': options.userAgent ?? 'alertcord (https://github.com/alertcord, 0.1)' };
  async function call(url: string, method: 'GET' | 'POST', body: string | undefined, signal?: AbortSignal): Promise<RawResponse> {
    const started = now();
    const limit = requestSignal(signal, options.timeoutMs);
    let answered: Pick<RawResponse, 'status' | 'headers'> = {};
    try {
      const pending = request(url, {
        method,
        body,
        headers,
        dispatcher: options.dispatcher,
        signal: limit.signal,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
      pending.catch(() => undefined); // its late rejection, once the race below is lost, is expected
      const res = await Promise.race([pending, whenAborted(limit.signal)]);
      answered = { status: res.statusCode, headers: res.headers };
      const text = await readCapped(res.body);
      return { ...answered, body: parseBody(text), elapsedMs: now() - started };
    } catch (error) {
      // Once the status line is in, Discord has decided (a 200 is stored, a 404 is a deleted webhook):
      // a body that times out or is cut off after it must not turn that answer into a transport error,
      // which would resend a stored message or keep hitting a dead webhook. The classifier judges the
      // status when there is one, the error only without.
      return { ...answered, error, elapsedMs: now() - started };
    } finally {
      limit.dispose();
    }
  }
  return {
    post(webhook, message, opts = {}) {
      const url = new URL(webhook.url.reveal());
      url.searchParams.set('wait', 'true');
      if (opts.threadId) url.searchParams.set('thread_id', opts.threadId);
      return call(url.toString(), 'POST', JSON.stringify(message), opts.signal);
    },
    get(webhook, signal) {
      return call(webhook.url.reveal(), 'GET', undefined, signal);
    },
  };
}

async function readCapped(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > MAX_RESPONSE_BYTES) {
      body.destroy();
      break;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
