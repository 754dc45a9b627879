/**
 * alertcord as a library: the seed's API, typed. `DiscordNotificationService` delivers with the same
 * queue, limits, retries and history as the server; `DiscordEmbedBuilder` builds messages within
 * Discord's limits.
 */
export { DiscordNotificationService, type ServiceOptions } from './library/service.js';
export type { DeliveryResult, NotificationField, NotificationMessage } from './library/notification-message.js';
export { AlertTypes, BUILTIN_ALERT_TYPES, type AlertType } from './model/alert-type.js';
export { DiscordEmbedBuilder, type BuilderMessageOptions, type EmbedBuilderOptions } from './render/embed-builder.js';
export type {
  CriticalTemplateData, ErrorTemplateData, GeneralTemplateData, MonitoringTemplateData, SecurityTemplateData,
  TemplateCommon, Track, TracklistTemplateData,
} from './render/template-types.js';
export type { MentionOptions } from './render/render-options.js';
export type { DiscordEmbed, DiscordMessage } from './render/discord-message.js';
export type { HealthReport } from './ops/health.js';
export type { RateLimitStatus } from './ops/rate-limit-status.js';
export type { WebhookValidation } from './ops/validate-webhooks.js';
export { loadConfig } from './library/load-config.js';
export type { Config } from './config/types.js';
