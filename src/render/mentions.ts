import type { AllowedMentions } from './discord-message.js';
import { MAX_CONTENT, MAX_MENTION_IDS, codePointLength } from './limits.js';
import type { MentionOptions } from './render-options.js';

/** Discord ids are snowflakes (64-bit: at most 20 digits): decimal digits only, so a configured id can never inject text. */
export const SNOWFLAKE = /^[0-9]{1,20}$/;

/** A fresh `{ parse: [] }`: sent on every message so nothing pings unless we ask (discord.md, Mentions). */
export function noMentions(): AllowedMentions {
  return { parse: [] };
}

/** Union of several mention configurations (ids deduplicated, order of first appearance kept). */
export function mergeMentions(list: readonly (MentionOptions | undefined)[]): MentionOptions {
  const roles = new Set<string>();
  const users = new Set<string>();
  let here = false;
  let everyone = false;
  for (const m of list) {
    if (!m) continue;
    here ||= m.here === true;
    everyone ||= m.everyone === true;
    for (const r of m.roles ?? []) roles.add(r);
    for (const u of m.users ?? []) users.add(u);
  }
  return { here, everyone, roles: [...roles], users: [...users] };
}

/** The `content` with its pings and the matching `allowed_mentions`. */
export interface Ping {
  /** Mention tokens then the summary; '' when nothing is configured. */
  content: string;
  allowedMentions: AllowedMentions;
}

/**
 * Builds the pinging part of `content` from configured mentions only: `@everyone`, `@here`, `<@&role>`,
 * `<@user>` (invalid ids are skipped), followed by `summary` when anything pings. Tokens are added whole
 * while they fit `max`, and `allowed_mentions` lists exactly what made it into the content:
 * here/everyone → parse ['everyone']; ids → `roles` / `users`.
 */
export function buildPing(mentions: MentionOptions | undefined, summary = '', max = MAX_CONTENT): Ping {
  const allowed = noMentions();
  if (!mentions) return { content: '', allowedMentions: allowed };
  const tokens: string[] = [];
  let used = 0;
  const add = (token: string): boolean => {
    const cost = codePointLength(token) + (tokens.length > 0 ? 1 : 0);
    if (used + cost > max) return false;
    tokens.push(token);
    used += cost;
    return true;
  };
  if (mentions.everyone === true && add('@everyone')) allowed.parse = ['everyone'];
  if (mentions.here === true && add('@here')) allowed.parse = ['everyone'];
  const roles = pickIds(mentions.roles).filter((id) => add(`<@&${id}>`));
  const users = pickIds(mentions.users).filter((id) => add(`<@${id}>`));
  if (roles.length > 0) allowed.roles = roles;
  if (users.length > 0) allowed.users = users;
  if (tokens.length === 0) return { content: '', allowedMentions: allowed };
  if (summary !== '') add(summary);
  return { content: tokens.join(' '), allowedMentions: allowed };
}

function pickIds(ids: readonly string[] | undefined): string[] {
  const valid = (ids ?? []).filter((id) => typeof id === 'string' && SNOWFLAKE.test(id));
  return [...new Set(valid)].slice(0, MAX_MENTION_IDS);
}
