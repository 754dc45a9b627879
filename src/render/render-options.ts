/** Who a firing notification pings, from the alert type's configuration (never from alert text). */
export interface MentionOptions {
  /** `@here`: online members of the channel. Needs `allowed_mentions.parse: ['everyone']`. */
  here?: boolean;
  /** `@everyone`. Needs `allowed_mentions.parse: ['everyone']`. */
  everyone?: boolean;
  /** Role ids (snowflakes) pinged as `<@&id>`. */
  roles?: string[];
  /** User ids (snowflakes) pinged as `<@id>`. */
  users?: string[];
}

/**
 * How one alert type is rendered: its colour, the webhook identity overrides, the forum post name and the
 * mentions of firing notifications. Built by the caller from configuration.
 */
export interface RenderOptions {
  alertType: string;
  /** Colour of firing alerts (resolved ones are always green). */
  color: number;
  /** Webhook username override; dropped when longer than 80 or containing "discord"/"clyde". */
  username?: string;
  /** Webhook avatar override (http/https only). */
  avatarUrl?: string;
  /** Forum channels: name of the post each message creates. */
  threadName?: string;
  mentions?: MentionOptions;
  /**
   * Clock (epoch ms) for alerts that carry no time, rendered alone (`renderAlertEmbed`). Injected: render/
   * never reads the clock itself. `renderNotification` dates them by the notification's `receivedAt` instead.
   */
  now?: () => number;
}
