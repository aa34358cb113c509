-- Reads a ticket and its timeline in one consistent step.
-- ARGV[5] the ticket id.
-- Returns {} when there is no such ticket, else {fields (flat HGETALL, without the
-- timeline), timeline entries (at most 1000) as XRANGE gives a stream's:
-- {{n, {field, value, ...}}, ...}}. The timeline is the key log:<id> (lib.lua's audit).
local id = ARGV[5]
local fields = redis.call('HGETALL', k_ticket(id))
if #fields == 0 then return {} end
local s = redis.call('GET', k_log(id)) or ''
local NAMES = {'at', 'actor', 'role', 'action', 'from', 'to', 'note'}
local entries, pos = {}, 1
while pos <= #s and #entries < 1000 do
  local entry = {}
  for k = 1, 7 do
    local colon = string.find(s, ':', pos, true)
    local len = colon and tonumber(string.sub(s, pos, colon - 1))
    if not len then
      return redis.error_reply('ERR ticket_get: the timeline of ' .. id ..
        ' is damaged at byte ' .. pos)
    end
    entry[2 * k - 1] = NAMES[k]
    entry[2 * k] = string.sub(s, colon + 1, colon + len)
    pos = colon + len + 1
  end
  entries[#entries + 1] = {tostring(#entries + 1), entry}
end
return {fields, entries}
