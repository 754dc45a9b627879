import type { DiscordMessage } from './discord-message.js';
import { cleanText } from './escape.js';
import { MAX_THREAD_NAME, MAX_USERNAME, codePointLength, truncate } from './limits.js';
import type { RenderOptions } from './render-options.js';
import { safeUrl } from './urls.js';

/** Discord refuses webhook usernames containing these words (resources/webhook, Execute Webhook). */
const FORBIDDEN_USERNAME = /discord|clyde/i;

/**
 * The username override when Discord will accept it: 1-80 code points and free of "discord"/"clyde";
 * otherwise undefined, so the webhook's own name is used instead of the request failing with a 400.
 */
export function safeUsername(name: string | undefined): string | undefined {
  if (typeof name !== 'string' || name.length > 4 * MAX_USERNAME) return undefined;
  const clean = cleanText(name).replace(/\s+/g, ' ').trim();
  if (clean === '' || codePointLength(clean) > MAX_USERNAME || FORBIDDEN_USERNAME.test(clean)) return undefined;
  return clean;
}

/** A forum post name: one line, 1-100 code points (cut with "…"), or undefined when empty. */
export function safeThreadName(name: string | undefined): string | undefined {
  if (typeof name !== 'string') return undefined;
  // Leading whitespace collapses, so keep a margin before cutting to the limit.
  const clean = cleanText(truncate(name, 4 * MAX_THREAD_NAME)).replace(/\s+/g, ' ').trim();
  return clean === '' ? undefined : truncate(clean, MAX_THREAD_NAME);
}

/** The identity fields of a message body (username, avatar_url, thread_name) from render options. */
export function messageIdentity(
  opts: Pick<RenderOptions, 'username' | 'avatarUrl' | 'threadName'>,
): Pick<DiscordMessage, 'username' | 'avatar_url' | 'thread_name'> {
  const out: Pick<DiscordMessage, 'username' | 'avatar_url' | 'thread_name'> = {};
  const username = safeUsername(opts.username);
  const avatar = safeUrl(opts.avatarUrl);
  const thread = safeThreadName(opts.threadName);
  if (username !== undefined) out.username = username;
  if (avatar !== undefined) out.avatar_url = avatar;
  if (thread !== undefined) out.thread_name = thread;
  return out;
}
