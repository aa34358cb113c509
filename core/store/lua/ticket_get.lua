-- Reads a ticket and its timeline in one consistent step.
-- ARGV[5] the ticket id.
-- Returns {} when there is no such ticket, else {fields (flat HGETALL), audit entries
-- (XRANGE, at most 1000)}.
local id = ARGV[5]
local fields = redis.call('HGETALL', k_ticket(id))
if #fields == 0 then return {} end
return {fields, redis.call('XRANGE', k_audit(id), '-', '+', 'COUNT', 1000)}
