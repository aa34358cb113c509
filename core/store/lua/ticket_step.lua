-- One step of the department workflow (core/README.md §3), checked and applied in one
-- atomic step: the ticket's current state, the caller's right to take the step (a unit
-- acts on its own tickets; supervisors decide returns and extensions; agents call back),
-- the change, the unit's work queue, the indexes and the audit trail.
-- ARGV[5] step: sign, return, approve_return, reject_return, dispatch, co_handle, extend,
--         approve_extension, reject_extension, answer, callback, note
-- ARGV[6] ticket id
-- ARGV[7] approved returns after which a ticket goes to manual dispatch
-- ARGV[8...] the step's arguments by name, as lib.lua's named_args reads them; each
--         given only to the steps that take it:
--   text          the reason, answer or note ('' for none; always given)
--   unit          the unit to dispatch to (dispatch; approve_return, where it is optional)
--   units         the units to co-handle, comma-separated (co_handle)
--   days          the working days asked for (extend)
--   satisfaction  satisfied, basically_satisfied or unsatisfied (callback)
--   solved        solved or unsolved (callback)
--   return_until  the end of the return window (ms) and
--   policy        the SLA policy, for a dispatch (dispatch, approve_return)
-- Then the clocks to (re)start, as lib.lua's schedule_from reads them: sign and answer
--          for a dispatch, the new answer deadline for an approved extension, call-back
--          for an answer, answer for a call-back that reopens the ticket
-- Each step that a unit is held to also goes on the accountability ledger.
-- Returns {'ok', fields (flat), state before the step} | {'missing'} | {'denied', why} |
-- {'conflict', why}.
local step, id, max_returns = ARGV[5], ARGV[6], tonumber(ARGV[7])
local args, clocks_at = named_args(8, {'text'},
  {'unit', 'units', 'days', 'satisfaction', 'solved', 'return_until', 'policy'})
local text = args.text or ''
local tkey = k_ticket(id)
if redis.call('EXISTS', tkey) == 0 then return {'missing'} end
local t = redis.call('HMGET', tkey, 'state', 'department', 'co_units', 'returns',
  'extension_pending', 'created_ms', 'route_seq', 'excluded', 'return_from', 'master',
  'sign_due_ms', 'answer_due_ms', 'return_until_ms', 'citizen_due_ms')
local state, dept, co_units = t[1], t[2], t[3] or ''
local unit = string.match(ROLE, '^dept:(.+)$')

local function result(kind, why) return {kind, why} end
-- A unit that neither leads nor co-handles the ticket is told nothing about it (§9).
if unit and unit ~= dept and
    not string.find(',' .. co_units .. ',', ',' .. unit .. ',', 1, true) then
  return {'missing'}
end
local function ok() return {'ok', redis.call('HGETALL', tkey), state} end
local function conflict(allowed)
  if state == 'merged' then
    return result('conflict', 'ticket ' .. id .. ' was merged into ' .. (t[10] or '?') ..
      '; act on that ticket')
  end
  return result('conflict', 'ticket ' .. id .. ' is ' .. state .. '; ' .. step ..
    ' is allowed only when it is ' .. allowed)
end
local function lead_only()
  if unit and unit == dept then return nil end
  return result('denied', 'only the unit the ticket is dispatched to (' .. (dept or 'none') ..
    ') may ' .. step .. ' it')
end
local function role_only(...)
  for _, r in ipairs({...}) do if ROLE == r then return nil end end
  return result('denied', 'role ' .. ROLE .. ' may not ' .. step .. '; allowed: ' ..
    table.concat({...}, ', '))
end
local function in_states(...)
  for _, s in ipairs({...}) do if state == s then return true end end
  return false
end
local function listed(list, code)
  for c in string.gmatch(list, '[^,]+') do if c == code then return true end end
  return false
end
-- Sends the ticket to a unit: the field, its return window and time limits, the unit's
-- index and work queue.
local function dispatch_to(code, from, note)
  redis.call('HSET', tkey, 'department', code, 'dispatched_ms', NOW, 'routed_by', ACTOR,
    'route_reason', note)
  if args.return_until then
    redis.call('HSET', tkey, 'return_until_ms', args.return_until)
  end
  if args.policy then redis.call('HSET', tkey, 'sla_policy', args.policy) end
  redis.call('ZADD', k_index(INDEX.dept .. code), t[6], id)
  move_state(id, from, 'dispatched')
  tell_unit(code, id, 'dispatched', note, {})
end

-- How late (ms, 0 when in time) a step is against a deadline field's value.
local function late(due)
  local d = tonumber(due)
  if not d or tonumber(NOW) <= d then return 0 end
  return tonumber(NOW) - d
end

local denied
if step == 'sign' then
  denied = lead_only(); if denied then return denied end
  if not in_states('dispatched', 'reopened') then return conflict('dispatched or reopened') end
  redis.call('HSET', tkey, 'accepted_ms', NOW, 'signed_by', ACTOR)
  move_state(id, state, 'accepted')
  -- the unit is held to signing for a dispatch; taking back a reopened ticket is not one
  if state == 'dispatched' then ledger(dept, id, 'signed', {late_ms = late(t[11])}) end
  unschedule(id, 'sign')
  audit(id, 'sign', state, 'accepted', text)

elseif step == 'return' then
  denied = lead_only(); if denied then return denied end
  if not in_states('dispatched', 'accepted') then return conflict('dispatched or accepted') end
  if t[13] and tonumber(NOW) > tonumber(t[13]) then
    return result('conflict', 'the return window of ticket ' .. id .. ' closed ' ..
      math.floor(late(t[13]) / 60000) .. ' min ago: a unit asks to return a ticket ' ..
      'soon after dispatch, or handles it')
  end
  redis.call('HSET', tkey, 'return_reason', text, 'return_from', state,
    'return_requested_ms', NOW)
  move_state(id, state, 'return_requested')
  audit(id, 'return', state, 'return_requested', text)
  notice('supervisors', id, 'return_requested', dept .. ': ' .. text)

elseif step == 'approve_return' then
  denied = role_only('supervisor'); if denied then return denied end
  if state ~= 'return_requested' then return conflict('return_requested') end
  local returns = (tonumber(t[4]) or 0) + 1
  local excluded = t[8] and (t[8] .. ',' .. dept) or dept
  local to = args.unit -- reassigned at once, or routed again when nil
  if to and listed(excluded, to) then
    return result('conflict', to .. ' has returned ticket ' .. id ..
      ' already; to keep it with ' .. dept .. ', reject the return instead')
  end
  ledger(dept, id, 'returned', {reason = redis.call('HGET', tkey, 'return_reason') or ''})
  redis.call('HSET', tkey, 'returns', returns, 'excluded', excluded)
  -- the unit's pending extension request goes with it
  redis.call('HDEL', tkey, 'department', 'extension_pending', 'extension_days',
    'extension_reason')
  redis.call('ZREM', k_index(INDEX.dept .. dept), id)
  tell_unit(dept, id, 'return_approved', text)
  unschedule(id)
  if to then
    dispatch_to(to, state, 'reassigned by ' .. ACTOR .. ': ' .. text)
    schedule_from(id, clocks_at)
    audit(id, 'reassign', state, 'dispatched', dept .. ' -> ' .. to .. ': ' .. text)
  elseif returns >= max_returns then
    redis.call('HSET', tkey, 'manual_reason', 'returned ' .. returns .. ' times')
    move_state(id, state, 'pending_manual')
    audit(id, 'return_approved', state, 'pending_manual', 'returned ' .. returns ..
      ' times; ' .. text)
    notice('dispatchers', id, 'pending_manual', 'returned ' .. returns .. ' times')
  else
    local seq = (tonumber(t[7]) or 1) + 1
    redis.call('HSET', tkey, 'route_seq', seq, 'route_attempts', 0)
    move_state(id, state, 'received')
    redis.call('XADD', P .. KEY.intake, '*', 'id', id, 'seq', tostring(seq))
    audit(id, 'return_approved', state, 'received', 're-routing without ' .. excluded ..
      '; ' .. text)
  end

elseif step == 'reject_return' then
  denied = role_only('supervisor'); if denied then return denied end
  if state ~= 'return_requested' then return conflict('return_requested') end
  local back = t[9] or 'dispatched'
  move_state(id, state, back)
  audit(id, 'return_rejected', state, back, text)
  tell_unit(dept, id, 'return_rejected', text)

elseif step == 'dispatch' then
  denied = role_only('agent', 'supervisor'); if denied then return denied end
  if state ~= 'pending_manual' then return conflict('pending_manual') end
  dispatch_to(args.unit, state, 'dispatched by ' .. ACTOR .. ': ' .. text)
  schedule_from(id, clocks_at)
  audit(id, 'dispatch', state, 'dispatched', args.unit .. ': ' .. text)

elseif step == 'co_handle' then
  denied = role_only('supervisor'); if denied then return denied end
  if not in_states('dispatched', 'accepted', 'reopened', 'return_requested') then
    return conflict('dispatched, accepted, reopened or return_requested')
  end
  for code in string.gmatch(args.units, '[^,]+') do
    if code ~= dept and not listed(co_units, code) then
      co_units = co_units == '' and code or (co_units .. ',' .. code)
      redis.call('ZADD', k_index(INDEX.dept .. code), t[6], id)
      tell_unit(code, id, 'co_handle', 'lead unit ' .. (dept or '?') .. ': ' .. text)
    end
  end
  redis.call('HSET', tkey, 'co_units', co_units, 'updated_ms', NOW)
  audit(id, 'co_handle', state, state, co_units .. ': ' .. text)

elseif step == 'extend' then
  denied = lead_only(); if denied then return denied end
  if state ~= 'accepted' then return conflict('accepted') end
  if t[5] == '1' then
    return result('conflict', 'ticket ' .. id .. ' is ' .. state ..
      ' and an extension request is already waiting')
  end
  redis.call('HSET', tkey, 'extension_pending', '1', 'extension_days', args.days,
    'extension_reason', text, 'updated_ms', NOW)
  audit(id, 'extension_requested', state, state, args.days .. ' working days: ' .. text)
  notice('supervisors', id, 'extension_requested',
    dept .. ': ' .. args.days .. 'wd: ' .. text)

elseif step == 'approve_extension' or step == 'reject_extension' then
  denied = role_only('supervisor'); if denied then return denied end
  if state ~= 'accepted' then return conflict('accepted') end
  if t[5] ~= '1' then
    return result('conflict', 'ticket ' .. id .. ' is ' .. state ..
      ' and no extension request is waiting')
  end
  redis.call('HDEL', tkey, 'extension_pending')
  if step == 'approve_extension' then
    local days = redis.call('HGET', tkey, 'extension_days')
    redis.call('HINCRBY', tkey, 'extensions', 1)
    redis.call('HSET', tkey, 'extension_granted_days', days, 'updated_ms', NOW)
    schedule_from(id, clocks_at)
    ledger(dept, id, 'extended', {days = days})
    audit(id, 'extension_approved', state, state, days .. ' working days: ' .. text)
    tell_unit(dept, id, 'extension_approved', days .. ' working days')
  else
    redis.call('HSET', tkey, 'updated_ms', NOW)
    audit(id, 'extension_rejected', state, state, text)
    tell_unit(dept, id, 'extension_rejected', text)
  end

elseif step == 'answer' then
  denied = lead_only(); if denied then return denied end
  if not in_states('accepted', 'reopened') then return conflict('accepted or reopened') end
  redis.call('HSET', tkey, 'answer', text, 'resolved_ms', NOW, 'answered_by', ACTOR)
  redis.call('HDEL', tkey, 'extension_pending')
  move_state(id, state, 'resolved')
  -- the unit's clock (restarted by a re-dispatch) and the citizen's (never restarted)
  ledger(dept, id, 'answered', {late_ms = late(t[12]), citizen_late_ms = late(t[14])})
  unschedule(id)
  schedule_from(id, clocks_at)
  audit(id, 'answer', state, 'resolved', text)

elseif step == 'callback' then
  denied = role_only('agent'); if denied then return denied end
  if state ~= 'resolved' then return conflict('resolved') end
  local satisfaction, solved = args.satisfaction, args.solved
  redis.call('HSET', tkey, 'satisfaction', satisfaction, 'solved', solved,
    'callback_ms', NOW, 'callback_by', ACTOR)
  local note = satisfaction .. ', ' .. solved .. (text ~= '' and (': ' .. text) or '')
  unschedule(id, 'callback')
  ledger(dept, id, 'callback', {satisfaction = satisfaction, solved = solved})
  if satisfaction == 'unsatisfied' or solved == 'unsolved' then
    redis.call('HINCRBY', tkey, 'reopens', 1)
    move_state(id, state, 'reopened')
    schedule_from(id, clocks_at)
    audit(id, 'callback', state, 'reopened', note)
    tell_unit(dept, id, 'reopened', note, {})
  else
    redis.call('HSET', tkey, 'closed_ms', NOW)
    move_state(id, state, 'closed')
    audit(id, 'callback', state, 'closed', note)
  end

elseif step == 'note' then
  if not (ROLE == 'supervisor' or ROLE == 'agent' or (unit and (unit == dept or
      listed(co_units, unit)))) then
    return result('denied', 'only the lead unit, co-handling units, agents and supervisors ' ..
      'may add notes')
  end
  audit(id, 'note', state, state, text)

else
  return redis.error_reply('ERR ticket_step: unknown step ' .. tostring(step))
end
return ok()
