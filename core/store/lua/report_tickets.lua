-- The tickets behind one figure of the units report: the accountability records (the
-- entries with `ledger` '1' of the event stream hl:events) of a unit and a
-- metric in a period. ARGV[5] unit  ARGV[6] metric (a ledger event, or received,
-- signed_on_time, answered_on_time, answered_citizen_on_time, satisfied, solved,
-- overdue_now)  ARGV[7] from (ms)  ARGV[8] to (ms).
-- Returns the ticket ids, oldest first, each once.
local unit, metric = ARGV[5], ARGV[6]
local out, seen = {}, {}
if metric == 'overdue_now' then -- not a ledger event: the tickets late now
  for _, id in ipairs(redis.call('ZRANGE', k_index(INDEX.overdue), 0, -1)) do
    if redis.call('HGET', k_ticket(id), 'department') == unit then out[#out + 1] = id end
  end
  return out
end
if metric == 'received' then metric = 'dispatched' end
local base = string.gsub(metric, '_on_time$', '')
if metric == 'answered_citizen_on_time' then base = 'answered' end
if metric == 'satisfied' or metric == 'solved' then base = 'callback' end
for _, e in ipairs(redis.call('XRANGE', P .. KEY.events, ARGV[7], ARGV[8])) do
  local f = {}
  for i = 1, #e[2], 2 do f[e[2][i]] = e[2][i + 1] end
  if f.ledger == '1' and f.unit == unit and f.event == base and not seen[f.id] then
    local hit = true
    if metric ~= base then
      hit = (metric == 'satisfied' and f.satisfaction ~= 'unsatisfied') or
            (metric == 'solved' and f.solved == 'solved') or
            (metric == 'answered_citizen_on_time' and f.citizen_late_ms == '0') or
            (metric ~= 'answered_citizen_on_time' and string.find(metric, '_on_time$') and
              f.late_ms == '0')
    end
    if hit then seen[f.id] = true; out[#out + 1] = f.id end
  end
end
return out
