-- A job a plugin gave up on (host->outbox_dead), in one step: copied with the reason to
-- the dead-letter stream (hl:deadletter), removed from the outbox, and, when it concerns
-- a ticket, flagged on the ticket (field delivery_failed), written to its audit trail and
-- told to the supervisors (a notice on hl:events). Run with lib.lua in front, as the plugin.
-- ARGV[5]  plugin instance name   ARGV[6]  the outbox's consumer group
-- ARGV[7]  the job's entry id     ARGV[8]  ticket id, or ''
-- ARGV[9]  reason
-- Returns 'dead', or 'gone' when the job was no longer in the outbox (ended already).
local plugin, group, job, id, reason = ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9]
local stream = P .. KEY.outbox .. plugin
local entry = redis.call('XRANGE', stream, job, job)[1]
if not entry then return 'gone' end
local payload = ''
for i = 1, #entry[2], 2 do
  if entry[2][i] == 'payload' then payload = entry[2][i + 1] end
end
redis.call('XADD', P .. KEY.deadletter, 'MAXLEN', '~', '100000', '*', 'plugin', plugin,
  'job', job, 'ticket', id, 'reason', reason, 'at', NOW, 'payload', payload)
redis.call('XACK', stream, group, job)
redis.call('XDEL', stream, job)
if id ~= '' and redis.call('EXISTS', k_ticket(id)) == 1 then
  local note = plugin .. ': ' .. reason
  local state = redis.call('HGET', k_ticket(id), 'state')
  redis.call('HSET', k_ticket(id), 'delivery_failed', note)
  audit(id, 'delivery_failed', state, state, note)
  notice('supervisors', id, 'delivery_failed', note)
end
return 'dead'
