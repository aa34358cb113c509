-- Layout 3 -> 4, one batch (store/layout.c, hotlined --migrate): each ticket's timeline,
-- its hash's field `log` in layouts 2 and 3, becomes the string key KEY.log .. id
-- (lib.lua's audit), byte for byte, and the field is deleted; both in this one step, so
-- that a batch may run again after an interruption. KEYS: ticket hashes (t:<id>), with
-- or without the field. ARGV[1] the key prefix.
-- A field whose key is taken already by another timeline (nothing of layout 3 writes
-- it) is not lost: it goes to the string KEY.quarantine .. KEY.log .. id for an
-- operator, the key as it was, and is listed.
-- Returns {moved, quarantined key, reason, ...}.
local P = ARGV[1]
local moved, answer = 0, {0}
for _, tkey in ipairs(KEYS) do
  local log = redis.call('HGET', tkey, 'log')
  if log then
    local id = string.sub(tkey, #P + #KEY.ticket + 1)
    local lkey = P .. KEY.log .. id
    local now = redis.call('GET', lkey)
    if not now then
      redis.call('SET', lkey, log)
      moved = moved + 1
    elseif now ~= log then
      local q = P .. KEY.quarantine .. KEY.log .. id
      redis.call('SET', q, log)
      answer[#answer + 1] = q
      answer[#answer + 1] = 'the field log of ' .. tkey .. ' differs from ' .. lkey ..
        ', which holds a timeline already'
    else
      moved = moved + 1
    end
    redis.call('HDEL', tkey, 'log')
  end
end
answer[1] = moved
return answer
