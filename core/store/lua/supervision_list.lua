-- The lists of supervision records (issue 16): programmes by the show's date, cases by
-- creation (the three lists: kind problem, monthly, benchmark), accountability records
-- by decision date; each in a period and filtered. The narrowest index a filter names is
-- read, and every record of it checked against all the filters.
-- ARGV[5] what: programmes, cases or accountability   ARGV[6] from (ms)   ARGV[7] to (ms)
-- ARGV[8...] the filters by name (lib.lua's named_args): kind, unit (a case it leads or
-- co-handles; the person's unit of a record), state, overdue ('true': open past its
-- deadline; 'false': not), form
-- Returns at most 1000 records, oldest first, each its flat HGETALL; a record of
-- accountability also has the field superseded_by when a later one corrects it.
local what, from, to = ARGV[5], ARGV[6], ARGV[7]
local f = named_args(8, {}, {'kind', 'unit', 'state', 'overdue', 'form'})
local index, key_of
if what == 'programmes' then
  index, key_of = INDEX.programmes, k_programme
elseif what == 'cases' then
  key_of = k_case
  index = (f.unit and INDEX.case_unit .. f.unit) or (f.state and INDEX.case_state .. f.state)
    or (f.kind and INDEX.case_kind .. f.kind) or INDEX.cases
elseif what == 'accountability' then
  key_of = k_accountability
  index = f.unit and INDEX.accountability_unit .. f.unit or INDEX.accountability
else
  return redis.error_reply('ERR supervision_list: unknown list ' .. tostring(what))
end

local function matches(r)
  if what == 'cases' then
    local overdue = r.state ~= 'closed' and tonumber(r.deadline_ms or '') ~= nil and
      tonumber(r.deadline_ms) < tonumber(NOW)
    if f.kind and r.kind ~= f.kind then return false end
    if f.state and r.state ~= f.state then return false end
    if f.unit and r.lead_unit ~= f.unit then
      local co = false
      for _, u in ipairs(split(r.co_units)) do co = co or u == f.unit end
      if not co then return false end
    end
    if f.overdue and (f.overdue == 'true') ~= overdue then return false end
  elseif what == 'accountability' then
    if f.form and r.form ~= f.form then return false end
    if f.unit and r.person_unit ~= f.unit then return false end
  end
  return true
end

local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', k_index(index), from, to)) do
  local flat = redis.call('HGETALL', key_of(id))
  local r = {}
  for i = 1, #flat, 2 do r[flat[i]] = flat[i + 1] end
  if #flat > 0 and matches(r) then
    if what == 'accountability' then
      local by = redis.call('HGET', P .. KEY.superseded, id)
      if by then flat[#flat + 1] = 'superseded_by'; flat[#flat + 1] = by end
    end
    out[#out + 1] = flat
    if #out == 1000 then break end
  end
end
return out
