-- What GET /metrics reads from Redis, for every daemon alike: open tickets by unit and
-- state (from the state indexes; at most 200,000 examined), then overdue tickets by unit.
-- Returns unit|state, count pairs, '', then unit, count pairs.
local open = {'received', 'pending_manual', 'dispatched', 'return_requested', 'accepted',
  'reopened'}
local LIMIT = 200000 -- tickets examined per scrape, at most
local counts, out, seen = {}, {}, 0
for _, state in ipairs(open) do
  local room = LIMIT - seen
  if room <= 0 then break end
  for _, id in ipairs(redis.call('ZRANGE', k_index(INDEX.state .. state), 0, room - 1)) do
    local unit = redis.call('HGET', k_ticket(id), 'department') or 'none'
    local key = unit .. '|' .. state
    counts[key] = (counts[key] or 0) + 1
    seen = seen + 1
  end
end
for key, n in pairs(counts) do out[#out + 1] = key; out[#out + 1] = tostring(n) end
out[#out + 1] = ''
local overdue = {}
for _, id in ipairs(redis.call('ZRANGE', k_index(INDEX.overdue), 0, LIMIT - 1)) do
  local unit = redis.call('HGET', k_ticket(id), 'department') or 'none'
  overdue[unit] = (overdue[unit] or 0) + 1
end
for unit, n in pairs(overdue) do out[#out + 1] = unit; out[#out + 1] = tostring(n) end
return out
