/**
 * The store's Lua scripts, registered on every connection through ioredis' `scripts` option (EVALSHA, with
 * EVAL when the server lost its script cache after a restart). Each script touches only the keys it is given,
 * all in one hash-tag slot (see keys.ts), so it runs on Redis Cluster and Valkey too. A script runs
 * atomically: no other command sees half of it.
 */

import { READ_WITHIN } from './read-within-script.js';

/**
 * Claim-and-enqueue (architecture.md "Dedupe"): KEYS[1] stream, KEYS[2] dedupe key (optional), KEYS[3…] the
 * claims this one replaces (optional: the other state of the same thing, dropped once this one is queued);
 * ARGV group, max undelivered, notification JSON, enqueue time (ms), dedupe window (ms).
 * Order matters: the dedupe key is set only after XADD succeeded, so a 'full' or failed enqueue leaves no
 * key behind to swallow the sender's retry. A new stream gets its consumer group at id 0 in the same step,
 * so nothing enqueued before the first reader is skipped. XLEN counts only undelivered entries because
 * `ack` deletes what it acknowledges.
 */
const ENQUEUE = `
local stream, dedupe = KEYS[1], KEYS[2]
if dedupe and redis.call('EXISTS', dedupe) == 1 then return 'duplicate' end
if redis.call('EXISTS', stream) == 0 then
  redis.call('XGROUP', 'CREATE', stream, ARGV[1], '0', 'MKSTREAM')
end
if redis.call('XLEN', stream) >= tonumber(ARGV[2]) then return 'full' end
redis.call('XADD', stream, '*', 'n', ARGV[3], 't', ARGV[4])
if dedupe then redis.call('SET', dedupe, '1', 'PX', ARGV[5]) end
if #KEYS > 2 then redis.call('DEL', unpack(KEYS, 3)) end
return 'queued'
`;

/**
 * Delivered or dead-lettered: KEYS[1] stream, KEYS[2] recently acknowledged ids (sorted set: id → ms);
 * ARGV group, now (ms), how long to remember (ms), ids…. XACK then XDEL, so depth = XLEN. The ids are
 * remembered for LEASE (a consumer that stalled past the visibility timeout must learn that the one that
 * took its entries over delivered them); older ones are dropped here and the set expires when acks stop.
 */
const ACK = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local now, keep = tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, 4))
local deleted = redis.call('XDEL', KEYS[1], unpack(ARGV, 4))
for i = 4, #ARGV do redis.call('ZADD', KEYS[2], now, ARGV[i]) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - keep)
redis.call('PEXPIRE', KEYS[2], keep)
return deleted
`;

/**
 * Lease change on entries this consumer still holds: KEYS[1] stream, KEYS[2] recently acknowledged ids (see
 * ACK); ARGV group, consumer, idle (ms), ids….
 * Entries another consumer took over meanwhile are left alone (no stealing back). XCLAIM … IDLE n JUSTID
 * sets the entry's idle time without counting a delivery: 0 renews the lease (touch); a very large idle makes
 * it claimable at once by any reader's XAUTOCLAIM (release). Returns the ids not taken over: those still
 * held, and those pending under nobody that were not acknowledged lately (lost by Redis with a FLUSHALL, a
 * restart without persistence or a failover: this process may hold the only copy, so they stay its to
 * deliver, at least once); -1 when the stream itself is gone (the same, for every id). An id pending under
 * nobody but acknowledged lately was taken over (this process stalled) and delivered or dead-lettered by
 * another consumer: returned, this process would send it a second time.
 */
const LEASE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local args = {'XCLAIM', KEYS[1], ARGV[1], ARGV[2], '0'}
local n = 0
local absent = {}
for i = 4, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if p[1] == nil then
    if not redis.call('ZSCORE', KEYS[2], ARGV[i]) then absent[#absent + 1] = ARGV[i] end
  elseif p[1][2] == ARGV[2] then
    args[#args + 1] = ARGV[i]
    n = n + 1
  end
end
local held = {}
if n > 0 then
  args[#args + 1] = 'IDLE'
  args[#args + 1] = ARGV[3]
  args[#args + 1] = 'JUSTID'
  held = redis.call(unpack(args))
end
for _, id in ipairs(absent) do held[#held + 1] = id end
return held
`;

/**
 * The dead-letter list holds each id once, so XLEN is the number of dead letters (`count` runs on every
 * /metrics scrape and /api/status: no scan) and agrees with the rows listed and the ids a replay takes. A
 * notification dead-lettered again (its ack was lost in a timeout, or it failed again while a replay held
 * it) has one copy listed: the latest, with the latest reason. LISTED (hash: id → stream entry id) finds that
 * copy in O(1); an entry leaves it when it leaves the stream. Shared by the dead-letter scripts below.
 */
const DEAD_LETTER_LIST = `
local function listedAt(stream, listed, id)
  local at = redis.call('HGET', listed, id)
  if at and #redis.call('XRANGE', stream, at, at) > 0 then return at end
  return nil
end
local function list(stream, listed, id, body)
  local at = redis.call('XADD', stream, '*', 'id', id, 'd', body)
  redis.call('HSET', listed, id, at)
  return at
end
local function unlist(stream, listed, id, entry)
  redis.call('XDEL', stream, entry)
  if id and redis.call('HGET', listed, id) == entry then redis.call('HDEL', listed, id) end
end
local function idOf(fields)
  for j = 1, #fields, 2 do if fields[j] == 'id' then return fields[j + 1] end end
  return nil
end
`;

/**
 * A dead letter: KEYS[1] the dead-letter stream, KEYS[2] LISTED (see DEAD_LETTER_LIST); ARGV most kept, id,
 * JSON. Replaces the id's earlier copy, then drops the oldest past the most kept (exactly, one entry per add
 * once full, so LISTED never names a trimmed entry and stays bounded too). Deletes first: a write Redis never
 * refuses for memory, and Redis full (`maxmemory`, `noeviction`) refuses a script's write that adds data only
 * when it is the script's first, so the XADD goes through too. A dead letter moves a notification out of its
 * queue (the ack that follows deletes it there); refused, the notification went back to the queue, was posted
 * again every second (Discord refused it each time) and held its queue up until someone freed memory by hand.
 */
const ADD_DEAD_LETTER = `${DEAD_LETTER_LIST}
local stream, listed, id = KEYS[1], KEYS[2], ARGV[2]
local earlier = redis.call('HGET', listed, id)
redis.call('HDEL', listed, id)
if earlier then redis.call('XDEL', stream, earlier) end
local over = redis.call('XLEN', stream) - tonumber(ARGV[1]) + 1
if over > 0 then
  for _, entry in ipairs(redis.call('XRANGE', stream, '-', '+', 'COUNT', over)) do unlist(stream, listed, idOf(entry[2]), entry[1]) end
end
return list(stream, listed, id, ARGV[3])
`;

/**
 * Returns holds taken before ARGV[2] (stale-before, ms) to the dead-letter list: a replay that died or lost
 * Redis never settled them; one whose id was dead-lettered again meanwhile is dropped (the listed copy is the
 * later). KEYS as TAKE_DEAD_LETTERS. Shared by the take and by every read of the list, so they are listed and
 * counted again once the hold time has passed, not only at the next replay (the dashboard offers "Replay all"
 * only while the count is above 0).
 */
const RETURN_STALE_HOLDS = `${DEAD_LETTER_LIST}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[2])) do
  local body = redis.call('HGET', KEYS[2], id)
  if body and not listedAt(KEYS[1], KEYS[4], id) then list(KEYS[1], KEYS[4], id, body) end
  redis.call('HDEL', KEYS[2], id)
  redis.call('ZREM', KEYS[3], id)
end
`;

/** Before a read of the dead letters: KEYS as TAKE_DEAD_LETTERS; ARGV now (unused), stale-before (ms). */
const RETURN_STALE_DEAD_LETTERS = `${RETURN_STALE_HOLDS}
return 0
`;

/**
 * Take dead letters for replay: KEYS[1] dead-letter stream, KEYS[2] the hold (hash: id → JSON), KEYS[3] when
 * each was taken (sorted set: id → ms), KEYS[4] LISTED (see DEAD_LETTER_LIST); ARGV now, stale-before (ms),
 * 'all' | 'ids', ids…. First returns stale holds to the list (RETURN_STALE_HOLDS), then moves the wanted
 * entries from the list to the hold, in one step: two replicas replaying at once never both get the same
 * entry, and an entry is in Redis at every moment. An id already held by another replay stays in the list for
 * a later one; a second entry of an id this take holds (dead-lettered twice, in a list written before LISTED
 * kept one copy of each) is dropped, or replaying it later would deliver it again. Entries without an id or a
 * body are dropped. Returns id, JSON body, id, … (the id the hold goes by, whatever the body says), oldest
 * first.
 */
const TAKE_DEAD_LETTERS = `${RETURN_STALE_HOLDS}
local wanted = nil
if ARGV[3] == 'ids' then
  wanted = {}
  for i = 4, #ARGV do wanted[ARGV[i]] = true end
end
local out = {}
local took = {}
local from = '-'
while true do
  local batch = redis.call('XRANGE', KEYS[1], from, '+', 'COUNT', 500)
  if #batch == 0 then break end
  for _, entry in ipairs(batch) do
    local fields, id, body = entry[2], nil, nil
    for j = 1, #fields, 2 do
      if fields[j] == 'id' then id = fields[j + 1] elseif fields[j] == 'd' then body = fields[j + 1] end
    end
    if wanted == nil or (id and wanted[id]) then
      if not (id and body) or took[id] then
        unlist(KEYS[1], KEYS[4], id, entry[1])
      elseif redis.call('HSETNX', KEYS[2], id, body) == 1 then
        redis.call('ZADD', KEYS[3], ARGV[1], id)
        unlist(KEYS[1], KEYS[4], id, entry[1])
        took[id] = true
        out[#out + 1] = id
        out[#out + 1] = body
      end
    end
  end
  from = '(' .. batch[#batch][1]
end
return out
`;

/**
 * Settle a replay's held dead letters: KEYS as TAKE_DEAD_LETTERS; ARGV n, n queued ids, then kept ids.
 * Queued ones leave the hold; kept ones go back to the list, unless their id was dead-lettered again while
 * held (the listed copy is the later). O(ids), whatever the size of the hold.
 */
const SETTLE_DEAD_LETTERS = `${DEAD_LETTER_LIST}
local n = tonumber(ARGV[1])
for i = 2, #ARGV do
  local id = ARGV[i]
  if i > n + 1 then
    local body = redis.call('HGET', KEYS[2], id)
    if body and not listedAt(KEYS[1], KEYS[4], id) then list(KEYS[1], KEYS[4], id, body) end
  end
  redis.call('HDEL', KEYS[2], id)
  redis.call('ZREM', KEYS[3], id)
end
return 0
`;

/**
 * Forget consumers of a group that hold nothing and have not read for ARGV[2] ms (KEYS[1] stream, ARGV[1]
 * group, ARGV[2] idle ms, ARGV[3] the caller's own name). Each replica that ever read a stream stays in
 * its group (a pod name per deploy on Kubernetes) until deleted. Only consumers with no pending entry go:
 * XGROUP DELCONSUMER would drop a pending entry from the group's bookkeeping, i.e. lose it. Checked and
 * deleted in one script, so an entry read in between cannot be lost. Returns how many were forgotten.
 */
const FORGET_IDLE_CONSUMERS = `
local forgotten = 0
for _, consumer in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
  local fields = {}
  for i = 1, #consumer, 2 do fields[consumer[i]] = consumer[i + 1] end
  if fields['name'] ~= ARGV[3] and tonumber(fields['pending']) == 0 and tonumber(fields['idle']) > tonumber(ARGV[2]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], fields['name'])
    forgotten = forgotten + 1
  end
end
return forgotten
`;

/**
 * A watchdog heartbeat (heartbeats.ts): KEYS[1] the sorted set; ARGV time (ms), heartbeat name, clock slack
 * (ms), the writer's clock now (ms; absent: the time). Kept: the latest time, like ZADD GT, except that a kept
 * time more than the slack ahead of the writer's now was stamped by a clock that was wrong, and is replaced
 * (store/types.ts, HEARTBEAT_CLOCK_SLACK_MS). Ahead of a beat written late (heard while Redis was down), it
 * is only newer.
 */
const RECORD_HEARTBEAT = `
local at = tonumber(ARGV[1])
local now = tonumber(ARGV[4] or ARGV[1])
local kept = redis.call('ZSCORE', KEYS[1], ARGV[2])
if kept and tonumber(kept) >= at and tonumber(kept) <= now + tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], at, ARGV[2])
return 1
`;

/** Script commands added to each connection; the key count is given per call where it varies. */
export const REDIS_SCRIPTS = {
  alertcordEnqueue: { lua: ENQUEUE },
  alertcordAck: { lua: ACK, numberOfKeys: 2 },
  alertcordLease: { lua: LEASE, numberOfKeys: 2 },
  alertcordAddDeadLetter: { lua: ADD_DEAD_LETTER, numberOfKeys: 2 },
  alertcordReturnStaleDeadLetters: { lua: RETURN_STALE_DEAD_LETTERS, numberOfKeys: 4 },
  alertcordTakeDeadLetters: { lua: TAKE_DEAD_LETTERS, numberOfKeys: 4 },
  alertcordSettleDeadLetters: { lua: SETTLE_DEAD_LETTERS, numberOfKeys: 4 },
  alertcordForgetIdleConsumers: { lua: FORGET_IDLE_CONSUMERS, numberOfKeys: 1 },
  alertcordRecordHeartbeat: { lua: RECORD_HEARTBEAT, numberOfKeys: 1 },
  alertcordReadWithin: { lua: READ_WITHIN, numberOfKeys: 1 },
} as const;

type Arg = string | number;

/** The connection as the store uses it: ioredis plus the script commands above. */
export interface ScriptCommands {
  alertcordEnqueue(numKeys: number, ...keysAndArgs: Arg[]): Promise<unknown>;
  alertcordAck(stream: string, acked: string, ...args: Arg[]): Promise<unknown>;
  alertcordLease(stream: string, acked: string, ...args: Arg[]): Promise<unknown>;
  alertcordAddDeadLetter(stream: string, listed: string, ...args: Arg[]): Promise<unknown>;
  alertcordReturnStaleDeadLetters(stream: string, held: string, heldAt: string, listed: string, ...args: Arg[]): Promise<unknown>;
  alertcordTakeDeadLetters(stream: string, held: string, heldAt: string, listed: string, ...args: Arg[]): Promise<unknown>;
  alertcordSettleDeadLetters(stream: string, held: string, heldAt: string, listed: string, ...args: Arg[]): Promise<unknown>;
  alertcordForgetIdleConsumers(stream: string, ...args: Arg[]): Promise<unknown>;
  alertcordRecordHeartbeat(heartbeats: string, ...args: Arg[]): Promise<unknown>;
  alertcordReadWithin(stream: string, ...args: Arg[]): Promise<unknown>;
}
