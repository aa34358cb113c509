-- Layout 1 -> 2, one batch (store/layout.c, hotlined --migrate): each ticket's timeline,
-- a stream of its own in layout 1, becomes its hash's field `log` (lib.lua's audit), with
-- the same entries in the same order, and the stream is deleted; both in this one step,
-- so that a batch may run again after an interruption. KEYS: timelines (streams).
-- ARGV[1] the key prefix.
-- An entry with a field other than the seven is not converted, nor a timeline whose
-- ticket is gone: the migration stops there rather than lose them.
-- Returns the number of timelines converted.
local P = ARGV[1]
local NAMES = {'at', 'actor', 'role', 'action', 'from', 'to', 'note'}
local KNOWN = {}
for _, name in ipairs(NAMES) do KNOWN[name] = true end
local converted = 0
for _, key in ipairs(KEYS) do
  if redis.call('TYPE', key).ok == 'stream' then
    local id = string.sub(key, #P + #KEY.audit + 1)
    local tkey = P .. KEY.ticket .. id
    if redis.call('EXISTS', tkey) == 0 then
      return redis.error_reply('ERR migrate_audit: ' .. key .. ' has no ticket ' .. tkey)
    end
    local out = {}
    for _, e in ipairs(redis.call('XRANGE', key, '-', '+')) do
      local f = {}
      for i = 1, #e[2], 2 do
        if not KNOWN[e[2][i]] then
          return redis.error_reply('ERR migrate_audit: ' .. key .. ' entry ' .. e[1] ..
            ' has a field ' .. e[2][i] .. ' the layout-2 timeline has no place for')
        end
        f[e[2][i]] = e[2][i + 1]
      end
      for _, name in ipairs(NAMES) do
        local v = f[name] or ''
        out[#out + 1] = #v .. ':' .. v
      end
    end
    redis.call('HSET', tkey, 'log', (redis.call('HGET', tkey, 'log') or '') .. table.concat(out))
    redis.call('DEL', key)
    converted = converted + 1
  end
end
return converted
