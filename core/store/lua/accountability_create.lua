-- Records one accountability decision (问责, issue 16) in one step. Records are never
-- changed or deleted: a correction is a new record naming the one it corrects
-- (`supersedes`), noted in the hash hl:accountability-superseded (old id -> new id), and
-- both stay. Only a supervisor may. What only the store knows is checked before anything
-- is written: what the record stems from (cases, tickets) and what it supersedes exist,
-- and a record is superseded once (a later correction supersedes the correction).
-- The event on the stream carries the unit and the form, never the person's name.
-- ARGV[5] today, YYYYMMDD   ARGV[6] decided_on (ms)   ARGV[7] the person's unit
-- ARGV[8] form   ARGV[9] stems_from (case and ticket ids, commas)
-- ARGV[10] supersedes ('' for none)   ARGV[11...] field, value pairs to store
-- Returns {'created', id} | {'denied', why} | {'bad', field, why}
if ROLE ~= 'supervisor' then
  return {'denied', 'only a supervisor records accountability'}
end
local day, decided, unit, form, stems, supersedes =
  ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10]
local missing = first_missing(stems, false)
if missing then return {'bad', 'stems_from', 'stems_from: no such case or ticket: ' .. missing} end
local superseded = P .. KEY.superseded
if supersedes ~= '' then
  if redis.call('EXISTS', k_accountability(supersedes)) == 0 then
    return {'bad', 'supersedes', 'supersedes: no such record: ' .. supersedes}
  end
  local by = redis.call('HGET', superseded, supersedes)
  if by then
    return {'bad', 'supersedes', 'supersedes: ' .. supersedes .. ' is superseded by ' .. by ..
      ' already; correct that one'}
  end
end
local id, key = record_id('A', day, 4, k_accountability)
if not id then return redis.error_reply('ERR accountability_create: no free id for ' .. day) end
local fields = rest_pairs(11, {'id', id, 'decided_on_ms', decided, 'person_unit', unit,
  'form', form, 'stems_from', stems, 'created_ms', NOW, 'created_by', ACTOR,
  'created_role', ROLE})
if supersedes ~= '' then
  fields[#fields + 1] = 'supersedes'
  fields[#fields + 1] = supersedes
  redis.call('HSET', superseded, supersedes, id)
end
redis.call('HSET', key, unpack(fields))
redis.call('ZADD', k_index(INDEX.accountability), decided, id)
redis.call('ZADD', k_index(INDEX.accountability_unit .. unit), decided, id)
event(id, 'accountability', {record = 'accountability', unit = unit, form = form,
  supersedes = supersedes})
return {'created', id}
