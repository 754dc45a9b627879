import { isObject } from './checks.js';
import { ALLOWED_MENTION_TYPES } from './limits.js';

/** Who a message pings: `everyone` covers @everyone and @here. */
export interface Pings {
  readonly everyone: boolean;
  readonly roles: readonly string[];
  readonly users: readonly string[];
}

/**
 * Pings as Discord decides them: parsed from `content` only (never from embeds), then filtered by
 * `allowed_mentions` (absent: every type is parsed; present: only `parse` types and listed ids).
 * Source: resources/message#allowed-mentions-object, docs/discord.md "Mentions".
 */
export function pingsOf(body: Readonly<Record<string, unknown>>): Pings {
  const content = typeof body.content === 'string' ? body.content : '';
  const am = isObject(body.allowed_mentions) ? body.allowed_mentions : undefined;
  const parse: readonly unknown[] = am === undefined ? ALLOWED_MENTION_TYPES : Array.isArray(am.parse) ? am.parse : [];
  const ids = (pattern: RegExp, kind: 'roles' | 'users'): string[] => {
    const listed: readonly unknown[] = am !== undefined && Array.isArray(am[kind]) ? am[kind] : [];
    const found = new Set([...content.matchAll(pattern)].map((m) => m[1] ?? ''));
    return [...found].filter((id) => parse.includes(kind) || listed.includes(id));
  };
  return {
    everyone: parse.includes('everyone') && /@(?:everyone|here)/.test(content),
    roles: ids(/<@&(\d+)>/g, 'roles'),
    users: ids(/<@!?(\d+)>/g, 'users'),
  };
}
