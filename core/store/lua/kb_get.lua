-- Reads the knowledge base (政策通, issue 17); every signed-in caller may.
-- ARGV[5] what:
--   'entry' id          the current version's hash, as HGETALL ({} when none)
--   'version' id n      the JSON of version n (false when none)
--   'versions' id       every version's JSON, newest first ({} when none)
--   'list'              each entry's summary, newest edit first: {{field, value, ...}, ...}
--   'ids'               every id
--   'many' id...        each id's hash, as HGETALL ({} for one gone), in the order given
local what = ARGV[5]
local function k_kb(id) return P .. KEY.kb .. id end
local function k_version(id, v) return P .. KEY.kb_version .. id .. ':' .. v end

if what == 'entry' then
  return redis.call('HGETALL', k_kb(ARGV[6]))
elseif what == 'version' then
  return redis.call('GET', k_version(ARGV[6], ARGV[7]))
elseif what == 'versions' then
  local out = {}
  local v = tonumber(redis.call('HGET', k_kb(ARGV[6]), 'version') or '0')
  for n = v, 1, -1 do
    out[#out + 1] = redis.call('GET', k_version(ARGV[6], n)) or '{}'
  end
  return out
elseif what == 'list' then
  local SUMMARY = {'id', 'title', 'unit', 'version', 'effective_from', 'effective_until',
    'reviewed_at', 'updated_ms'}
  local out = {}
  for _, id in ipairs(redis.call('ZREVRANGE', P .. KEY.kb_ids, 0, -1)) do
    local values = redis.call('HMGET', k_kb(id), unpack(SUMMARY))
    if values[1] then
      local row = {}
      for i, f in ipairs(SUMMARY) do
        row[#row + 1] = f
        row[#row + 1] = values[i] or ''
      end
      out[#out + 1] = row
    end
  end
  return out
elseif what == 'ids' then
  return redis.call('ZRANGE', P .. KEY.kb_ids, 0, -1)
elseif what == 'many' then
  local out = {}
  for k = 6, #ARGV do out[#out + 1] = redis.call('HGETALL', k_kb(ARGV[k])) end
  return out
end
return redis.error_reply('ERR kb_get: unknown ' .. tostring(what))
