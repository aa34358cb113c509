-- Creates or edits a knowledge-base entry (政策通, issue 17) in one step: the rights, the
-- checks only the store can make (exists, stale version), the new version in the hash
-- kb:<id>, its copy kbv:<id>:<version> (never changed after), kb:ids, and `kb_changed`
-- on the event stream, which every daemon's search index follows (tickets/kb_search.c).
-- Who did it is the version's updated_by. The body was checked by tickets/kb_input.c.
-- Rights: a supervisor writes any entry; a unit (dept:<code>) the entries of its own unit,
-- and cannot give one to another unit; nobody else writes.
-- ARGV[5] 'create' | 'edit'   ARGV[6] id   ARGV[7] the version edited ('' any)
-- ARGV[8...] field, value pairs: title, questions (JSON array), answer, unit, tags (JSON
-- array), source, effective_from, effective_until, reviewed_at
-- Returns {'created' | 'updated' | 'unchanged', {field, value, ...}}
--   | {'exists', version} | {'missing'} | {'stale', version} | {'denied', why}
local FIELDS = {'title', 'questions', 'answer', 'unit', 'tags', 'source', 'effective_from',
  'effective_until', 'reviewed_at'}
local ARRAYS = {questions = true, tags = true}
local mode, id, expected = ARGV[5], ARGV[6], ARGV[7]
local new = {}
for k = 8, #ARGV, 2 do new[ARGV[k]] = ARGV[k + 1] end
for _, f in ipairs(FIELDS) do
  if new[f] == nil then return redis.error_reply('ERR kb_write: no field ' .. f) end
end
if id == '' or id == 'ids' then return redis.error_reply('ERR kb_write: bad id') end

local key = P .. KEY.kb .. id
local unit = string.match(ROLE, '^dept:(.+)$')
if ROLE ~= 'supervisor' and not unit then
  return {'denied', 'only a supervisor or the unit that owns it writes an entry'}
end
if unit and new.unit ~= unit then
  return {'denied', 'a unit writes only its own entries (unit ' .. unit .. ')'}
end

local current = redis.call('HGET', key, 'version')
if mode == 'create' then
  if current then return {'exists', current} end
else
  if not current then return {'missing'} end
  if unit and redis.call('HGET', key, 'unit') ~= unit then
    return {'denied', 'the entry belongs to another unit'}
  end
  if expected ~= '' and expected ~= current then return {'stale', current} end
  local old = redis.call('HMGET', key, unpack(FIELDS))
  local same = true
  for i, f in ipairs(FIELDS) do
    if old[i] ~= new[f] then same = false end
  end
  if same then return {'unchanged', redis.call('HGETALL', key)} end
end

local version = tostring((tonumber(current) or 0) + 1)
local hash = {'id', id, 'version', version, 'updated_ms', NOW, 'updated_by', ACTOR}
local json = {'"id":' .. cjson.encode(id), '"version":' .. version}
for _, f in ipairs(FIELDS) do
  hash[#hash + 1] = f
  hash[#hash + 1] = new[f]
  json[#json + 1] = cjson.encode(f) .. ':' .. (ARRAYS[f] and new[f] or cjson.encode(new[f]))
end
json[#json + 1] = '"updated_ms":' .. NOW
json[#json + 1] = '"updated_by":' .. cjson.encode(ACTOR)
redis.call('HSET', key, unpack(hash))
redis.call('SET', P .. KEY.kb_version .. id .. ':' .. version, '{' .. table.concat(json, ',') .. '}')
redis.call('ZADD', P .. KEY.kb_ids, NOW, id)
event(id, 'kb_changed', {version = version, unit = new.unit, by = ACTOR})
return {mode == 'create' and 'created' or 'updated', redis.call('HGETALL', key)}
