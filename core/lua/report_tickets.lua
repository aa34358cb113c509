-- The tickets behind one figure of the units report: the ledger entries of a unit and a
-- metric in a period. ARGV[5] unit  ARGV[6] metric (a ledger event, or signed_on_time,
-- answered_on_time, satisfied, solved)  ARGV[7] from (ms)  ARGV[8] to (ms).
-- Returns the ticket ids, oldest first, each once.
local unit, metric = ARGV[5], ARGV[6]
local base = string.gsub(metric, '_on_time$', '')
if metric == 'satisfied' or metric == 'solved' then base = 'callback' end
local out, seen = {}, {}
for _, e in ipairs(redis.call('XRANGE', P .. 'ledger', ARGV[7], ARGV[8])) do
  local f = {}
  for i = 1, #e[2], 2 do f[e[2][i]] = e[2][i + 1] end
  if f.unit == unit and f.event == base and not seen[f.id] then
    local hit = true
    if metric ~= base then
      hit = (metric == 'satisfied' and f.satisfaction ~= 'unsatisfied') or
            (metric == 'solved' and f.solved == 'solved') or
            (string.find(metric, '_on_time$') and f.late_ms == '0')
    end
    if hit then seen[f.id] = true; out[#out + 1] = f.id end
  end
end
return out
