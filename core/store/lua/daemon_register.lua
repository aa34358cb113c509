-- Records a hotlined process in the shared registry and on the operations stream in one
-- step, so that operators can see which daemons share this Redis and which
-- configuration generation each one runs (redis-cli HGETALL hl:daemons; XRANGE hl:ops),
-- and so that the daemons can tell when one of them is gone (core/README.md §10: the
-- entry's seen_ms, refreshed by lua/daemon_heartbeat.lua, and lua/daemon_takeover.lua).
-- KEYS[1]  the daemons hash           KEYS[2]  the operations stream
-- KEYS[3]  the counter of lease holder tags (daemon-tags)
-- ARGV[1]  instance id (host:pid:start_ms)
-- ARGV[2]  event: connected | reloaded | rejoined (its entry was gone) | stopped
-- ARGV[3]  configuration generation   ARGV[4]  pid
-- ARGV[5]  configuration file         ARGV[6]  hotlined version
-- ARGV[7]  node: where its pid means something (host, boot, pid namespace), '' unknown
-- ARGV[8]  heartbeat_lapse (ms)       ARGV[9]  reclaim_idle (ms: how far ahead its leases run)
-- ARGV[10] its lease holder tag, '' for a new one: the short name its handed-off tickets
--          carry (field lh, ticket_create.lua), a number in base 36 from the counter,
--          kept for the process's life (a reconnect or reload keeps it)
-- The entry: JSON of seen_ms (Redis's clock), since_ms (when its heartbeats began without
-- a gap) and lapse_ms, first and in this order (lua/daemon_heartbeat.lua relies on it),
-- then generation, pid, config, version, node, tag, lease_ms.
-- Returns the operations stream entry id when stopped; else {that id, the tag, then the
-- instance id and pid of every other entry on the same node} (connected only: a daemon
-- that started looks there for a predecessor whose process is gone).
local event = ARGV[2]
if event ~= 'connected' and event ~= 'reloaded' and event ~= 'rejoined' and
    event ~= 'stopped' then
  return redis.error_reply('ERR daemon_register: unknown event ' .. tostring(event))
end
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function ops()
  return redis.call('XADD', KEYS[2], 'MAXLEN', '~', '10000', '*',
    'instance', ARGV[1], 'event', event, 'generation', ARGV[3], 'at_ms',
    string.format('%d', now_ms))
end
if event == 'stopped' then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return ops()
end

local node, lapse, tag = ARGV[7], tonumber(ARGV[8]), ARGV[10]
local since = now_ms
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old then
  local ok, o = pcall(cjson.decode, old)
  if ok and type(o) == 'table' then
    -- a (re)connect is a gap: its beating starts again (daemon_heartbeat.lua)
    if event ~= 'connected' and o.since_ms and o.seen_ms and now_ms - o.seen_ms <= lapse then
      since = o.since_ms
    end
    if tag == '' and type(o.tag) == 'string' then tag = o.tag end
  end
end
if tag == '' then
  local n, digits = redis.call('INCR', KEYS[3]), ''
  repeat
    local d = n % 36
    digits = string.sub('0123456789abcdefghijklmnopqrstuvwxyz', d + 1, d + 1) .. digits
    n = math.floor(n / 36)
  until n == 0
  tag = digits
else -- a store that lost the counter (restarted empty) must not hand this tag out again
  local n = tonumber(tag, 36)
  if n and n > (tonumber(redis.call('GET', KEYS[3])) or 0) then
    redis.call('SET', KEYS[3], n)
  end
end
-- seen_ms, since_ms and lapse_ms first, in this order, so that the heartbeat reads and
-- rewrites them with one anchored match and no JSON decoding
local rest = cjson.encode({
  generation = tonumber(ARGV[3]), pid = tonumber(ARGV[4]), config = ARGV[5],
  version = ARGV[6], node = node, tag = tag, lease_ms = tonumber(ARGV[9]) })
redis.call('HSET', KEYS[1], ARGV[1], string.format('{"seen_ms":%d,"since_ms":%d,"lapse_ms":%d,',
  now_ms, since, lapse) .. string.sub(rest, 2))
local out = {ops(), tag}
if event == 'connected' and node ~= '' then
  local all = redis.call('HGETALL', KEYS[1])
  for i = 1, #all, 2 do
    if all[i] ~= ARGV[1] then
      local ok, o = pcall(cjson.decode, all[i + 1])
      if ok and type(o) == 'table' and o.node == node and tonumber(o.pid) then
        out[#out + 1] = all[i]
        out[#out + 1] = string.format('%d', o.pid)
      end
    end
  end
end
return out
