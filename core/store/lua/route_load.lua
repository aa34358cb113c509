-- Loads a ticket for routing, with the open tickets related to it (same caller phone or
-- same address, newest first), in one consistent step. An entry of the routing stream
-- that is stale (the ticket is no longer waiting to be routed at this sequence: another
-- daemon got there first, or it was re-queued since) is acknowledged, deleted and skipped.
-- Arguments by name (lib.lua's named_args, from ARGV[5]): id, seq (the route sequence of
-- the entry), entry (the stream entry id), group (its consumer group), since (related
-- tickets created since, ms), most (related tickets to load at the most); taken_over
-- ('1' when the entry was taken over from another daemon, optional).
-- Returns {} when stale, else {ticket fields (flat), related 1 fields, related 2 ...}.
-- Each load is one more attempt at routing this sequence (route_attempts, in the answer):
-- a ticket on which a plugin kills the daemon is loaded again after every reclaim, and
-- the dispatcher stops trying after routing.max_attempts.
local a = named_args(5, {'id', 'seq', 'entry', 'group', 'since', 'most'}, {'taken_over'})
local id, seq, entry, group = a.id, a.seq, a.entry, a.group
local since, most = a.since, tonumber(a.most)
local tkey = k_ticket(id)
-- the whole ticket, read once: the checks take their fields from it
local fields, now = redis.call('HGETALL', tkey), {}
for i = 1, #fields, 2 do now[fields[i]] = i + 1 end
local function field(name) return now[name] and fields[now[name]] end
if field('state') ~= 'received' or field('route_seq') ~= seq then
  redis.call('XACK', P .. KEY.intake, group, entry)
  redis.call('XDEL', P .. KEY.intake, entry)
  return {}
end
-- The attempt this load is. An entry's first delivery (XREADGROUP) is attempt 1 and is
-- not written: route_commit records it, so a ticket routed at once costs no call here.
-- An entry taken over from a daemon that died (taken_over = 1) writes its count before
-- the plugins run, counting the unrecorded first delivery too, so that a ticket that
-- kills every daemon runs out of attempts.
local attempts = (tonumber(field('route_attempts')) or 0) + 1
if a.taken_over == '1' then
  if attempts == 1 then attempts = 2 end
  redis.call('HSET', tkey, 'route_attempts', attempts)
end
if now.route_attempts then fields[now.route_attempts] = tostring(attempts)
else fields[#fields + 1] = 'route_attempts'; fields[#fields + 1] = tostring(attempts) end
local out = {fields}
local seen = {[id] = true}
local indexes = {}
local phone, address = field('caller_phone'), field('address')
if phone then indexes[#indexes + 1] = k_index(INDEX.phone .. phone) end
if address then indexes[#indexes + 1] = k_index(INDEX.addr .. address) end
for _, index in ipairs(indexes) do
  local ids = redis.call('ZRANGE', index, '+inf', since, 'BYSCORE', 'REV', 'LIMIT', 0, most)
  for _, rid in ipairs(ids) do
    if not seen[rid] and #out <= most then
      seen[rid] = true
      local related = redis.call('HGETALL', k_ticket(rid))
      if #related > 0 then out[#out + 1] = related end
    end
  end
end
return out
