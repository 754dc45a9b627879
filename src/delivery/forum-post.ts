import type { PlannedMessage } from './plan.js';

/**
 * Forum channels: a webhook message with `thread_name` opens a new post. A notification split across
 * several messages would open one post per part; instead, a part that continues the previous message goes
 * into the post that message opened (`?thread_id=` of it, without `thread_name`: Discord refuses both).
 * When the previous part was not sent, the part opens its own post: split, but nothing is lost.
 */
export function intoOpenPost(plan: PlannedMessage, openPost: string | undefined): PlannedMessage {
  if (!plan.continuesPrevious || openPost === undefined || plan.threadId !== undefined || plan.message.thread_name === undefined) return plan;
  const { thread_name: _opened, ...message } = plan.message;
  return { ...plan, message, threadId: openPost };
}

/**
 * The post the next part may continue after `sent` went out: the one it opened (the channel of the message
 * Discord returned, which is the new thread), or the one it was posted into.
 */
export function postAfter(sent: PlannedMessage, channelId: string | undefined): string | undefined {
  return sent.message.thread_name !== undefined ? channelId : sent.threadId;
}
