-- Applies a routing result in one step, then acknowledges the routing stream entry:
--  dispatch: state dispatched (派单), the unit set, the ticket on the unit's work queue
--            (an entry of the event stream hl:events, which is also the ledger's
--            record of the dispatch), supervisors told when asked;
--  merge:    state merged (并单) into an open master ticket, both linked and audited, the
--            master's unit told it now answers one more citizen; a master that is no
--            longer open makes it a dispatch instead;
--  manual:   state pending_manual (待人工派单) with the reason.
-- A stale entry (not waiting at this sequence any more) is only acknowledged, so a
-- ticket is never dispatched twice, even when its entry was reclaimed from a dead daemon.
-- Either way the entry is then deleted: the stream holds only tickets waiting to be routed
-- (its XINFO entries-added still counts every one ever queued). A ticket handed off at
-- intake (ticket_create.lua) has no entry (entry ''): its routing lease in hl:due is
-- replaced by the dispatch's first stage, or removed by a merge or manual dispatch.
-- Arguments by name (lib.lua's named_args, from ARGV[5]): mode, id, seq (the routing
-- sequence), entry and group (the stream entry and its consumer group), unit, item (the
-- catalogue item), reason, by (who decided), policy, notify (supervisors: 1/0),
-- merge_into, type (proposed by the catalogue), return_until (end of the return window,
-- ms); after them, the clocks to start (sign, answer), as lib.lua's schedule_from reads
-- them.
-- Returns {outcome, the ticket's fields this step set (flat)}; outcome is dispatched,
-- merged, pending_manual or stale (no fields). The dispatcher holds the rest of the
-- ticket from route_load: the ticket is not read back.
local a, clocks = named_args(5, {'mode', 'id', 'seq', 'entry', 'group', 'unit', 'item',
  'reason', 'by', 'policy', 'notify', 'merge_into', 'type', 'return_until'})
local mode, id, seq, entry, group = a.mode, a.id, a.seq, a.entry, a.group
local dept, item, reason, by = a.unit, a.item, a.reason, a.by
local policy, notify, master, ctype = a.policy, a.notify, a.merge_into, a.type
local return_until = a.return_until
local tkey = k_ticket(id)
-- with what unschedule reads (now[6...]): a first dispatch has no clocks to remove
local now = redis.call('HMGET', tkey, 'state', 'route_seq', 'type', 'created_ms',
  'route_attempts', unpack(UNSCHEDULE_FIELDS))
local clocks_now = {unpack(now, 6, 5 + #UNSCHEDULE_FIELDS)}
-- a first attempt is recorded here (route_load writes only those after a takeover)
local first_attempt = (tonumber(now[5]) or 0) == 0

local function done(outcome, fields)
  if entry ~= '' then
    redis.call('XACK', P .. KEY.intake, group, entry)
    redis.call('XDEL', P .. KEY.intake, entry)
  elseif outcome == 'merged' or outcome == 'pending_manual' then
    redis.call('ZREM', P .. KEY.due, id) -- the lease: no clock runs now
  end
  return {outcome, fields}
end

if now[1] ~= 'received' or now[2] ~= seq then return done('stale', {}) end

if mode == 'merge' then
  local m = redis.call('HMGET', k_ticket(master), 'state', 'department')
  if m[1] and m[1] ~= 'merged' and m[1] ~= 'closed' and m[1] ~= 'resolved' then
    local mkey = k_ticket(master)
    local citizens = (tonumber(redis.call('HGET', mkey, 'citizens')) or 1) + 1
    local merged = redis.call('HGET', mkey, 'merged')
    redis.call('HSET', mkey, 'citizens', citizens,
      'merged', merged and (merged .. ',' .. id) or id, 'updated_ms', NOW)
    local fields = {'master', master, 'item', item, 'routed_by', by, 'route_reason', reason}
    if first_attempt then put(id, fields, 'route_attempts', '1') end
    if m[2] then put(id, fields, 'department', m[2]) end
    move_state(id, 'received', 'merged', now[4], fields)
    audit(id, 'merge', 'received', 'merged', 'into ' .. master .. ': ' .. reason)
    redis.call('HSET', tkey, unpack(fields))
    unschedule(id, nil, clocks_now)
    audit(master, 'merged_in', m[1], m[1], id .. ' merged in; citizens ' .. citizens)
    if m[2] then tell_unit(m[2], master, 'merged', id .. ' merged in; citizens ' .. citizens) end
    return done('merged', fields)
  end
  if dept == '' then mode = 'manual'; reason = 'master ' .. master .. ' is no longer open'
  else mode = 'dispatch'; reason = reason .. ' (master ' .. master .. ' no longer open)' end
end

if mode == 'dispatch' then
  local fields = {'department', dept, 'item', item, 'routed_by', by, 'route_reason', reason,
    'dispatched_ms', NOW}
  if policy ~= '' then put(id, fields, 'sla_policy', policy) end
  if first_attempt then put(id, fields, 'route_attempts', '1') end
  if return_until ~= '' then put(id, fields, 'return_until_ms', return_until) end
  -- every clock at once (from the HMGET above), so that schedule_from need not per clock
  unschedule(id, nil, clocks_now)
  schedule_from(id, clocks, fields, true, true)
  if not now[3] and ctype ~= '' then put(id, fields, 'type', ctype) end
  move_state(id, 'received', 'dispatched', now[4], fields)
  audit(id, 'dispatch', 'received', 'dispatched', dept .. ': ' .. reason .. ' (' .. by .. ')')
  redis.call('HSET', tkey, unpack(fields))
  redis.call('ZADD', k_index(INDEX.dept .. dept), now[4], id)
  tell_unit(dept, id, 'dispatched', reason, {policy = policy})
  if notify == '1' then notice('supervisors', id, 'dispatched', dept .. ': ' .. reason) end
  return done('dispatched', fields)
end

local fields = {'manual_reason', reason}
if first_attempt then put(id, fields, 'route_attempts', '1') end
move_state(id, 'received', 'pending_manual', now[4], fields)
audit(id, 'route_failed', 'received', 'pending_manual', reason)
redis.call('HSET', tkey, unpack(fields))
unschedule(id, nil, clocks_now)
notice('dispatchers', id, 'pending_manual', reason)
return done('pending_manual', fields)
