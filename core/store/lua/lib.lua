-- Shared by the ticket scripts; the build puts it in front of each of them.
-- Every ticket script takes ARGV[1] = key prefix, ARGV[2] = now (ms), ARGV[3] = actor,
-- ARGV[4] = the actor's role. Key names are KEY.x and INDEX.x, put in front of this by
-- the build from core/store/keys.h; no script spells one itself.
-- Ticket keys are built here from ids the scripts generate or read, so these scripts
-- need a single Redis (or Sentinel), not Redis Cluster (core/README.md §10).
local P, NOW, ACTOR, ROLE = ARGV[1], ARGV[2], ARGV[3], ARGV[4]

local function k_ticket(id) return P .. KEY.ticket .. id end
local function k_log(id) return P .. KEY.log .. id end
local function k_index(name) return P .. KEY.index .. name end

-- A script's own arguments by name (route_load, route_commit, ticket_step): ARGV[i] is
-- how many name/value pairs follow it. Returns them as a table, and the index of the ARGV
-- after them (where positional arguments, such as schedule_from's clocks, go on). Every
-- name of `required` must be given; those of `optional` may be; no other is allowed, so
-- that an argument cannot shift into another's place unnoticed: the script fails
-- instead, before it writes anything.
local function named_args(i, required, optional)
  local n, args, known = tonumber(ARGV[i]), {}, {}
  if not n then error('named_args: ARGV[' .. i .. '] is not the number of pairs') end
  for _, name in ipairs(required) do known[name] = true end
  for _, name in ipairs(optional or {}) do known[name] = true end
  for k = 1, n do
    local name, value = ARGV[i + 2 * k - 1], ARGV[i + 2 * k]
    if not known[name] then error('named_args: unknown argument ' .. tostring(name)) end
    if value == nil then error('named_args: argument ' .. name .. ' has no value') end
    args[name] = value
  end
  for _, name in ipairs(required) do
    if args[name] == nil then error('named_args: missing argument ' .. name) end
  end
  return args, i + 1 + 2 * n
end

-- A ticket's timeline is a string key of its own, log:<id> (layout 4; its hash's field
-- `log` in layouts 2 and 3, a stream in layout 1): entries one after another, each its
-- seven fields at, actor, role, action, from, to and note, every field written as its
-- length in bytes, ':' and the bytes ("13:1796569770381" ...), so that no text can run
-- into the next. Entries are APPENDed, so a step propagates (AOF, replicas) only its
-- entry's bytes, and the ticket hash stays small. ticket_get.lua reads it back.
local function audit_entry(action, from, to, note)
  from, to, note = from or '', to or '', note or ''
  return #NOW .. ':' .. NOW .. #ACTOR .. ':' .. ACTOR .. #ROLE .. ':' .. ROLE ..
    #action .. ':' .. action .. #from .. ':' .. from .. #to .. ':' .. to ..
    #note .. ':' .. note
end

-- A timeline read back (log:<id>, written by audit): its entries, oldest first, at most
-- 1000, each as XRANGE gives a stream's entry: {n, {'at', v, 'actor', v, ...}}; or nil
-- and the byte where it is damaged. Tickets (ticket_get) and supervised cases
-- (supervision_get) keep theirs alike.
local LOG_FIELDS = {'at', 'actor', 'role', 'action', 'from', 'to', 'note'}
local function read_log(id)
  local s = redis.call('GET', k_log(id)) or ''
  local entries, pos = {}, 1
  while pos <= #s and #entries < 1000 do
    local entry = {}
    for k = 1, 7 do
      local colon = string.find(s, ':', pos, true)
      local len = colon and tonumber(string.sub(s, pos, colon - 1))
      if not len then return nil, pos end
      entry[2 * k - 1] = LOG_FIELDS[k]
      entry[2 * k] = string.sub(s, colon + 1, colon + len)
      pos = colon + len + 1
    end
    entries[#entries + 1] = {tostring(#entries + 1), entry}
  end
  return entries
end

-- The next free id of a day: `seq_key` counts the day's records (it lives a week), and
-- make_id(n) spells the id of the nth, key_of(id) its record's key. A counter that starts
-- afresh may have been lost (a restored backup): it then steps past the ids already
-- taken rather than reuse one; a running counter is trusted, which saves a call per
-- record. Returns the id and its key, or nil when no id is free. Tickets
-- (ticket_create: 20261206-000001) and the supervision records (P20261206-001,
-- C20261206-0001, A20261206-0001) take theirs so.
local function day_id(seq_key, make_id, key_of)
  local fresh = false
  for _ = 1, 100000 do
    local seq = redis.call('INCR', seq_key)
    if seq == 1 then
      redis.call('EXPIRE', seq_key, 7 * 86400)
      fresh = true
    end
    local id = make_id(seq)
    local key = key_of(id)
    if not fresh or redis.call('EXISTS', key) == 0 then return id, key end
  end
  return nil
end

-- Ticket fields to write: appended to the caller's list `fields` (field, value, ...) when
-- it gives one, to be written with its own HSET, or written at once. A script that sets
-- many fields thus makes one HSET: each redis.call costs more than the write.
local function put(id, fields, ...)
  if fields then
    for i = 1, select('#', ...) do
      local v = select(i, ...)
      if v == nil then error('put: value ' .. i .. ' for ticket ' .. id .. ' is nil') end
      fields[#fields + 1] = v
    end
  else
    redis.call('HSET', k_ticket(id), ...)
  end
end

-- Appends one entry to a ticket's timeline: who did what, from which state to which.
-- One APPEND, no read.
local function audit(id, action, from, to, note)
  redis.call('APPEND', k_log(id), audit_entry(action, from, to, note))
end

-- Moves a ticket to another state: the field, updated_ms and the state indexes. The
-- state indexes are scored by creation time: pass created_ms when the caller has it.
-- `fields`: see put.
local function move_state(id, from, to, created, fields)
  created = created or redis.call('HGET', k_ticket(id), 'created_ms')
  put(id, fields, 'state', to, 'updated_ms', NOW)
  if from and from ~= '' then redis.call('ZREM', k_index(INDEX.state .. from), id) end
  redis.call('ZADD', k_index(INDEX.state .. to), created, id)
end

-- One entry on the event stream (hl:events, core/README.md §4), the one record of what
-- happened to tickets: each entry is self-describing, its fields `at` (the daemon's
-- time), `id` (the ticket), `event`, then who it is for: `unit` (the unit concerned) with
-- `queue` '1' when it is on that unit's work queue and `ledger` '1' when it is an
-- accountability record the reports count, `audience` when it is a notice to one, and
-- the event's own fields (note, policy, late_ms, ...). Its stream id carries the
-- daemon's time (never going back), so that reports read a period with XRANGE. XADD
-- refuses a time below the stream's top (another daemon's clock ahead, a test clock moved
-- back by a restart): only then is the top read, and the entry takes its time. Not
-- capped: the reports need its history, as they needed the ledger's.
local function event(id, name, fields)
  local entry = {'at', NOW, 'id', id, 'event', name}
  for k, v in pairs(fields) do
    entry[#entry + 1] = k
    entry[#entry + 1] = tostring(v)
  end
  local key = P .. KEY.events
  local added = redis.pcall('XADD', key, NOW .. '-*', unpack(entry))
  if type(added) == 'table' and added.err then
    local ms = tonumber(NOW)
    local top = redis.call('XREVRANGE', key, '+', '-', 'COUNT', 1)
    if top[1] then
      local top_ms = tonumber(string.match(top[1][1], '^(%d+)'))
      if top_ms > ms then ms = top_ms end
    end
    redis.call('XADD', key, string.format('%d', ms) .. '-*', unpack(entry))
  end
end

-- An accountability record (what a unit did or failed to do) on the event stream:
-- `ledger` '1', counted by the reports. `fields` may be nil.
local function ledger(unit, id, name, fields)
  fields = fields or {}
  fields.unit, fields.ledger = unit or '', '1'
  event(id, name, fields)
end

-- Tells a unit's work queue that something happened to a ticket: an event with `queue`
-- '1'. With `ledger_fields` (a table, may be empty) the same entry is also the
-- accountability record of it (`ledger` '1'), so that a dispatch costs one XADD.
local function tell_unit(dept, id, name, note, ledger_fields)
  local fields = ledger_fields or {}
  fields.unit, fields.queue, fields.note = dept, '1', note or ''
  if ledger_fields then fields.ledger = '1' end
  event(id, name, fields)
end

-- A notice for an audience (supervisors, dispatchers, unit:<code>, ...) on the event
-- stream; `from` names the plugin that sent it (host->notify), or is nil.
local function notice(audience, id, name, note, from)
  event(id, name, {audience = audience, note = note or '', from = from})
end

-- A clock's stages (warning, overdue, reminder, escalationN) are kept as a plan on the
-- ticket (<clock>_plan: "stage|due|audience;..."), with the number of its next stage in
-- the plan (<clock>_next) and its deadline (<clock>_due_ms). hl:due holds one member per
-- ticket, its id, scored by when the soonest next stage of its clocks falls due, or
-- earlier: a clock stopped (unschedule) leaves the score as it is, and due_claim.lua,
-- finding nothing due when it claims the ticket, puts it back at its true time or drops
-- it. There is no index of deadlines: the watch list (ticket_list.lua's due_soon) reads
-- the tickets hl:due holds, whose deadlines within a window all have a stage (overdue,
-- at the deadline) no later than it.

-- Stage n of a plan: its due time (a number), name and audience; nil when the plan has
-- no more.
local function plan_stage(plan, n)
  local k = 0
  for stage, due, audience in string.gmatch(plan or '', '([^|;]+)|([^|;]+)|([^;]*)') do
    k = k + 1
    if k == n then return tonumber(due), stage, audience end
  end
end

-- Removes a ticket's pending stages of one clock (sign, answer, callback), or of all:
-- the clock's fields; its hl:due member stays (see above). A caller that read these
-- fields already (UNSCHEDULE_FIELDS, in that order) passes them as `f`, and a ticket
-- without clocks costs nothing.
local CLOCKS = {'sign', 'answer', 'callback'}
local UNSCHEDULE_FIELDS = {'sign_next', 'answer_next', 'callback_next', 'sign_due_ms',
  'answer_due_ms', 'callback_due_ms', 'sign_status', 'answer_status', 'callback_status'}
local function unschedule(id, clock, f)
  local tkey = k_ticket(id)
  f = f or redis.call('HMGET', tkey, unpack(UNSCHEDULE_FIELDS))
  local was_late = f[7] or f[8] or f[9]
  for i, c in ipairs(CLOCKS) do
    if (not clock or c == clock) and (f[i] or f[i + 3] or f[i + 6]) then
      redis.call('HDEL', tkey, c .. '_next', c .. '_plan', c .. '_due_ms', c .. '_status')
      f[i + 6] = false
    end
  end
  -- off the supervisors' overdue list once no clock of it is late any more
  if was_late and not (f[7] or f[8] or f[9]) then
    redis.call('ZREM', k_index(INDEX.overdue), id)
  end
end

-- Schedules clocks given in ARGV from index i: a count, then per clock its name, its
-- deadline and a count of stages, each stage a name, a due time and an audience.
-- Replaces the clock's earlier stages, unless the caller has unscheduled every clock
-- already (`already_unscheduled`). `fields`: see put. Returns the index after them.
-- The ticket's hl:due member moves to the soonest first stage with one ZADD (LT: never
-- later than a stage of a clock that runs on), or replaces it (`replace`: no clock of
-- the ticket runs on, and the member may be a routing lease, which is later than none
-- of them need be; route_commit.lua).
local function schedule_from(id, i, fields, already_unscheduled, replace)
  local nclocks = tonumber(ARGV[i]); i = i + 1
  local soonest
  for _ = 1, nclocks do
    local clock, deadline, nstages = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
    i = i + 3
    if not already_unscheduled then unschedule(id, clock) end
    local plan = {}
    for s = 1, nstages do
      plan[s] = ARGV[i] .. '|' .. ARGV[i + 1] .. '|' .. ARGV[i + 2]
      i = i + 3
    end
    plan = table.concat(plan, ';')
    put(id, fields, clock .. '_due_ms', deadline, clock .. '_plan', plan)
    local due = plan_stage(plan, 1)
    if due then
      put(id, fields, clock .. '_next', '1')
      if not soonest or due < soonest then soonest = due end
    end
  end
  if soonest and replace then
    redis.call('ZADD', P .. KEY.due, string.format('%d', soonest), id)
  elseif soonest then
    redis.call('ZADD', P .. KEY.due, 'LT', string.format('%d', soonest), id)
  end
  return i
end
