/**
 * The body of one Discord execute-webhook request, as we send it. Field names are Discord's wire names
 * (snake_case) because this object is serialised as is. Sources: Discord developer docs,
 * resources/webhook "Execute Webhook" and resources/message "Embed Object" / "Allowed Mentions Object".
 */

/** `footer` of an embed. `text` counts toward the 6000-character total. */
export interface DiscordEmbedFooter {
  text: string;
  icon_url?: string;
}

/** `author` of an embed. `name` counts toward the 6000-character total. */
export interface DiscordEmbedAuthor {
  name: string;
  url?: string;
  icon_url?: string;
}

/** One embed field; Discord refuses empty `name` or `value`. */
export interface DiscordEmbedField {
  name: string;
  value: string;
  inline?: boolean;
}

/** One embed (resources/message "Embed Object"); every string is bounded by `limits.ts`. */
export interface DiscordEmbed {
  title?: string;
  description?: string;
  url?: string;
  /** Integer 0..0xFFFFFF. */
  color?: number;
  /** ISO 8601. */
  timestamp?: string;
  footer?: DiscordEmbedFooter;
  author?: DiscordEmbedAuthor;
  thumbnail?: { url: string };
  image?: { url: string };
  fields?: DiscordEmbedField[];
}

/**
 * Which mentions in `content` may ping (resources/message "Allowed Mentions Object").
 * We always send it: `{ parse: [] }` unless a configured mention must ping. `everyone` covers both
 * @everyone and @here; explicit ids go in `roles` / `users` (never together with the same `parse` kind).
 */
export interface AllowedMentions {
  parse: ('everyone' | 'roles' | 'users')[];
  roles?: string[];
  users?: string[];
}

/**
 * One webhook message body. `thread_id` is a query parameter of the request, so it is not here;
 * `thread_name` creates a forum post. `allowed_mentions` is mandatory on purpose: nothing in alert text
 * may ever ping.
 */
export interface DiscordMessage {
  content?: string;
  username?: string;
  avatar_url?: string;
  embeds: DiscordEmbed[];
  allowed_mentions: AllowedMentions;
  thread_name?: string;
  /** Only SUPPRESS_EMBEDS (1 << 2) and SUPPRESS_NOTIFICATIONS (1 << 12) are accepted by webhooks. */
  flags?: number;
}
