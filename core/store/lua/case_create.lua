-- Opens a supervised case (督办件, issue 16) in one step: its hash in state `open`, the
-- first entry of its timeline (lib.lua's audit, as a ticket's), its indexes, and the
-- lead and co-units told on their work queues (lib.lua's tell_unit). Only a supervisor
-- may. The body was checked by core/tickets/supervision_cases.c; what only the store
-- knows is checked here, before anything is written: the linked tickets and the source
-- programme or tickets exist.
-- ARGV[5] today, YYYYMMDD   ARGV[6] kind   ARGV[7] lead unit   ARGV[8] co-units (commas)
-- ARGV[9] linked tickets (commas)   ARGV[10] source programme id ('' for none)
-- ARGV[11] source ticket ids (commas)   ARGV[12] title
-- ARGV[13...] its clock, as lib.lua's schedule_from reads it (the rectification deadline,
-- `rectify`, with its stages: core/README.md §7), then field, value pairs to store
-- Returns {'created', id} | {'denied', why} | {'bad', field, why}
if ROLE ~= 'supervisor' then return {'denied', 'only a supervisor opens cases'} end
local day, kind, lead, co, tickets = ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9]
local programme, source_tickets, title = ARGV[10], ARGV[11], ARGV[12]
local missing = first_missing(tickets, true)
if missing then return {'bad', 'tickets', 'tickets: no such ticket: ' .. missing} end
missing = first_missing(source_tickets, true)
if missing then return {'bad', 'source', 'source: no such ticket: ' .. missing} end
if programme ~= '' and redis.call('EXISTS', k_programme(programme)) == 0 then
  return {'bad', 'source', 'source: no such programme: ' .. programme}
end
local id, key = record_id('C', day, 4, k_case)
if not id then return redis.error_reply('ERR case_create: no free id for ' .. day) end
local fields = {}
local after_clock = schedule_from(id, 13, fields, true)
fields = rest_pairs(after_clock, fields)
local base = {'id', id, 'kind', kind, 'lead_unit', lead, 'co_units', co,
  'tickets', tickets, 'title', title, 'state', 'open', 'created_ms', NOW, 'updated_ms', NOW,
  'created_by', ACTOR, 'created_role', ROLE}
for _, v in ipairs(base) do fields[#fields + 1] = v end
if programme ~= '' then
  fields[#fields + 1] = 'source_programme'
  fields[#fields + 1] = programme
  redis.call('ZADD', k_index(INDEX.programme_cases .. programme), NOW, id)
end
redis.call('HSET', key, unpack(fields))
audit(id, 'open', '', 'open', title)
redis.call('ZADD', k_index(INDEX.cases), NOW, id)
redis.call('ZADD', k_index(INDEX.case_state .. 'open'), NOW, id)
redis.call('ZADD', k_index(INDEX.case_kind .. kind), NOW, id)
redis.call('ZADD', k_index(INDEX.case_unit .. lead), NOW, id)
tell_unit(lead, id, 'case_opened', title)
for _, unit in ipairs(split(co)) do
  redis.call('ZADD', k_index(INDEX.case_unit .. unit), NOW, id)
  tell_unit(unit, id, 'case_opened', title)
end
return {'created', id}
