/**
 * Key names of the Redis store. Every key one script or transaction touches shares a hash tag (`{…}`), so it
 * lives in one slot and Redis Cluster / Valkey accept it. Queues are keyed by the webhook id (the queue key),
 * never by its token: keys are visible to anyone with `redis-cli`.
 */
export interface RedisKeys {
  /** The queue's stream: undelivered notifications only (acked entries are deleted). */
  stream(queueKey: string): string;
  /** Ids of the queue acknowledged lately (sorted set: id → ms), so a stalled consumer does not send them again (see scripts.ts ACK). */
  acked(queueKey: string): string;
  /** A dedupe claim, in the same slot as its queue's stream so the enqueue script may touch both. */
  dedupe(queueKey: string, dedupeKey: string): string;
  /** A ping mark (ping-marks.ts) in its queue's slot, so one MGET reads a message's marks. */
  pinged(queueKey: string, mark: string): string;
  /** Set of every queue key ever enqueued to, so workers find queues left by another replica. */
  queues: string;
  /** The dead-letter stream (one for all webhooks). */
  deadLetters: string;
  /** Dead letters a replay took and has not settled yet (hash: id → JSON), in the dead-letter stream's slot. */
  deadLettersHeld: string;
  /** When each held dead letter was taken (sorted set: id → ms), to return those a replay never settled. */
  deadLettersHeldAt: string;
  /** Where each id's one copy is in the dead-letter stream (hash: id → entry id), so the list holds each id once. */
  deadLettersListed: string;
  /** Sorted set of history ids scored by lastQueuedAt (receivedAt, or replayedAt once replayed). */
  historyIndex: string;
  /** One history entry (a hash), in the index's slot. */
  historyEntry(id: string): string;
  /** Counter bumped by every history write, so replicas know when their cache of recent entries is stale. */
  historySeq: string;
  /** One UTC day's statistics counters (a hash, `YYYY-MM-DD`); every day shares the `{stats}` slot. */
  statsDay(date: string): string;
  /** When each watchdog heartbeat last arrived at any replica (sorted set: name → epoch ms). */
  heartbeats: string;
  /** The watchdog outages told and not yet over (hash: name → JSON), so a restarted replica still tells "back". */
  watchdogOutages: string;
  /** Written by readiness checks (short TTL): a store that answers PING but refuses writes is not ready. */
  writeProbe: string;
}

/**
 * Hash tags take the text between the first `{` and the next `}`: a queue key holding braces would cut the
 * tag short, so those are percent-encoded (encodeURIComponent encodes `{` and `}`).
 */
function tag(text: string): string {
  return encodeURIComponent(text);
}

/** Key names under `prefix` (default `alertcord`); two deployments sharing one Redis use two prefixes. */
export function redisKeys(prefix: string): RedisKeys {
  const queue = (queueKey: string): string => `${prefix}:{q:${tag(queueKey)}}`;
  return {
    stream: (queueKey) => `${queue(queueKey)}:stream`,
    acked: (queueKey) => `${queue(queueKey)}:acked`,
    dedupe: (queueKey, dedupeKey) => `${queue(queueKey)}:dedupe:${dedupeKey}`,
    pinged: (queueKey, mark) => `${queue(queueKey)}:pinged:${mark}`,
    queues: `${prefix}:queues`,
    deadLetters: `${prefix}:{deadletters}`,
    deadLettersHeld: `${prefix}:{deadletters}:hold`,
    deadLettersHeldAt: `${prefix}:{deadletters}:hold-at`,
    deadLettersListed: `${prefix}:{deadletters}:listed`,
    historyIndex: `${prefix}:{history}:index`,
    historyEntry: (id) => `${prefix}:{history}:e:${id}`,
    historySeq: `${prefix}:{history}:seq`,
    statsDay: (date) => `${prefix}:{stats}:day:${date}`,
    heartbeats: `${prefix}:watchdog:heartbeats`,
    watchdogOutages: `${prefix}:watchdog:outages`,
    writeProbe: `${prefix}:ready-probe`,
  };
}
