-- Counts the accountability records (the entries with `ledger` '1' of the event stream
-- hl:events) of a period per unit (core/README.md §8), and the
-- tickets overdue now per unit. ARGV[5] from (ms)  ARGV[6] to (ms, inclusive).
-- Returns a flat list: unit, then its counts as name, value pairs, then '' ends the unit.
local entries = redis.call('XRANGE', P .. KEY.events, ARGV[5], ARGV[6])
local units, order = {}, {}
local function count(unit, name)
  if not units[unit] then units[unit] = {}; order[#order + 1] = unit end
  units[unit][name] = (units[unit][name] or 0) + 1
end
for _, e in ipairs(entries) do
  local f = {}
  for i = 1, #e[2], 2 do f[e[2][i]] = e[2][i + 1] end
  local unit, event = f.unit, f.event
  if f.ledger == '1' and unit and unit ~= '' then
    count(unit, event)
    if (event == 'signed' or event == 'answered') and f.late_ms == '0' then
      count(unit, event .. '_on_time')
    end
    if event == 'answered' and f.citizen_late_ms == '0' then
      count(unit, 'answered_citizen_on_time')
    elseif event == 'callback' then
      if f.satisfaction ~= 'unsatisfied' then count(unit, 'satisfied') end
      if f.solved == 'solved' then count(unit, 'solved') end
    end
  end
end
for _, id in ipairs(redis.call('ZRANGE', k_index(INDEX.overdue), 0, -1)) do
  local unit = redis.call('HGET', k_ticket(id), 'department')
  if unit then count(unit, 'overdue_now') end
end
local out = {}
for _, unit in ipairs(order) do
  out[#out + 1] = unit
  for name, n in pairs(units[unit]) do
    out[#out + 1] = name
    out[#out + 1] = tostring(n)
  end
  out[#out + 1] = ''
end
return out
