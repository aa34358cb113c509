-- Loads a ticket for routing, with the open tickets related to it (same caller phone or
-- same address, newest first), in one consistent step. An entry of the routing stream
-- that is stale (the ticket is no longer waiting to be routed at this sequence: another
-- daemon got there first, or it was re-queued since) is acknowledged, deleted and skipped.
-- Arguments by name (lib.lua's named_args, from ARGV[5]): id, seq (the route sequence of
-- the entry), entry (the stream entry id), group (its consumer group), since (related
-- tickets created since, ms), most (related tickets to load at the most).
-- Returns {} when stale, else {ticket fields (flat), related 1 fields, related 2 ...}.
-- Each load counts one more attempt at routing this sequence (route_attempts): a ticket
-- on which a plugin kills the daemon is loaded again after every reclaim, and the
-- dispatcher stops trying after routing.max_attempts.
local a = named_args(5, {'id', 'seq', 'entry', 'group', 'since', 'most'})
local id, seq, entry, group = a.id, a.seq, a.entry, a.group
local since, most = a.since, tonumber(a.most)
local tkey = k_ticket(id)
local now = redis.call('HMGET', tkey, 'state', 'route_seq', 'caller_phone', 'address')
if now[1] ~= 'received' or now[2] ~= seq then
  redis.call('XACK', P .. KEY.intake, group, entry)
  redis.call('XDEL', P .. KEY.intake, entry)
  return {}
end
redis.call('HINCRBY', tkey, 'route_attempts', 1)
local out = {redis.call('HGETALL', tkey)}
local seen = {[id] = true}
local indexes = {}
if now[3] then indexes[#indexes + 1] = k_index(INDEX.phone .. now[3]) end
if now[4] then indexes[#indexes + 1] = k_index(INDEX.addr .. now[4]) end
for _, index in ipairs(indexes) do
  local ids = redis.call('ZRANGE', index, '+inf', since, 'BYSCORE', 'REV', 'LIMIT', 0, most)
  for _, rid in ipairs(ids) do
    if not seen[rid] and #out <= most then
      seen[rid] = true
      local fields = redis.call('HGETALL', k_ticket(rid))
      if #fields > 0 then out[#out + 1] = fields end
    end
  end
end
return out
