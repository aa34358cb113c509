-- Layout 2 -> 3, one batch of hl:due (store/layout.c, hotlined --migrate): a member per
-- running clock's next stage ("id|clock|stage|audience", its ticket's <clock>_next the
-- same text) becomes one member per ticket, its id, scored by the soonest of its clocks'
-- next stages, and <clock>_next the number of that stage in the clock's plan (lib.lua).
-- Each old member is removed in the step that converts it, so a batch may run again;
-- a member whose stage is not in its clock's plan (a plan replaced since) is dropped, as
-- due_claim would have dropped it. A member with a '|' that is not of that form cannot
-- be converted: it moves, with its score, to the sorted set KEY.quarantine .. KEY.due
-- for an operator, so that no old member is left in hl:due. ARGV[1] the key prefix,
-- ARGV[2..] old members.
-- Returns {converted, quarantined key, reason, ...}.
local P = ARGV[1]
local due = P .. KEY.due
local converted, answer = 0, {0}
local quarantine = P .. KEY.quarantine .. KEY.due
for i = 2, #ARGV do
  local member = ARGV[i]
  local score = redis.call('ZSCORE', due, member)
  local id, clock, stage = string.match(member, '^([^|]+)|([^|]+)|([^|]+)|')
  if score and id then
    local tkey = P .. KEY.ticket .. id
    local f = redis.call('HMGET', tkey, clock .. '_next', clock .. '_plan')
    redis.call('ZREM', due, member)
    local n, k = nil, 0
    for s in string.gmatch(f[2] or '', '([^|;]+)|[^;]*') do
      k = k + 1
      if s == stage and not n then n = k end
    end
    if f[1] == member and n then
      redis.call('HSET', tkey, clock .. '_next', tostring(n))
      redis.call('ZADD', due, 'LT', score, id)
    elseif f[1] == member then
      redis.call('HDEL', tkey, clock .. '_next')
    end
    converted = converted + 1
  elseif score then
    redis.call('ZADD', quarantine, score, member)
    redis.call('ZREM', due, member)
    answer[#answer + 1] = quarantine
    answer[#answer + 1] = 'member ' .. member .. ' is not id|clock|stage|audience'
  end
end
answer[1] = converted
return answer
