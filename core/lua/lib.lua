-- Shared by the ticket scripts; the build puts it in front of each of them.
-- Every ticket script takes ARGV[1] = key prefix, ARGV[2] = now (ms), ARGV[3] = actor,
-- ARGV[4] = the actor's role. Key names follow core/keys.h.
-- Ticket keys are built here from ids the scripts generate or read, so these scripts
-- need a single Redis (or Sentinel), not Redis Cluster (DESIGN.md section 10).
local P, NOW, ACTOR, ROLE = ARGV[1], ARGV[2], ARGV[3], ARGV[4]

local function k_ticket(id) return P .. 't:' .. id end
local function k_audit(id) return P .. 'audit:' .. id end
local function k_index(name) return P .. 'idx:' .. name end

-- Appends one entry to a ticket's timeline: who did what, from which state to which.
local function audit(id, action, from, to, note)
  return redis.call('XADD', k_audit(id), '*', 'at', NOW, 'actor', ACTOR, 'role', ROLE,
    'action', action, 'from', from or '', 'to', to or '', 'note', note or '')
end

-- Moves a ticket to another state: the field, updated_ms and the state indexes.
local function move_state(id, from, to)
  local created = redis.call('HGET', k_ticket(id), 'created_ms')
  redis.call('HSET', k_ticket(id), 'state', to, 'updated_ms', NOW)
  if from and from ~= '' then redis.call('ZREM', k_index('state:' .. from), id) end
  redis.call('ZADD', k_index('state:' .. to), created, id)
end

-- Tells a unit's work queue (hl:dept:<code>) that something happened to a ticket.
local function tell_unit(dept, id, event, note)
  redis.call('XADD', P .. 'dept:' .. dept, 'MAXLEN', '~', '100000', '*', 'id', id,
    'event', event, 'note', note or '')
end

-- A notice for an audience (supervisors, dispatchers) on hl:notices.
local function notice(audience, id, event, note)
  redis.call('XADD', P .. 'notices', 'MAXLEN', '~', '100000', '*', 'audience', audience,
    'id', id, 'event', event, 'note', note or '', 'at', NOW)
end
