-- Who has a ticket open (collision detection, tickets/presence.c): a hash per ticket,
-- one field per viewer (ACTOR) holding "expires_ms|typing|since_ms|role|display name".
-- ARGV[5] the ticket id
-- ARGV[6] '1': record the caller as viewing it now; '0': only read
-- ARGV[7] the caller is typing: '1' or '0'
-- ARGV[8] how long a viewer stays listed without calling again (ms)
-- ARGV[9] the caller's display name
-- Returns {'missing'} when there is no such ticket, else {'ok', department, channel,
-- co_units, {name, display name, role, typing, since_ms}, ...}: every viewer listed,
-- the caller too when recorded. Fields past their expiry are removed on the way.
local id, record, typing, ttl, display = ARGV[5], ARGV[6], ARGV[7], tonumber(ARGV[8]), ARGV[9]
local now = tonumber(NOW)
local t = redis.call('HMGET', k_ticket(id), 'state', 'department', 'channel', 'co_units')
if not t[1] then return {'missing'} end
local key = P .. KEY.presence .. id
if record == '1' then
  local since = now
  local old = redis.call('HGET', key, ACTOR)
  if old then
    local expires, _, was = string.match(old, '^(%d+)|(%d)|(%d+)|')
    if expires and tonumber(expires) >= now then since = tonumber(was) end
  end
  redis.call('HSET', key, ACTOR, string.format('%d|%s|%d|%s|%s', now + ttl,
    typing == '1' and '1' or '0', since, ROLE, display))
  redis.call('PEXPIRE', key, 2 * ttl)
end
local out = {'ok', t[2] or '', t[3] or '', t[4] or ''}
local all = redis.call('HGETALL', key)
for i = 1, #all, 2 do
  local expires, ty, since, role, name = string.match(all[i + 1], '^(%d+)|(%d)|(%d+)|([^|]*)|(.*)$')
  if not expires or tonumber(expires) < now then
    redis.call('HDEL', key, all[i])
  else
    out[#out + 1] = {all[i], name, role, ty, since}
  end
end
return out
