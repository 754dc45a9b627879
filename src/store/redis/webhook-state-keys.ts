/**
 * Key names of `RedisWebhookState`, following keys.ts: `<prefix>:{tag}:…`, every key one script touches
 * sharing its hash tag (one slot, so Redis Cluster / Valkey accept the script). Keys name the webhook by
 * its id, never its token: keys are visible to anyone with `redis-cli`.
 *
 * Per webhook (tag `{wh:<id>}`): `state`, one hash (breaker, Discord bucket, broken mark, last outcome,
 * token bucket), and `window`, the sliding-window log (a sorted set). The global gate (tag `{gate}`):
 * `pause`, a hash (global / Cloudflare pause), `rate`, the 1 s log of answered requests, and `flight`, the
 * requests out now (a sorted set by lease end), both shared by every replica.
 */

/** The two keys of one webhook, in one slot. */
export interface WebhookKeys {
  state: string;
  window: string;
}

export interface WebhookStateKeys {
  webhook(webhookId: string): WebhookKeys;
  gatePause: string;
  gateRate: string;
  gateFlight: string;
}

/**
 * Hash tags end at the first `}`: an id holding braces would cut the tag short, so it is percent-encoded
 * (encodeURIComponent encodes `{` and `}`), as keys.ts does for queue keys.
 */
function tag(text: string): string {
  return encodeURIComponent(text);
}

/** Key names under `prefix`; two deployments sharing one Redis use two prefixes. */
export function webhookStateKeys(prefix: string): WebhookStateKeys {
  return {
    webhook(webhookId) {
      const base = `${prefix}:{wh:${tag(webhookId)}}`;
      return { state: `${base}:state`, window: `${base}:window` };
    },
    gatePause: `${prefix}:{gate}:pause`,
    gateRate: `${prefix}:{gate}:rate`,
    gateFlight: `${prefix}:{gate}:flight`,
  };
}
