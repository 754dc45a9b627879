import { pingsOf } from './pings.js';
import type { FakeWebhook } from './types.js';

/** Discord's epoch (2015-01-01T00:00:00Z), the origin of snowflake timestamps. */
const DISCORD_EPOCH_MS = 1_420_070_400_000n;

/** Snowflake-like ids: (ms since Discord epoch) << 22 | increment. Increasing per fake. */
export class Snowflakes {
  private increment = 0n;

  next(now: number): string {
    this.increment = (this.increment + 1n) & 0xfffn;
    const ms = BigInt(Math.max(0, Math.floor(now))) - DISCORD_EPOCH_MS;
    return ((ms > 0n ? ms : 0n) << 22n | this.increment).toString();
  }
}

/** Input of {@link messageObject}. */
export interface MessageObjectInput {
  readonly id: string;
  readonly webhook: FakeWebhook;
  /** Where the message lives: the thread id when posted in a thread, else the channel. */
  readonly channelId: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly now: number;
}

/** Timestamp as Discord writes it: microseconds and `+00:00`. */
function discordTimestamp(now: number): string {
  return new Date(now).toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

/** The message object Discord answers to `?wait=true` (the fields a client may read). */
export function messageObject(input: MessageObjectInput): Record<string, unknown> {
  const { body, webhook } = input;
  const pings = pingsOf(body);
  const embeds = Array.isArray(body.embeds) ? body.embeds.map((e: unknown) => ({ type: 'rich', ...(e as object) })) : [];
  return {
    id: input.id,
    type: 0,
    content: typeof body.content === 'string' ? body.content : '',
    channel_id: input.channelId,
    author: {
      id: webhook.id,
      username: typeof body.username === 'string' ? body.username : (webhook.name ?? 'Captain Hook'),
      avatar: null,
      discriminator: '0000',
      bot: true,
    },
    attachments: [],
    embeds,
    mentions: pings.users.map((id) => ({ id })),
    mention_roles: pings.roles,
    mention_everyone: pings.everyone,
    pinned: false,
    tts: body.tts === true,
    timestamp: discordTimestamp(input.now),
    edited_timestamp: null,
    flags: typeof body.flags === 'number' ? body.flags : 0,
    components: [],
    webhook_id: webhook.id,
  };
}

/** The webhook object Discord answers to `GET /webhooks/{id}/{token}`. */
export function webhookObject(webhook: FakeWebhook): Record<string, unknown> {
  return {
    id: webhook.id,
    type: 1,
    guild_id: webhook.guildId ?? '1',
    channel_id: webhook.channelId,
    name: webhook.name ?? 'Captain Hook',
    avatar: null,
    application_id: null,
    token: webhook.token,
  };
}
