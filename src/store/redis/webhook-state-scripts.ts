/**
 * Lua of `RedisWebhookState`. Each script touches the keys it is given, all in one hash-tag slot (one
 * webhook's `state` + `window`, or the gate's `pause` + `rate`; see webhook-state-keys.ts), and runs
 * atomically, so two replicas never both take the last token. The arithmetic mirrors the in-process
 * building blocks line for line (token-bucket.ts, sliding-window.ts, circuit-breaker.ts, discord-bucket.ts),
 * in the same IEEE doubles, so both stores answer the same waits. Numbers go back as `%.17g` strings:
 * Redis would truncate a Lua number reply to an integer.
 */
import type { Redis } from 'ioredis';
import { CLOCK_STEP_SLACK_MS } from '../../delivery/clock.js';

/**
 * Prepended to every script here that writes: a write Redis never refuses for memory (HDEL of a field that
 * never exists; it changes nothing and is not propagated). Redis full (`maxmemory` reached, `noeviction`)
 * refuses a script's write that adds data only when it is the script's first ("otherwise we can't stop in
 * the middle", Redis' script.c; the same from 6.2 on, where the `allow-oom` script flag of Redis 7 does not
 * exist), so the writes after it go through. They are a few fields per webhook, and delivery needs them:
 * draining the queues is what frees the memory. Refused, no message went out with the default token
 * bucket until someone freed memory by hand, and a message Discord took (its answer's headers could not
 * be kept, so the batch went back) was posted again every second. KEYS[1] is always a hash (or absent).
 */
const WRITE_WHEN_FULL = `redis.call('HDEL', KEYS[1], 'write-when-full')
`;

/** Helpers shared by the scripts (prepended to them). */
const LIB = `
local EPS = 1e-9
local WINDOW_MS = 60000
local CLOCK_STEP_SLACK_MS = ${CLOCK_STEP_SLACK_MS}
local function num(x) return string.format('%.17g', x) end
-- A finite number from a hash field, else nil: tonumber also takes 'nan' and 'inf' (a field another version
-- or a hand edit wrote), which would stop a refill or a pause for good. As numberField (webhook-state-status.ts).
local function fin(x)
  local n = tonumber(x)
  if n and n == n and n > -math.huge and n < math.huge then return n end
  return nil
end

-- How far a log stamped by a clock since set back (its newest send more than replicas' skew ahead of \`now\`) moves
-- back with it, its newest send now, so its sends leave the window a window from now (sliding-window.ts); 0 if not.
local function sw_ahead(key, now)
  local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if not newest[2] then return 0 end
  local ahead = tonumber(newest[2]) - now
  if ahead <= CLOCK_STEP_SLACK_MS then return 0 end
  return ahead
end

local function sw_unstep(key, now)
  local ahead = sw_ahead(key, now)
  if ahead == 0 then return end
  local all = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
  for i = 1, #all, 2 do redis.call('ZADD', key, num(tonumber(all[i + 1]) - ahead), all[i]) end
end

-- Sliding window log in sorted set \`key\`: at most \`limit\` members in any \`window_ms\`. 0 when \`member\` was
-- recorded, else ms until the oldest leaves. Scores never go back (replica clocks may differ a little).
local function sw_take(key, limit, window_ms, now, member)
  sw_unstep(key, now)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', num(now - window_ms))
  local card = redis.call('ZCARD', key)
  if card < limit then
    local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
    local at = now
    if newest[2] then at = math.max(now, tonumber(newest[2])) end
    redis.call('ZADD', key, num(at), member)
    redis.call('PEXPIRE', key, num(2 * window_ms))
    return 0
  end
  -- The send whose leaving brings the count below the limit (the oldest, unless a carry-over made more).
  local freeing = redis.call('ZRANGE', key, card - limit, card - limit, 'WITHSCORES')
  return math.max(1, tonumber(freeing[2]) + window_ms - now)
end

-- A \`last\` more than replicas' skew ahead was counted by a clock since set back: refills run from now (token-bucket.ts).
local function tb_refill(lim, now)
  if lim.last and lim.last - now > CLOCK_STEP_SLACK_MS then lim.last = now end
  if lim.last and now > lim.last then lim.tokens = math.min(lim.cap, lim.tokens + (now - lim.last) * lim.rate) end
  if (not lim.last) or now > lim.last then lim.last = now end
end

-- Sends in the window log at \`now\`.
local function sw_count(window, now)
  return redis.call('ZCOUNT', window, '(' .. num(now - WINDOW_MS), '+inf')
end

-- The webhook's limiter from its state hash. When the stored settings differ (a reload, or replicas whose
-- configs differ for a while), what was used stays used, as replaceRateLimiter (rate-limiter.ts) does:
-- a token bucket keeps its tokens (at most the new burst), a window its log; across algorithms the units
-- used carry over (a bucket's missing tokens as \`carry\` sends made at its last time; a window's sends as missing
-- tokens). Neither the log nor the tokens are dropped on a change, so a change and back never adds budget.
-- A \`now\` behind the old limiter's time (a replica whose clock is) keeps that time: the new bucket refills
-- from it, carried sends are stamped at it, so no stretch of time refills (or leaves the window) twice.
local function limiter_load(state, window, sig, algo, per_minute, burst, now)
  local f = redis.call('HMGET', state, 'limiterSettings', 'tokens', 'tokensAt')
  local lim = { sig = sig, algo = algo, fresh = f[1] ~= sig, limit = per_minute, carry = 0 }
  local old_algo, old_per, old_burst
  if f[1] then old_algo, old_per, old_burst = string.match(f[1], '^([%w_]+):([^:]*):([^:]*)$') end
  local old
  if old_algo == 'token_bucket' and fin(old_per) and fin(old_burst) then
    old = { cap = fin(old_burst), rate = fin(old_per) / 60000, tokens = fin(f[2]) or fin(old_burst), last = fin(f[3]) }
    tb_refill(old, now)
  end
  if algo == 'token_bucket' then
    lim.cap, lim.rate, lim.tokens = burst, per_minute / 60000, burst
    if not lim.fresh then
      lim.tokens = fin(f[2]) or burst
      lim.last = fin(f[3])
    elseif old then
      lim.tokens, lim.last = math.min(burst, old.tokens), old.last
    elseif f[1] then
      -- From a window: its sends are missing tokens (and tokens a bucket had before it, refilled, still bound).
      lim.tokens, lim.last = math.min(burst, fin(f[2]) or burst), fin(f[3])
      tb_refill(lim, now)
      lim.tokens = math.min(lim.tokens, math.max(0, burst - sw_count(window, now)))
      local newest = redis.call('ZRANGE', window, -1, -1, 'WITHSCORES')
      if newest[2] then lim.last = math.max(lim.last, tonumber(newest[2])) end
    end
  elseif lim.fresh and old then
    lim.carry, lim.carry_at = math.max(0, math.ceil(old.cap - old.tokens - EPS) - sw_count(window, now)), old.last
  end
  return lim
end

-- One unit, or ms until one is there (nothing consumed then).
local function limiter_take(state, window, lim, now, member)
  if lim.algo == 'token_bucket' then
    tb_refill(lim, now)
    local wait = 0
    if lim.tokens + EPS >= 1 then
      lim.tokens = math.max(0, lim.tokens - 1)
    else
      wait = math.max(1, math.ceil((1 - lim.tokens) / lim.rate))
    end
    redis.call('HSET', state, 'limiterSettings', lim.sig, 'tokens', num(lim.tokens), 'tokensAt', num(lim.last))
    return wait
  end
  if lim.fresh then
    redis.call('HSET', state, 'limiterSettings', lim.sig)
    for i = 1, lim.carry do redis.call('ZADD', window, num(lim.carry_at), 'carry:' .. member .. ':' .. i) end
    if lim.carry > 0 then redis.call('PEXPIRE', window, num(2 * WINDOW_MS)) end
  end
  return sw_take(window, lim.limit, WINDOW_MS, now, member)
end

-- { remaining, limit, resetMs } without writing anything.
local function limiter_peek(window, lim, now)
  if lim.algo == 'token_bucket' then
    tb_refill(lim, now)
    local missing, reset = lim.cap - lim.tokens, 0
    if missing > EPS then reset = math.ceil(missing / lim.rate) end
    return { num(math.floor(lim.tokens + EPS)), num(lim.cap), num(reset) }
  end
  -- Read only: the log as sw_unstep will move it at the next send (\`now\` that much later instead).
  local at = now + sw_ahead(window, now)
  local count, reset = sw_count(window, at), 0
  if count > 0 then
    local newest = redis.call('ZRANGE', window, -1, -1, 'WITHSCORES')
    reset = math.max(0, tonumber(newest[2]) + WINDOW_MS - at)
  end
  if lim.carry > 0 then count, reset = count + lim.carry, math.max(reset, lim.carry_at + WINDOW_MS - now) end
  return { num(math.max(0, lim.limit - count)), num(lim.limit), num(reset) }
end
`;

/**
 * The webhook's part of `acquire`: KEYS state, window; ARGV now, settings signature, algorithm, perMinute,
 * burst, reservation id, cooldown ms, probe lease ms, replica id, in-flight lease ms, in-flight poll ms.
 * Checks broken, breaker, Discord pause, another replica's request in flight, limiter in that order; when
 * all allow, takes the unit, the in-flight lease and (half-open) the probe, tagged with the reservation id
 * so `REFUND` can give back exactly them. Returns { reason | 'ok', waitMs }.
 *
 * The in-flight lease is discord.js' "one request at a time per bucket" across replicas: the answer of a
 * request that takes Discord's last slot (Remaining 0) pauses the bucket, and no other replica may send
 * before that answer is in, or its request gets a 429. A replica's own requests are ordered by its worker.
 */
const ACQUIRE = `
local state, window = KEYS[1], KEYS[2]
local now, cooldown, lease = tonumber(ARGV[1]), tonumber(ARGV[7]), tonumber(ARGV[8])
local me, flight_lease, flight_poll = ARGV[9], tonumber(ARGV[10]), tonumber(ARGV[11])
local f = redis.call('HMGET', state, 'brokenSince', 'openedAt', 'probeAt', 'pausedUntil')
if f[1] then return { 'broken', '0' } end
local opened, probe = fin(f[2]), fin(f[3])
if opened then
  if now < opened + cooldown then return { 'breaker_open', num(opened + cooldown - now) } end
  if probe and now < probe + lease then return { 'breaker_open', num(probe + lease - now) } end
end
local paused = fin(f[4]) or 0
if now < paused then return { 'discord_pause', num(paused - now) } end
local flight = redis.call('HMGET', state, 'inFlightBy', 'inFlightUntil')
local flight_until = fin(flight[2]) or 0
if flight[1] and flight[1] ~= me and now < flight_until then
  return { 'in_flight', num(math.min(flight_until - now, flight_poll)) }
end
local lim = limiter_load(state, window, ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), now)
local wait = limiter_take(state, window, lim, now, ARGV[6])
if wait > 0 then return { 'rate_limit', num(wait) } end
if opened then redis.call('HSET', state, 'probeAt', num(now), 'probeId', ARGV[6]) end
redis.call('HSET', state, 'inFlightBy', me, 'inFlightUntil', num(now + flight_lease), 'inFlightId', ARGV[6])
return { 'ok', '0' }
`;

/** The global gate refused after `ACQUIRE` took: KEYS state, window; ARGV signature, algorithm, reservation id, burst. */
const REFUND = `
local state, window = KEYS[1], KEYS[2]
local f = redis.call('HMGET', state, 'limiterSettings', 'tokens', 'probeId')
if f[1] == ARGV[1] then
  if ARGV[2] == 'token_bucket' then
    local tokens = fin(f[2])
    if tokens then redis.call('HSET', state, 'tokens', num(math.min(tonumber(ARGV[4]), tokens + 1))) end
  else
    redis.call('ZREM', window, ARGV[3])
  end
end
if f[3] == ARGV[3] then redis.call('HDEL', state, 'probeAt', 'probeId') end
if redis.call('HGET', state, 'inFlightId') == ARGV[3] then redis.call('HDEL', state, 'inFlightBy', 'inFlightUntil', 'inFlightId') end
return 1
`;

/** Read-only limiter snapshot for status: KEYS state, window; ARGV now, signature, algorithm, perMinute, burst. */
const PEEK = `
local lim = limiter_load(KEYS[1], KEYS[2], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[1]))
return limiter_peek(KEYS[2], lim, tonumber(ARGV[1]))
`;

/**
 * Response headers or a 429: KEYS state; ARGV now, pause until (0: none), pause reason, release probe
 * ('1'/'0'), cooldown ms, Discord limit, remaining, bucket ('' when absent), replica id whose in-flight
 * lease ends ('' for none). A pause only ever extends, and is written before the lease ends, so no other
 * replica sends between the two. A 429 on the half-open probe gives the probe back: it is no outcome,
 * and the retry after the pause may probe at once instead of waiting out the lease.
 */
const BUCKET = `
local state = KEYS[1]
local now, until_ts = tonumber(ARGV[1]), tonumber(ARGV[2])
if until_ts > (fin(redis.call('HGET', state, 'pausedUntil')) or 0) then
  redis.call('HSET', state, 'pausedUntil', ARGV[2], 'pauseReason', ARGV[3])
end
local names = { 'discordLimit', 'discordRemaining', 'discordBucket' }
for i, name in ipairs(names) do
  if ARGV[5 + i] ~= '' then redis.call('HSET', state, name, ARGV[5 + i]) end
end
if ARGV[9] ~= '' and redis.call('HGET', state, 'inFlightBy') == ARGV[9] then
  redis.call('HDEL', state, 'inFlightBy', 'inFlightUntil', 'inFlightId')
end
if ARGV[4] == '1' then
  local f = redis.call('HMGET', state, 'openedAt', 'probeAt')
  local opened = fin(f[1])
  if opened and f[2] and now >= opened + tonumber(ARGV[5]) then redis.call('HDEL', state, 'probeAt', 'probeId') end
end
return 1
`;

/** A retryable failure: KEYS state; ARGV now, threshold, cooldown ms, reason, detail. As `CircuitBreaker.onFailure`. */
const FAILURE = `
local state = KEYS[1]
local now, threshold, cooldown = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local failures = redis.call('HINCRBY', state, 'failures', 1)
local opened = fin(redis.call('HGET', state, 'openedAt'))
if (opened and now >= opened + cooldown) or ((not opened) and failures >= threshold) then
  redis.call('HSET', state, 'openedAt', ARGV[1])
  redis.call('HDEL', state, 'probeAt', 'probeId')
end
redis.call('HSET', state, 'lastErrorReason', ARGV[4], 'lastErrorDetail', ARGV[5], 'lastErrorAt', ARGV[1])
return failures
`;

/**
 * KEYS state; ARGV now, delivered (1/0), and for a refused message (400) its reason and detail: close the
 * breaker; note the success when a message was delivered, the refusal as the last error when refused.
 */
const SUCCESS = `
redis.call('HSET', KEYS[1], 'failures', '0')
if ARGV[2] == '1' then redis.call('HSET', KEYS[1], 'lastSuccessAt', ARGV[1]) end
if ARGV[3] then redis.call('HSET', KEYS[1], 'lastErrorReason', ARGV[3], 'lastErrorDetail', ARGV[4], 'lastErrorAt', ARGV[1]) end
redis.call('HDEL', KEYS[1], 'openedAt', 'probeAt', 'probeId')
return 1
`;

/** KEYS state; ARGV now, reason: the first `since` stays, the newer reason wins. */
const MARK_BROKEN = `
redis.call('HSETNX', KEYS[1], 'brokenSince', ARGV[1])
redis.call('HSET', KEYS[1], 'brokenReason', ARGV[2])
return 1
`;

/**
 * The global gate (global-gate.ts): KEYS pause, rate, flight; ARGV now, per second, reservation id, in-flight
 * max ms. A request holds a slot from here until its answer (`flight`, scored by when its hold lapses should
 * the answer never be reported) and one second after it (`rate`, scored by the answer): Discord counts it when
 * it arrives. { 'ok' | 'paused' | 'full', waitMs, reason? }.
 */
const GATE_TAKE = `
local now = tonumber(ARGV[1])
local p = redis.call('HMGET', KEYS[1], 'until', 'reason')
local until_ts = fin(p[1]) or 0
if now < until_ts then return { 'paused', num(until_ts - now), p[2] or 'global' } end
local max_ms = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', num(now))
sw_unstep(KEYS[2], now)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', num(now - 1000))
if redis.call('ZCARD', KEYS[2]) + redis.call('ZCARD', KEYS[3]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[3], num(now + max_ms), ARGV[3])
  redis.call('PEXPIRE', KEYS[3], num(max_ms))
  return { 'ok', '0' }
end
local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if oldest[2] then return { 'full', num(math.max(1, tonumber(oldest[2]) + 1000 - now)) } end
return { 'full', '1000' }
`;

/**
 * A request the gate let through was answered: KEYS pause, rate, flight (pause only for WRITE_WHEN_FULL);
 * ARGV now, reservation id. Its slot counts one second more, from the answer.
 */
const GATE_ANSWERED = `
-- Counted from the answer even when its hold lapsed meanwhile (a store that was away): the answer is real.
redis.call('ZREM', KEYS[3], ARGV[2])
local now = tonumber(ARGV[1])
-- A log stamped before the clock was set back moves back first, as the next take would move it (then this
-- answer, stamped now beside a far newer one, would move a step into the past and be lost).
sw_unstep(KEYS[2], now)
local newest = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
local at = now
if newest[2] then at = math.max(now, tonumber(newest[2])) end
redis.call('ZADD', KEYS[2], num(at), ARGV[2])
redis.call('PEXPIRE', KEYS[2], 2000)
return 1
`;

/** KEYS pause; ARGV until, reason ('global' | 'cloudflare'). Only ever extends. */
const GATE_PAUSE = `
if tonumber(ARGV[1]) > (fin(redis.call('HGET', KEYS[1], 'until')) or 0) then
  redis.call('HSET', KEYS[1], 'until', ARGV[1], 'reason', ARGV[2])
end
return 1
`;

/** Script commands in the shape of `REDIS_SCRIPTS` (scripts.ts), so they may be merged there. */
export const WEBHOOK_STATE_SCRIPTS = {
  alertcordWebhookAcquire: { lua: WRITE_WHEN_FULL + LIB + ACQUIRE, numberOfKeys: 2 },
  alertcordWebhookRefund: { lua: WRITE_WHEN_FULL + LIB + REFUND, numberOfKeys: 2 },
  alertcordWebhookPeek: { lua: LIB + PEEK, numberOfKeys: 2, readOnly: true },
  alertcordWebhookBucket: { lua: WRITE_WHEN_FULL + LIB + BUCKET, numberOfKeys: 1 },
  alertcordWebhookFailure: { lua: WRITE_WHEN_FULL + LIB + FAILURE, numberOfKeys: 1 },
  alertcordWebhookSuccess: { lua: WRITE_WHEN_FULL + SUCCESS, numberOfKeys: 1 },
  alertcordWebhookBroken: { lua: WRITE_WHEN_FULL + MARK_BROKEN, numberOfKeys: 1 },
  alertcordGateTake: { lua: WRITE_WHEN_FULL + LIB + GATE_TAKE, numberOfKeys: 3 },
  alertcordGateAnswered: { lua: WRITE_WHEN_FULL + LIB + GATE_ANSWERED, numberOfKeys: 3 },
  alertcordGatePause: { lua: WRITE_WHEN_FULL + LIB + GATE_PAUSE, numberOfKeys: 1 },
} as const;

type Arg = string | number;
type ScriptName = keyof typeof WEBHOOK_STATE_SCRIPTS;

/** The connection with the commands above: keys first, then arguments. */
export type WebhookStateScriptCommands = Record<ScriptName, (...keysAndArgs: Arg[]) => Promise<unknown>>;

/**
 * Adds the commands to a shared connection unless it already has them (registered through the `scripts`
 * option). ioredis sends EVALSHA and falls back to EVAL after a server restart emptied the script cache.
 */
export function withWebhookStateScripts(redis: Redis): Redis & WebhookStateScriptCommands {
  const commands = redis as unknown as Record<string, unknown>;
  for (const [name, definition] of Object.entries(WEBHOOK_STATE_SCRIPTS)) {
    if (typeof commands[name] !== 'function') redis.defineCommand(name, definition);
  }
  return redis as Redis & WebhookStateScriptCommands;
}

/** A script's array reply as strings (`%.17g` numbers, reasons). */
export function replyStrings(reply: unknown): string[] {
  if (!Array.isArray(reply)) throw new Error(`unexpected script reply: ${String(reply)}`);
  return reply.map((item) => String(item));
}
