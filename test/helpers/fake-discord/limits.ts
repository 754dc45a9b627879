/**
 * The body limits the fake enforces, counted in Unicode code points.
 * Source: discord.com/developers/docs/resources/message#embed-object-embed-limits and
 * resources/webhook#execute-webhook (see docs/discord.md).
 */
export const FAKE_DISCORD_LIMITS = {
  content: 2000,
  usernameMin: 1,
  username: 80,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  /** Sum of title, description, field names and values, footer text and author name of ALL embeds. */
  embedsTotal: 6000,
  color: 0xffffff,
  threadNameMin: 1,
  threadName: 100,
  allowedMentionIds: 100,
  /** Every URL of a body (embed url, image, thumbnail, author, footer icon, avatar_url): 50035 beyond it. */
  url: 2048,
} as const;

/** Words a webhook username may not contain (case-insensitive). */
export const FORBIDDEN_USERNAME_WORDS = ['discord', 'clyde'] as const;

/** SUPPRESS_EMBEDS (1 << 2) and SUPPRESS_NOTIFICATIONS (1 << 12): the only flags a webhook may set. */
export const ALLOWED_WEBHOOK_FLAGS = (1 << 2) | (1 << 12);

/** Allowed values of `allowed_mentions.parse`. */
export const ALLOWED_MENTION_TYPES = ['everyone', 'roles', 'users'] as const;

/** Length as Discord counts it: Unicode code points, so "🔥" is 1. */
export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}
