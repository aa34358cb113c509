-- Takes over the routing work of a daemon that is gone (core/README.md §10), in one step,
-- so that one surviving daemon does it however many notice at once:
--  why 'lapsed': its heartbeat lapsed on Redis's clock (the heartbeat_lapse it declared
--    in its registry entry), and the daemon taking over has itself beaten without a gap
--    for a whole lapse of its own (lua/daemon_heartbeat.lua says why);
--  why 'gone': a daemon starting on the same node found its process gone (a restart).
-- Its handed-off tickets (received, routing sequence 1, their field lh its lease holder
-- tag, ticket_create.lua) have their routing leases made due now: the escalation sweep
-- then puts them on the routing stream as it does a lease run out (due_claim.lua), the
-- one way there is. Its entries pending on the routing stream move to the daemon taking
-- over, marked idle for `idle` ms, so that its takeover scan claims and routes them one
-- at a time (tickets/dispatcher.h: one that kills daemons takes no neighbour with it).
-- Its consumer is deleted, its registry entry removed, and the takeover recorded on the
-- operations stream with who took over and what. routing.reclaim_idle stays the backstop.
-- Leases are looked for among the members of hl:due scored from now to twice the lease
-- time the daemon declared (its reclaim_idle) ahead: a lease is scored at its creation
-- plus that, on the creating daemon's clock, which is kept within it (README).
-- Arguments by name (lib.lua's named_args, from ARGV[5]): target, by (instance ids), why,
-- lapse (ms: the taker's heartbeat_lapse), group (the routing stream's consumer group),
-- idle (ms: the taker's reclaim_idle), lease (ms: when the target declared none).
-- Returns {'taken', leases made due, stream entries moved} | {'none'} (no such entry:
-- taken over by another already, or stopped) | {'alive'} | {'not_eligible'}.
local a = named_args(5, {'target', 'by', 'why', 'lapse', 'group', 'idle', 'lease'})
local daemons = P .. KEY.daemons
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function num(entry, name)
  return entry and tonumber(string.match(entry, '"' .. name .. '":(%d+)'))
end
if a.target == a.by then return {'none'} end
local raw = redis.call('HGET', daemons, a.target)
if not raw then return {'none'} end
if a.why == 'lapsed' then
  local seen, lapse = num(raw, 'seen_ms'), num(raw, 'lapse_ms')
  if not seen or not lapse or now_ms - seen <= lapse then return {'alive'} end
  local mine, my_lapse = redis.call('HGET', daemons, a.by), tonumber(a.lapse)
  local my_seen, my_since = num(mine, 'seen_ms'), num(mine, 'since_ms')
  if not my_since or now_ms - my_seen > my_lapse or now_ms - my_since < my_lapse then
    return {'not_eligible'}
  end
elseif a.why ~= 'gone' then
  return redis.error_reply('ERR daemon_takeover: unknown why ' .. tostring(a.why))
end

local leases, entries = 0, 0
local tag = string.match(raw, '"tag":"([^"]*)"')
if tag and tag ~= '' then
  local ahead = 2 * (num(raw, 'lease_ms') or tonumber(a.lease))
  local due = P .. KEY.due
  local ids = redis.call('ZRANGE', due, '(' .. NOW,
    string.format('%d', tonumber(NOW) + ahead), 'BYSCORE')
  for _, id in ipairs(ids) do
    if string.sub(id, 1, 1) ~= 'C' then -- a supervised case has no lease
      local f = redis.call('HMGET', k_ticket(id), 'state', 'route_seq', 'lh')
      if f[1] == 'received' and f[2] == '1' and f[3] == tag then
        redis.call('ZADD', due, NOW, id)
        leases = leases + 1
      end
    end
  end
end

local intake = P .. KEY.intake
local pending = redis.pcall('XPENDING', intake, a.group, '-', '+', 100000, a.target)
if type(pending) == 'table' and not pending.err then -- no group: nothing pending
  for i = 1, #pending, 500 do
    local claim = {'XCLAIM', intake, a.group, a.by, '0'}
    for k = i, math.min(i + 499, #pending) do claim[#claim + 1] = pending[k][1] end
    claim[#claim + 1] = 'IDLE'
    claim[#claim + 1] = a.idle
    claim[#claim + 1] = 'JUSTID'
    entries = entries + #redis.call(unpack(claim))
  end
  redis.pcall('XGROUP', 'DELCONSUMER', intake, a.group, a.target)
end

redis.call('HDEL', daemons, a.target)
redis.call('XADD', P .. KEY.ops, 'MAXLEN', '~', '10000', '*', 'instance', a.target,
  'event', 'taken_over', 'by', a.by, 'why', a.why, 'leases', tostring(leases),
  'entries', tostring(entries), 'at_ms', string.format('%d', now_ms))
return {'taken', tostring(leases), tostring(entries)}
