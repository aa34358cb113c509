-- Claims the tickets whose stages have fallen due (core/README.md §7): each ticket's
-- hl:due member is removed in this one step, so its stages fire exactly once however
-- many daemons claim. Every stage of the ticket's clocks due by now fires, in the order
-- of its plan; one whose clock no longer runs (signed in time, answered, closed) is
-- dropped silently; the others write an audit entry and a ledger entry and are returned
-- for the plugins' on_event. The ticket's member goes back at its next stage's time, or
-- not at all when no clock has one.
-- Supervised cases (督办件, issue 16) run on the same engine: a case's id (C...) in
-- hl:due, its one clock `rectify` (its rectification deadline) planned on case:<id> as a
-- ticket's are, running while the case is open or being rectified. Its stages go to its
-- timeline and onto the event stream as record-keeping (record 'case', not the ledger:
-- the units report counts tickets), and are returned as a ticket's are.
-- A ticket's member while it is received at its first routing sequence (before it,
-- no clock ever ran) is its routing lease (hand-off, ticket_create.lua): the
-- daemon that took it in did not route it in time (it died, or stopped), so it goes on
-- the routing stream now, its attempt counted by route_load (requeued), and its timeline
-- says so; the member is not put back (the stream's own takeover covers it from here).
-- ARGV[5] most tickets and cases to claim.
-- Returns a flat list: first '1' when the claim took as many as it could (more may be
-- due: claim again at once), else '0'; then id, clock, stage, audience, due_ms, late_ms,
-- unit, per stage that fired.
local most = tonumber(ARGV[5])
local due = redis.call('ZRANGE', P .. KEY.due, '-inf', NOW, 'BYSCORE', 'LIMIT', 0, most)
local runs = {
  sign = {dispatched = true, return_requested = true}, -- a return request does not stop it
  answer = {dispatched = true, accepted = true, return_requested = true, reopened = true},
  callback = {resolved = true},
  rectify = {open = true, rectifying = true},
}
-- What is claimed: a ticket, or a case (its id starts with C); the key of its hash, its
-- clocks, and the field naming its unit.
local TICKET = {key = k_ticket, clocks = CLOCKS, unit = 'department'}
local CASE = {key = function(id) return P .. KEY.case .. id end, clocks = {'rectify'},
  unit = 'lead_unit', case = true}
local now = tonumber(NOW)
local out = {#due >= most and '1' or '0'}

-- Fires one stage of a ticket (in state `state`, of unit `unit`): its ledger entry, the
-- counters and indexes, and the caller's list; returns its audit entry, which the caller
-- appends with the ticket's others in one APPEND.
local function fire(what, id, state, unit, clock, stage, audience, at)
  local late = now - at
  local due_ms = string.format('%d', at)
  local note = clock .. ' ' .. stage .. (audience ~= '' and (' to ' .. audience) or '') ..
    (late > 60000 and (', late by ' .. math.floor(late / 1000) .. ' s') or '')
  local fields = {clock = clock, stage_audience = audience, due_ms = due_ms, late_ms = late}
  if what.case then
    fields.unit, fields.record = unit or '', 'case'
    event(id, stage, fields)
  else
    ledger(unit, id, stage, fields)
  end
  if stage ~= 'warning' and stage ~= 'overdue' then
    redis.call('HINCRBY', what.key(id), 'escalations', 1)
  end
  if stage == 'overdue' and not what.case then
    redis.call('ZADD', k_index(INDEX.overdue), due_ms, id)
  end
  for _, v in ipairs({id, clock, stage, audience, due_ms, tostring(late), unit or ''}) do
    out[#out + 1] = v
  end
  return audit_entry('stage', state, state, note)
end

for _, id in ipairs(due) do
  if redis.call('ZREM', P .. KEY.due, id) == 1 then
    local what = string.sub(id, 1, 1) == 'C' and CASE or TICKET
    local key = what.key(id)
    local names = {'state', what.unit}
    for _, clock in ipairs(what.clocks) do
      names[#names + 1] = clock .. '_next'
      names[#names + 1] = clock .. '_plan'
    end
    if not what.case then names[#names + 1] = 'route_seq' end
    local t = redis.call('HMGET', key, unpack(names))
    local state, unit = t[1], t[2]
    if state == 'received' and not what.case and (t[#names] or '1') == '1' then
      redis.call('XADD', P .. KEY.intake, '*', 'id', id, 'seq', '1', 'requeued', '1')
      audit(id, 'requeued', state, state, 'routing lease ran out: the daemon that took ' ..
        'it in did not route it; back on the routing stream')
      t = {} -- no clock runs while it is received
    end
    local fields, entries, soonest = {}, {}, nil
    for c, clock in ipairs(what.clocks) do
      local n, plan = tonumber(t[1 + 2 * c]), t[2 + 2 * c]
      if n and plan then
        local at, stage, audience = plan_stage(plan, n)
        while at and at <= now do
          if state and runs[clock][state] then
            entries[#entries + 1] = fire(what, id, state, unit, clock, stage, audience, at)
            if stage ~= 'warning' then
              fields[#fields + 1] = clock .. '_status'
              fields[#fields + 1] = stage
            end
          end
          n = n + 1
          at, stage, audience = plan_stage(plan, n)
        end
        if at then
          fields[#fields + 1] = clock .. '_next'
          fields[#fields + 1] = tostring(n)
          if not soonest or at < soonest then soonest = at end
        else
          redis.call('HDEL', key, clock .. '_next')
        end
      end
    end
    -- the entries with one APPEND, the clocks' status with one HSET
    if #entries > 0 then redis.call('APPEND', k_log(id), table.concat(entries)) end
    if #fields > 0 then redis.call('HSET', key, unpack(fields)) end
    if soonest then redis.call('ZADD', P .. KEY.due, string.format('%d', soonest), id) end
  end
end
return out
