-- Records a hotlined process in the shared registry and on the operations stream in one
-- step, so that operators can see which daemons share this Redis and which
-- configuration generation each one runs (redis-cli HGETALL hl:daemons; XRANGE hl:ops).
-- KEYS[1]  the daemons hash           KEYS[2]  the operations stream
-- ARGV[1]  instance id (host:pid:start_ms)
-- ARGV[2]  event: connected | reloaded | stopped
-- ARGV[3]  configuration generation   ARGV[4]  pid
-- ARGV[5]  configuration file         ARGV[6]  hotlined version
-- Returns the operations stream entry id.
local event = ARGV[2]
if event ~= 'connected' and event ~= 'reloaded' and event ~= 'stopped' then
  return redis.error_reply('ERR daemon_register: unknown event ' .. tostring(event))
end
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if event == 'stopped' then
  redis.call('HDEL', KEYS[1], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], cjson.encode({
    generation = tonumber(ARGV[3]), pid = tonumber(ARGV[4]), config = ARGV[5],
    version = ARGV[6], seen_ms = now_ms }))
end
return redis.call('XADD', KEYS[2], 'MAXLEN', '~', '10000', '*',
  'instance', ARGV[1], 'event', event, 'generation', ARGV[3], 'at_ms', tostring(now_ms))
