-- Reads one supervision record with what belongs to it, in one consistent step (issue 16).
-- ARGV[5] what: programme, case or accountability   ARGV[6] its id
-- Returns {} when there is no such record, else
--   programme:      {fields (flat HGETALL), its cases' ids, the tv tickets naming it}
--   case:           {fields, timeline entries as ticket_get gives a ticket's}
--   accountability: {fields, the id of the record that supersedes it or ''}
local what, id = ARGV[5], ARGV[6]
if what == 'programme' then
  local fields = redis.call('HGETALL', k_programme(id))
  if #fields == 0 then return {} end
  return {fields, redis.call('ZRANGE', k_index(INDEX.programme_cases .. id), 0, -1),
    redis.call('ZRANGE', k_index(INDEX.programme_tickets .. id), 0, -1)}
elseif what == 'case' then
  local fields = redis.call('HGETALL', k_case(id))
  if #fields == 0 then return {} end
  local entries, damaged_at = read_log(id)
  if not entries then
    return redis.error_reply('ERR supervision_get: the timeline of ' .. id ..
      ' is damaged at byte ' .. damaged_at)
  end
  return {fields, entries}
elseif what == 'accountability' then
  local fields = redis.call('HGETALL', k_accountability(id))
  if #fields == 0 then return {} end
  return {fields, redis.call('HGET', P .. KEY.superseded, id) or ''}
end
return redis.error_reply('ERR supervision_get: unknown record kind ' .. tostring(what))
