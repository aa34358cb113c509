-- Layout 1 -> 2, one batch (store/layout.c, hotlined --migrate): each ticket's timeline,
-- a stream of its own in layout 1, becomes its hash's field `log` (lib.lua's audit), with
-- the same entries in the same order, and the stream is deleted; both in this one step,
-- so that a batch may run again after an interruption. KEYS: timelines (streams).
-- ARGV[1] the key prefix.
-- A timeline that cannot be converted without losing something (its ticket is gone, or
-- an entry has a field other than the seven) is not converted and not deleted: it is
-- renamed to KEY.quarantine .. KEY.audit .. id (":2", ":3" ... after it when that name
-- is taken), whole, for an operator to look at, and the migration goes on.
-- Returns {converted, quarantined key, reason, quarantined key, reason, ...}.
local P = ARGV[1]
local NAMES = {'at', 'actor', 'role', 'action', 'from', 'to', 'note'}
local KNOWN = {}
for _, name in ipairs(NAMES) do KNOWN[name] = true end
local converted, answer = 0, {0}

-- why the timeline cannot be converted, or nil; its entries and the ticket's key
local function check(key, id)
  local tkey = P .. KEY.ticket .. id
  if redis.call('EXISTS', tkey) == 0 then return 'no ticket ' .. tkey end
  for _, e in ipairs(redis.call('XRANGE', key, '-', '+')) do
    for i = 1, #e[2], 2 do
      if not KNOWN[e[2][i]] then
        return 'entry ' .. e[1] .. ' has a field ' .. e[2][i] ..
          ' the layout-2 timeline has no place for'
      end
    end
  end
  return nil
end

local function quarantine(key, id, why)
  local base = P .. KEY.quarantine .. KEY.audit .. id
  local dest, n = base, 1
  while redis.call('EXISTS', dest) == 1 do
    n = n + 1
    dest = base .. ':' .. n
  end
  redis.call('RENAME', key, dest)
  answer[#answer + 1] = dest
  answer[#answer + 1] = why
end

for _, key in ipairs(KEYS) do
  if redis.call('TYPE', key).ok == 'stream' then
    local id = string.sub(key, #P + #KEY.audit + 1)
    local why = check(key, id)
    if why then
      quarantine(key, id, why)
    else
      local tkey = P .. KEY.ticket .. id
      local out = {}
      for _, e in ipairs(redis.call('XRANGE', key, '-', '+')) do
        local f = {}
        for i = 1, #e[2], 2 do f[e[2][i]] = e[2][i + 1] end
        for _, name in ipairs(NAMES) do
          local v = f[name] or ''
          out[#out + 1] = #v .. ':' .. v
        end
      end
      redis.call('HSET', tkey, 'log', (redis.call('HGET', tkey, 'log') or '') ..
        table.concat(out))
      redis.call('DEL', key)
      converted = converted + 1
    end
  end
end
answer[1] = converted
return answer
