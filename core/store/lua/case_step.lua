-- One step of a supervised case's life (issue 16), atomic: the caller's right, the state,
-- the change, its timeline entry (lib.lua's audit, with the actor and role) and its entry
-- on the event stream. The steps:
--   plan       open -> rectifying        the lead unit submits its plan (整改方案)
--   progress   rectifying -> rectifying  the lead or a co-unit reports progress (any
--                                        number of times)
--   rectified  rectifying -> rectified   the lead unit reports it rectified (整改完成)
--   accept     rectified -> closed       a supervisor accepts it (验收通过); late_ms says
--                                        how late the accepted rectification was
--   send_back  rectified -> rectifying   a supervisor sends it back (退回) with a reason
-- A unit that neither leads nor co-handles the case is answered as for an unknown id.
-- ARGV[5] step   ARGV[6] case id   ARGV[7] the step's text (plan, progress, reason, note)
-- Returns {'ok', fields (flat HGETALL), state before} | {'missing'} | {'denied', why} |
--         {'conflict', why, allowed steps (commas)}
local STEPS = {
  plan = {from = 'open', to = 'rectifying', who = 'lead', field = 'plan'},
  progress = {from = 'rectifying', to = 'rectifying', who = 'unit', field = 'last_progress'},
  rectified = {from = 'rectifying', to = 'rectified', who = 'lead', field = 'rectified_note'},
  accept = {from = 'rectified', to = 'closed', who = 'supervisor', field = 'accept_note'},
  send_back = {from = 'rectified', to = 'rectifying', who = 'supervisor',
    field = 'send_back_reason'},
}
local ORDER = {'plan', 'progress', 'rectified', 'accept', 'send_back'}
local name, id, text = ARGV[5], ARGV[6], ARGV[7]
local step = STEPS[name]
if not step then return redis.error_reply('ERR case_step: unknown step ' .. tostring(name)) end
local key = k_case(id)
local c = redis.call('HMGET', key, 'state', 'lead_unit', 'co_units', 'created_ms',
  'deadline_ms', 'rectified_ms', 'send_backs')
local state, lead, co = c[1], c[2], c[3]
if not state then return {'missing'} end
local unit = caller_unit()
local is_co = false
for _, u in ipairs(split(co)) do is_co = is_co or u == unit end
if unit and unit ~= lead and not is_co then return {'missing'} end

if step.who == 'supervisor' and ROLE ~= 'supervisor' then
  return {'denied', 'only a supervisor may ' .. name .. ' a case'}
elseif step.who == 'lead' and unit ~= lead then
  return {'denied', 'only the lead unit (' .. lead .. ') may ' .. name .. ' a case'}
elseif step.who == 'unit' and not unit then
  return {'denied', 'only the lead unit or a co-unit may report progress'}
end
if state ~= step.from then
  local allowed = {}
  for _, s in ipairs(ORDER) do
    if STEPS[s].from == state then allowed[#allowed + 1] = string.gsub(s, '_', '-') end
  end
  return {'conflict', 'case ' .. id .. ' is ' .. state .. '; ' .. name ..
    ' is not allowed; allowed: ' .. (#allowed > 0 and table.concat(allowed, ', ') or 'none'),
    table.concat(allowed, ',')}
end

local fields = {'state', step.to, 'updated_ms', NOW, step.field, text,
  step.field .. '_ms', NOW, step.field .. '_by', ACTOR}
local ev = {unit = lead, record = 'case', note = text}
if name == 'rectified' then
  local late = tonumber(NOW) - tonumber(c[5] or NOW)
  if late < 0 then late = 0 end
  fields[#fields + 1] = 'rectified_ms'; fields[#fields + 1] = NOW
  fields[#fields + 1] = 'late_ms'; fields[#fields + 1] = string.format('%d', late)
  ev.late_ms = string.format('%d', late)
elseif name == 'accept' then
  fields[#fields + 1] = 'closed_ms'; fields[#fields + 1] = NOW
elseif name == 'send_back' then
  fields[#fields + 1] = 'send_backs'
  fields[#fields + 1] = tostring((tonumber(c[7]) or 0) + 1)
end
redis.call('HSET', key, unpack(fields))
if step.to ~= state then
  redis.call('ZREM', k_index(INDEX.case_state .. state), id)
  redis.call('ZADD', k_index(INDEX.case_state .. step.to), c[4], id)
end
audit(id, name, state, step.to, text)
if name == 'send_back' then
  tell_unit(lead, id, 'case_sent_back', text)
elseif name == 'rectified' then
  notice('supervision_office', id, 'case_rectified', text)
else
  event(id, 'case_' .. name, ev)
end
return {'ok', redis.call('HGETALL', key), state}
