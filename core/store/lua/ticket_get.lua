-- Reads a ticket and its timeline in one consistent step.
-- ARGV[5] the ticket id.
-- Returns {} when there is no such ticket, else {fields (flat HGETALL, without the
-- timeline), timeline entries (at most 1000) as XRANGE gives a stream's:
-- {{n, {field, value, ...}}, ...}}. The timeline is the key log:<id> (lib.lua's audit,
-- read back by read_log).
local id = ARGV[5]
local fields = redis.call('HGETALL', k_ticket(id))
if #fields == 0 then return {} end
local entries, damaged_at = read_log(id)
if not entries then
  return redis.error_reply('ERR ticket_get: the timeline of ' .. id ..
    ' is damaged at byte ' .. damaged_at)
end
return {fields, entries}
