import { isValidColor } from './colors.js';
import type { DiscordEmbed, DiscordMessage } from './discord-message.js';
import { finishEmbed } from './fit.js';
import { messageIdentity } from './identity.js';
import { buildPing } from './mentions.js';
import type { MentionOptions } from './render-options.js';
import type {
  CriticalTemplateData, ErrorTemplateData, GeneralTemplateData, MonitoringTemplateData, SecurityTemplateData,
  TracklistTemplateData,
} from './template-types.js';
import {
  buildCriticalMessage, buildErrorMessage, buildGeneralMessage, buildMonitoringMessage, buildSecurityMessage,
  buildTracklistMessage,
} from './templates.js';
import { isoTimestamp } from './time.js';

/** Options of `DiscordEmbedBuilder.create`. */
export interface EmbedBuilderOptions {
  /** Clock used by `timestamp()` without an argument; defaults to `Date.now`. */
  now?: () => number;
}

/** Identity and pings of a message built by `toMessage`. */
export interface BuilderMessageOptions {
  username?: string;
  avatarUrl?: string;
  threadName?: string;
  /** Who to ping in `content`; nothing pings without it. */
  mentions?: MentionOptions;
}

/**
 * The seed's library API for embeds. The static `buildXxxEmbed` methods render the six templates as
 * complete messages (alert text escaped). `create()` starts a fluent free-form builder for callers that
 * author their own Markdown: its text is NOT escaped, but `toEmbed()` / `toMessage()` always bring the
 * result within Discord's limits (cut with "…", invalid URLs and colours dropped).
 */
export class DiscordEmbedBuilder {
  readonly #embed: DiscordEmbed = {};
  readonly #now: () => number;

  constructor(options: EmbedBuilderOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  /** A new empty builder. */
  static create(options: EmbedBuilderOptions = {}): DiscordEmbedBuilder {
    return new DiscordEmbedBuilder(options);
  }

  /** Error template: orange, details as fields, traceback in a code block it cannot close. */
  static buildErrorEmbed(data: ErrorTemplateData): DiscordMessage {
    return buildErrorMessage(data);
  }
  /** Critical template: red, pings `@here` (allowed_mentions parse ['everyone']). */
  static buildCriticalEmbed(data: CriticalTemplateData): DiscordMessage {
    return buildCriticalMessage(data);
  }
  /** Tracklist template: teal, numbered tracks. */
  static buildTracklistEmbed(data: TracklistTemplateData): DiscordMessage {
    return buildTracklistMessage(data);
  }
  /** Monitoring template: purple, metric / current value / threshold / status. */
  static buildMonitoringEmbed(data: MonitoringTemplateData): DiscordMessage {
    return buildMonitoringMessage(data);
  }
  /** Security template: yellow, event / severity / source / details. */
  static buildSecurityEmbed(data: SecurityTemplateData): DiscordMessage {
    return buildSecurityMessage(data);
  }
  /** General template: blue, title and message. */
  static buildGeneralEmbed(data: GeneralTemplateData): DiscordMessage {
    return buildGeneralMessage(data);
  }

  title(text: string): this {
    this.#embed.title = text;
    return this;
  }
  description(text: string): this {
    this.#embed.description = text;
    return this;
  }
  url(url: string): this {
    this.#embed.url = url;
    return this;
  }
  /** An integer 0..0xFFFFFF, or "#RRGGBB" / "0xRRGGBB" as the YAML config takes it; anything else is ignored. */
  color(color: number | string): this {
    const value = typeof color === 'string' ? (/^(#|0x)?[0-9a-f]{6}$/i.test(color) ? Number.parseInt(color.slice(-6), 16) : undefined) : color;
    if (isValidColor(value)) this.#embed.color = value;
    return this;
  }
  /** Adds a field; beyond 25, `toEmbed` keeps 24 and says how many were left out. */
  field(name: string, value: string, inline?: boolean): this {
    const fields = (this.#embed.fields ??= []);
    fields.push(inline === undefined ? { name, value } : { name, value, inline });
    return this;
  }
  author(name: string, url?: string, iconUrl?: string): this {
    this.#embed.author = { name, ...(url !== undefined ? { url } : {}), ...(iconUrl !== undefined ? { icon_url: iconUrl } : {}) };
    return this;
  }
  thumbnail(url: string): this {
    this.#embed.thumbnail = { url };
    return this;
  }
  image(url: string): this {
    this.#embed.image = { url };
    return this;
  }
  footer(text: string, iconUrl?: string): this {
    this.#embed.footer = iconUrl === undefined ? { text } : { text, icon_url: iconUrl };
    return this;
  }
  /** The embed's time: the given date, or now (from the injected clock). */
  timestamp(date?: Date | string | number): this {
    const iso = isoTimestamp(date ?? this.#now());
    if (iso !== undefined) this.#embed.timestamp = iso;
    return this;
  }

  /** The embed within every limit. */
  toEmbed(): DiscordEmbed {
    return finishEmbed(structuredClone(this.#embed));
  }

  /** A complete message of this one embed; `allowed_mentions` pings only `options.mentions`. */
  toMessage(options: BuilderMessageOptions = {}): DiscordMessage {
    const ping = buildPing(options.mentions);
    const msg: DiscordMessage = { ...messageIdentity(options), embeds: [this.toEmbed()], allowed_mentions: ping.allowedMentions };
    if (ping.content !== '') msg.content = ping.content;
    return msg;
  }
}
