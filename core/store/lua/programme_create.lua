-- Records a TV-inquiry programme (电视问政, issue 16) in one step: its hash, its place in
-- the programmes' index (by the show's date) and an entry on the event stream. Only a
-- supervisor may. The body was checked by core/tickets/supervision.c.
-- ARGV[5] today, YYYYMMDD (the id's day)   ARGV[6] the show's date (ms, local midnight)
-- ARGV[7] title   ARGV[8...] field, value pairs to store (date, units, notes, problems,
-- problem_count)
-- Returns {'created', id} | {'denied', why}
if ROLE ~= 'supervisor' then return {'denied', 'only a supervisor records programmes'} end
local id, key = record_id('P', ARGV[5], 3, k_programme)
if not id then return redis.error_reply('ERR programme_create: no free id for ' .. ARGV[5]) end
local fields = rest_pairs(8, {'id', id, 'date_ms', ARGV[6], 'title', ARGV[7],
  'created_ms', NOW, 'created_by', ACTOR, 'created_role', ROLE})
redis.call('HSET', key, unpack(fields))
redis.call('ZADD', k_index(INDEX.programmes), ARGV[6], id)
event(id, 'programme', {record = 'programme', note = ARGV[7]})
return {'created', id}
