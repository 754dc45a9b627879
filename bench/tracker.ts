import type { FakeDiscord } from '../test/helpers/fake-discord/index.js';
import { TOKEN_PATTERN } from './payloads.js';
import { sleep } from './net.js';

/** Per stored message: when it arrived and how many of the expected alerts it shows. */
export interface MessageSighting {
  readonly at: number;
  readonly alerts: number;
  readonly embeds: number;
}

/**
 * Which alerts are visible in the fake's stored messages: an alert counts as delivered once its unique
 * token (the host of its `instance` label, also in its summary) appears anywhere in a stored message body.
 */
export class DeliveryTracker {
  readonly firstSeen = new Map<string, number>();
  readonly sightings: MessageSighting[] = [];
  /** Alerts shown again in a later message (each message counts an alert once). */
  duplicates = 0;
  private scanned = 0;

  constructor(private readonly fake: FakeDiscord, private readonly expected: ReadonlySet<string>) {}

  /** Reads the messages stored since the last scan. */
  scan(): void {
    const messages = this.fake.messages;
    for (; this.scanned < messages.length; this.scanned++) {
      const message = messages[this.scanned]!;
      const tokens = new Set(JSON.stringify(message.body).match(TOKEN_PATTERN) ?? []);
      let alerts = 0;
      for (const token of tokens) {
        if (!this.expected.has(token)) continue;
        alerts++;
        if (this.firstSeen.has(token)) this.duplicates++;
        else this.firstSeen.set(token, message.receivedAt);
      }
      const embeds = Array.isArray(message.body.embeds) ? message.body.embeds.length : 0;
      this.sightings.push({ at: message.receivedAt, alerts, embeds });
    }
  }

  get delivered(): number {
    return this.firstSeen.size;
  }

  /** Arrival (epoch ms) of the message that showed the last alert first seen. */
  get lastAt(): number | undefined {
    let last: number | undefined;
    for (const at of this.firstSeen.values()) last = last === undefined ? at : Math.max(last, at);
    return last;
  }

  /** Scans every `pollMs` until every expected alert is seen or `deadline` (epoch ms) passes. */
  async waitAll(deadline: number, pollMs = 50): Promise<boolean> {
    for (;;) {
      this.scan();
      if (this.delivered >= this.expected.size) return true;
      if (Date.now() >= deadline) return false;
      await sleep(pollMs);
    }
  }
}

/** 429s the fake answered, by `X-RateLimit-Scope` (user = webhook bucket, shared = channel, global). */
export function rateLimitsByScope(fake: FakeDiscord): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of fake.requests) {
    if (r.status !== 429) continue;
    const scope = String(r.responseHeaders['x-ratelimit-scope'] ?? 'none');
    counts[scope] = (counts[scope] ?? 0) + 1;
  }
  return counts;
}

/** The distinct reasons of the fake's 400s, as `path: message` (Discord's nested `errors` tree flattened). */
export function badRequestReasons(fake: FakeDiscord): string[] {
  const reasons = new Set<string>();
  for (const r of fake.requests) {
    if (r.status !== 400) continue;
    const body = r.responseBody as { message?: string; errors?: unknown } | undefined;
    const found = flattenErrors(body?.errors, []);
    if (found.length === 0) reasons.add(body?.message ?? 'bad request');
    for (const f of found) reasons.add(f);
  }
  return [...reasons];
}

function flattenErrors(node: unknown, path: string[]): string[] {
  if (typeof node !== 'object' || node === null) return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === '_errors' && Array.isArray(value)) {
      for (const e of value as { message?: string }[]) out.push(`${path.join('.') || '(body)'}: ${e.message ?? '?'}`);
    } else {
      out.push(...flattenErrors(value, [...path, key]));
    }
  }
  return out;
}
