/**
 * A queue read bounded by size (`NotificationQueue.read` with a budget), in one step inside Redis:
 * XREADGROUP and XAUTOCLAIM count entries, not bytes, and a storm's groups of thousands of alerts are
 * hundreds of KB each; read by count and trimmed here, the entries left over would cross the network and be
 * handed back on every read. So entries are taken one at a time, each measured before the next.
 *
 * KEYS[1] stream; ARGV group, consumer, min idle (ms: the visibility timeout), claim cursor, max entries,
 * max bytes (-1: no bound), bytes held (the reader's), idle for a hand-back (ms: RELEASED_IDLE_MS).
 * Stale entries first (XAUTOCLAIM from the cursor, once more from the start when it found none), then new
 * ones (XREADGROUP `>`). The size of an entry is its `n` field's length, UTF-8 bytes as the memory store
 * counts them; the rule is `fitsBudget` (read-budget.ts): within the bound, or the first of a reader that
 * holds nothing. The entry that does not fit is handed back at once (the hand-back idle makes it claimable
 * by the next read, here or in another replica) and the cursor points at it, so it stays first in line.
 * Returns { cursor, entries } (entries as XRANGE gives them).
 */
export const READ_WITHIN = `
local stream, group, consumer = KEYS[1], ARGV[1], ARGV[2]
local cursor, max, maxBytes, held = ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local out = {}
local function size(entry)
  local fields = entry[2]
  -- An entry deleted while pending comes back from Redis 6.2's XAUTOCLAIM without fields (nil): size 0, and
  -- the reader reports it as unreadable, as before.
  if type(fields) ~= 'table' then return 0 end
  for i = 1, #fields, 2 do
    if fields[i] == 'n' then return #fields[i + 1] end
  end
  return 0
end
local function take(entry)
  local bytes = size(entry)
  if maxBytes >= 0 and held > 0 and held + bytes > maxBytes then
    redis.call('XCLAIM', stream, group, consumer, 0, entry[1], 'IDLE', ARGV[8], 'JUSTID')
    return false
  end
  held = held + bytes
  out[#out + 1] = entry
  return true
end
local rescanned = cursor == '0-0'
while #out < max do
  local reply = redis.call('XAUTOCLAIM', stream, group, consumer, ARGV[3], cursor, 'COUNT', 1)
  local entry = reply[2][1]
  if entry and not take(entry) then return {entry[1], out} end
  cursor = reply[1]
  if cursor == '0-0' then
    if rescanned or #out > 0 then break end
    rescanned = true
  end
end
while #out < max do
  local reply = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', 1, 'STREAMS', stream, '>')
  if not reply then break end
  local entry = reply[1][2][1]
  if not entry or not take(entry) then break end
end
return {cursor, out}
`;
