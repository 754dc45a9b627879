import { checkArray, checkBoolean, checkInt, checkObject, checkString, checkUrl, isObject } from './checks.js';
import type { DiscordErrorBody } from './discord-errors.js';
import { DISCORD_CODES, EMPTY_MESSAGE, invalidFormBody } from './discord-errors.js';
import { ErrorTree } from './error-tree.js';
import {
  ALLOWED_MENTION_TYPES,
  ALLOWED_WEBHOOK_FLAGS,
  FAKE_DISCORD_LIMITS as L,
  FORBIDDEN_USERNAME_WORDS,
} from './limits.js';
import { checkEmbed } from './validate-embed.js';

/** Outcome of {@link validateDiscordBody}: accepted, or the 400 Discord would answer. */
export type ValidationResult = { ok: true } | { ok: false; status: 400; body: DiscordErrorBody };

/** Where the body is posted, for the thread rules. Omit it to check the body alone. */
export interface ValidationContext {
  /** The `?thread_id=` query parameter, when given. */
  readonly threadId?: string;
  /** Whether the webhook's channel is a forum; undefined skips the forum rules. */
  readonly forum?: boolean;
}

const fail = (body: DiscordErrorBody): ValidationResult => ({ ok: false, status: 400, body });

/**
 * `username`: 1..80 code points, never containing "discord" or "clyde". Discord trims names of leading and
 * trailing whitespace first (resources/user "Usernames and Nicknames"), so a blank one is too short.
 */
function checkUsername(tree: ErrorTree, value: unknown): void {
  const name = checkString(tree, ['username'], value, { min: L.usernameMin, max: L.username });
  if (name === undefined) return;
  if (name !== '' && name.trim() === '') {
    tree.add(['username'], 'BASE_TYPE_BAD_LENGTH', `Must be between ${L.usernameMin} and ${L.username} in length.`);
  }
  const lower = name.toLowerCase();
  for (const word of FORBIDDEN_USERNAME_WORDS) {
    if (lower.includes(word)) tree.add(['username'], 'USERNAME_INVALID_CONTAINS', `Username cannot contain "${word}"`);
  }
}

/** `flags`: only SUPPRESS_EMBEDS and SUPPRESS_NOTIFICATIONS. The error code is the fake's choice. */
function checkFlags(tree: ErrorTree, value: unknown): void {
  const flags = checkInt(tree, ['flags'], value, 0, Number.MAX_SAFE_INTEGER);
  if (flags !== undefined && (flags & ~ALLOWED_WEBHOOK_FLAGS) !== 0) {
    tree.add(['flags'], 'MESSAGE_FLAGS_INVALID', 'Only SUPPRESS_EMBEDS and SUPPRESS_NOTIFICATIONS can be set.');
  }
}

/** `allowed_mentions`: parse ⊆ {everyone, roles, users}; ids ≤ 100; `parse: ["users"]` excludes `users`. */
function checkAllowedMentions(tree: ErrorTree, value: unknown): void {
  const am = checkObject(tree, ['allowed_mentions'], value);
  if (am === undefined) return;
  const parse = checkArray(tree, ['allowed_mentions', 'parse'], am.parse, ALLOWED_MENTION_TYPES.length);
  parse?.forEach((type, i) => {
    if (!(ALLOWED_MENTION_TYPES as readonly unknown[]).includes(type)) {
      tree.add(['allowed_mentions', 'parse', i], 'ENUM_TYPE_COERCE', `Value "${String(type)}" is not a valid enum value.`);
    }
  });
  for (const kind of ['roles', 'users'] as const) {
    const ids = checkArray(tree, ['allowed_mentions', kind], am[kind], L.allowedMentionIds);
    ids?.forEach((id, i) => {
      if (typeof id !== 'string' || !/^\d{1,20}$/.test(id)) {
        tree.add(['allowed_mentions', kind, i], 'NUMBER_TYPE_COERCE', `Value "${String(id)}" is not snowflake.`);
      }
    });
    if (parse?.includes(kind) === true && ids !== undefined && ids.length > 0) {
      tree.add(
        ['allowed_mentions'],
        'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
        `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.`,
      );
    }
  }
  checkBoolean(tree, ['allowed_mentions', 'replied_user'], am.replied_user);
}

/** `embeds`: ≤ 10, each within its limits, ≤ 6000 code points in all. Returns whether one shows anything. */
function checkEmbeds(tree: ErrorTree, value: unknown): boolean {
  const embeds = checkArray(tree, ['embeds'], value, L.embeds);
  if (embeds === undefined) return false;
  let total = 0;
  let visible = false;
  embeds.forEach((embed, i) => {
    const check = checkEmbed(tree, i, embed);
    total += check.size;
    visible ||= check.visible;
  });
  if (total > L.embedsTotal) {
    tree.add(['embeds'], 'MAX_EMBED_SIZE_EXCEEDED', `Embed size exceeds maximum size of ${L.embedsTotal}`);
  }
  return visible;
}

/** Forum rules (codes 220001..220003); null when fine. */
function checkThread(threadName: string | undefined, context: ValidationContext): DiscordErrorBody | null {
  if (threadName !== undefined && context.threadId !== undefined) {
    return {
      message: 'Webhooks posted to forum channels cannot have both a thread_name and thread_id',
      code: DISCORD_CODES.threadNameAndId,
    };
  }
  if (context.forum === false && threadName !== undefined) {
    return { message: 'Webhooks can only create threads in forum channels', code: DISCORD_CODES.threadsOnlyInForum };
  }
  if (context.forum === true && threadName === undefined && context.threadId === undefined) {
    return {
      message: 'Webhooks posted to forum channels must have a thread_name or thread_id',
      code: DISCORD_CODES.forumNeedsThread,
    };
  }
  return null;
}

/**
 * Checks an execute-webhook JSON body as Discord does, without a socket: lengths in code points,
 * the 6000-per-message embed total, username rules, flags, URLs, colours, timestamps, then the
 * thread rules and the empty-message rule. Invalid → Discord's 400 body (50035 with its nested
 * `errors` tree, 50006, or 22000x). Source: docs/discord.md.
 */
export function validateDiscordBody(body: unknown, context: ValidationContext = {}): ValidationResult {
  const tree = new ErrorTree();
  if (!isObject(body)) {
    tree.add([], 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
    return fail(invalidFormBody(tree.root));
  }
  const content = checkString(tree, ['content'], body.content, { max: L.content });
  checkUsername(tree, body.username);
  checkUrl(tree, ['avatar_url'], body.avatar_url);
  checkBoolean(tree, ['tts'], body.tts);
  checkFlags(tree, body.flags);
  checkAllowedMentions(tree, body.allowed_mentions);
  const threadName = checkString(tree, ['thread_name'], body.thread_name, { min: L.threadNameMin, max: L.threadName });
  const embedsVisible = checkEmbeds(tree, body.embeds);
  if (tree.size > 0) return fail(invalidFormBody(tree.root));

  const threadError = checkThread(threadName, context);
  if (threadError !== null) return fail(threadError);
  // Whitespace-only content shows nothing: Discord refuses it as empty too.
  if ((content === undefined || content.trim() === '') && !embedsVisible) return fail(EMPTY_MESSAGE);
  return { ok: true };
}
