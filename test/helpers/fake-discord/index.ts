/**
 * A strict fake Discord for tests and the benchmark. See `startFakeDiscord` and `validateDiscordBody`.
 * Facts enforced: docs/discord.md.
 */
export { DEFAULT_WAIT_MS, FakeDiscord, startFakeDiscord } from './fake-discord.js';
export { validateDiscordBody } from './validate.js';
export type { ValidationContext, ValidationResult } from './validate.js';
export { FAKE_DISCORD_LIMITS, codePointLength } from './limits.js';
export { DEFAULT_FAKE_RATE_LIMITS } from './rate-limits.js';
export { DISCORD_CODES } from './discord-errors.js';
export type { DiscordErrorBody } from './discord-errors.js';
export type { ErrorNode, FieldError } from './error-tree.js';
export { pingsOf } from './pings.js';
export type { Pings } from './pings.js';
export type {
  CloudflareFault,
  DelayFault,
  FakeDiscordOptions,
  FakeRateLimitOptions,
  FakeStats,
  FakeWebhook,
  Fault,
  HangFault,
  RateLimitFault,
  RecordedMessage,
  RecordedRequest,
  RequestOutcome,
  ResetFault,
  StatusFault,
  WindowLimit,
} from './types.js';
