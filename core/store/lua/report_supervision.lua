-- The supervision summary of a period (issue 16; GET /v1/reports/supervision), each
-- figure with the records behind it:
--   programmes          the programmes shown in the period (by the show's date)
--   problems            the problems they exposed (the count; its records are the
--                       programmes, which list them)
--   cases_opened        the cases opened in the period; of these:
--   rectified_on_time   closed, the accepted rectification in time (late_ms 0)
--   rectified_late      closed, the accepted rectification late
--   still_open          not closed
--   accountability      the records decided in the period that no later record corrects
--                       (a correction counts in place of what it corrects), also by form
--                       (form:<form>) and by the person's unit (unit:<code>)
-- ARGV[5] from (ms)   ARGV[6] to (ms, inclusive)
-- Returns a list of figures, each {name, count, {ids}}, in the order above, then the
-- forms and units in the order first met.
local from, to = ARGV[5], ARGV[6]
local figures, by_name = {}, {}
local function figure(name)
  if not by_name[name] then
    by_name[name] = {name, 0, {}}
    figures[#figures + 1] = by_name[name]
  end
  return by_name[name]
end
local function count(name, id, n)
  local fig = figure(name)
  fig[2] = fig[2] + (n or 1)
  if id then fig[3][#fig[3] + 1] = id end
end
for _, name in ipairs({'programmes', 'problems', 'cases_opened', 'rectified_on_time',
    'rectified_late', 'still_open', 'accountability'}) do
  figure(name)
end

for _, id in ipairs(redis.call('ZRANGEBYSCORE', k_index(INDEX.programmes), from, to)) do
  count('programmes', id)
  count('problems', id, tonumber(redis.call('HGET', k_programme(id), 'problem_count')) or 0)
end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', k_index(INDEX.cases), from, to)) do
  local c = redis.call('HMGET', k_case(id), 'state', 'late_ms')
  count('cases_opened', id)
  if c[1] ~= 'closed' then
    count('still_open', id)
  elseif c[2] == '0' then
    count('rectified_on_time', id)
  else
    count('rectified_late', id)
  end
end
local superseded = P .. KEY.superseded
local forms, units = {}, {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', k_index(INDEX.accountability), from, to)) do
  if redis.call('HEXISTS', superseded, id) == 0 then
    local a = redis.call('HMGET', k_accountability(id), 'form', 'person_unit')
    count('accountability', id)
    if not forms[a[1]] then forms[a[1]] = {}; forms[#forms + 1] = a[1] end
    if not units[a[2]] then units[a[2]] = {}; units[#units + 1] = a[2] end
    table.insert(forms[a[1]], id)
    table.insert(units[a[2]], id)
  end
end
for _, form in ipairs(forms) do
  for _, id in ipairs(forms[form]) do count('form:' .. form, id) end
end
for _, unit in ipairs(units) do
  for _, id in ipairs(units[unit]) do count('unit:' .. unit, id) end
end
for _, fig in ipairs(figures) do fig[2] = tostring(fig[2]) end
return figures
