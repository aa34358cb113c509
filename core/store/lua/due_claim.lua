-- Claims the stages that have fallen due (core/README.md §7): each is removed from
-- hl:due in this one step, so it fires exactly once however many daemons claim. A
-- stage whose clock no longer runs (signed in time, answered, closed) is dropped
-- silently; the others write an audit entry and a ledger entry and are returned for
-- the plugins' on_event.
-- ARGV[5] most stages to claim.
-- Returns a flat list: first '1' when the claim took as many as it could (more may be
-- due: claim again at once), else '0'; then id, clock, stage, audience, due_ms, late_ms,
-- unit, per stage that fired (fewer than were claimed when some were dropped).
local most = tonumber(ARGV[5])
local due = redis.call('ZRANGE', P .. KEY.due, '-inf', NOW, 'BYSCORE', 'LIMIT', 0, most,
  'WITHSCORES')
local runs = {
  sign = {dispatched = true, return_requested = true}, -- a return request does not stop it
  answer = {dispatched = true, accepted = true, return_requested = true, reopened = true},
  callback = {resolved = true},
}
local out = {#due / 2 >= most and '1' or '0'}
for i = 1, #due, 2 do
  local member, at = due[i], due[i + 1]
  if redis.call('ZREM', P .. KEY.due, member) == 1 then
    local id, clock, stage, audience = string.match(member, '^([^|]+)|([^|]+)|([^|]+)|(.*)$')
    local t = redis.call('HMGET', k_ticket(id), 'state', 'department', clock .. '_next',
      clock .. '_plan', 'log')
    if t[3] == member then -- the next of the plan: line up the one after it
      local n, k = 0, 0
      for s in string.gmatch(t[4] or '', '([^|;]+)|[^;]*') do
        k = k + 1
        if s == stage then n = k end
      end
      schedule_stage(id, clock, t[4] or '', n + 1)
    end
    if t[1] and runs[clock] and runs[clock][t[1]] then
      local late = tonumber(NOW) - tonumber(at)
      local note = clock .. ' ' .. stage .. (audience ~= '' and (' to ' .. audience) or '') ..
        (late > 60000 and (', late by ' .. math.floor(late / 1000) .. ' s') or '')
      -- the entry and the clock's status with one HSET
      local fields = {}
      audit(id, 'stage', t[1], t[1], note, fields, t[5])
      if stage ~= 'warning' then put(id, fields, clock .. '_status', stage) end
      redis.call('HSET', k_ticket(id), unpack(fields))
      ledger(t[2], id, stage, {clock = clock, stage_audience = audience, due_ms = at,
        late_ms = late})
      if stage ~= 'warning' and stage ~= 'overdue' then
        redis.call('HINCRBY', k_ticket(id), 'escalations', 1)
      end
      if stage == 'overdue' then
        redis.call('ZADD', k_index(INDEX.overdue), at, id)
      end
      for _, v in ipairs({id, clock, stage, audience, at, tostring(late), t[2] or ''}) do
        out[#out + 1] = v
      end
    end
  end
end
return out
