import type { ErrorNode } from './error-tree.js';

/**
 * Discord's JSON error codes the fake answers with.
 * Source: discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes.
 */
export const DISCORD_CODES = {
  general: 0,
  unknownChannel: 10003,
  unknownWebhook: 10015,
  missingAccess: 50001,
  cannotSendEmptyMessage: 50006,
  invalidWebhookToken: 50027,
  invalidFormBody: 50035,
  invalidJson: 50109,
  forumNeedsThread: 220001,
  threadNameAndId: 220002,
  threadsOnlyInForum: 220003,
  requestTooLarge: 40005,
} as const;

/** Body of a Discord JSON error. */
export interface DiscordErrorBody {
  readonly message: string;
  readonly code: number;
  readonly errors?: ErrorNode;
}

/** 404, a deleted or never-existing webhook. */
export const UNKNOWN_WEBHOOK: DiscordErrorBody = { message: 'Unknown Webhook', code: DISCORD_CODES.unknownWebhook };
/** 404, `?thread_id=` names no thread of the webhook's channel. */
export const UNKNOWN_CHANNEL: DiscordErrorBody = { message: 'Unknown Channel', code: DISCORD_CODES.unknownChannel };
/** 401, right id but wrong token. */
export const INVALID_WEBHOOK_TOKEN: DiscordErrorBody = {
  message: 'Invalid Webhook Token',
  code: DISCORD_CODES.invalidWebhookToken,
};
/** 403. */
export const MISSING_ACCESS: DiscordErrorBody = { message: 'Missing Access', code: DISCORD_CODES.missingAccess };
/** 400, no content and no (non-empty) embed. */
export const EMPTY_MESSAGE: DiscordErrorBody = {
  message: 'Cannot send an empty message',
  code: DISCORD_CODES.cannotSendEmptyMessage,
};
/** 400, the body did not parse as JSON. */
export const INVALID_JSON: DiscordErrorBody = {
  message: 'The request body contains invalid JSON.',
  code: DISCORD_CODES.invalidJson,
};
/** 413 (Discord answers this for oversize uploads). */
export const REQUEST_TOO_LARGE: DiscordErrorBody = {
  message: 'Request entity too large',
  code: DISCORD_CODES.requestTooLarge,
};

/** 400 code 50035 with Discord's nested `errors` tree. */
export function invalidFormBody(errors: ErrorNode): DiscordErrorBody {
  return { message: 'Invalid Form Body', code: DISCORD_CODES.invalidFormBody, errors };
}

/** Default body for an injected status fault: Discord's own body where it has one. */
export function defaultFaultBody(status: number): unknown {
  switch (status) {
    case 401:
      return INVALID_WEBHOOK_TOKEN;
    case 403:
      return MISSING_ACCESS;
    case 404:
      return UNKNOWN_WEBHOOK;
    case 500:
      return { message: '500: Internal Server Error', code: DISCORD_CODES.general };
    default:
      // 502/503/504 come from Cloudflare in front of Discord, as HTML, not JSON.
      if (status >= 500) return `<html><head><title>${status}</title></head><body>${status} error</body></html>`;
      return { message: `${status}: Error`, code: DISCORD_CODES.general };
  }
}
