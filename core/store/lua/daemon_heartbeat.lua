-- A daemon's heartbeat (routing.heartbeat, core/README.md §10): refreshes seen_ms in its
-- registry entry on Redis's clock, and answers which other daemons' heartbeats have
-- lapsed (not refreshed for the heartbeat_lapse each declared; an entry that declares
-- none, a daemon of an older hotlined, never lapses). It answers them only once this
-- daemon has itself beaten without a gap since its last (re)connect for a whole lapse of
-- its own and its longest reconnect delay (ARGV[3], since_ms): after a Redis restart, a
-- failover or a stall of this daemon, everyone's seen_ms is old, and the others are given
-- their backoff and a lapse to beat again before anyone is judged.
-- Plain string work on the entry, no JSON decoding: this runs every second per daemon, and
-- daemon_register.lua writes seen_ms, since_ms and lapse_ms first for it.
-- KEYS[1]  the daemons hash
-- ARGV[1]  instance id                ARGV[2]  its heartbeat_lapse (ms)
-- ARGV[3]  how long it must have beaten before it judges (ms: lapse + reconnect_max)
-- Returns {'missing'} when its entry is gone (taken over while it stalled, or a store
-- that lost it: it registers again), else {'ok', instance id of each lapsed daemon ...}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lapse = tonumber(ARGV[2])
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return {'missing'} end
local seen, since, rest = string.match(raw, '^{"seen_ms":(%d+),"since_ms":(%d+)()')
if not seen then return {'missing'} end -- not written by this hotlined: register again
since = tonumber(since)
if now - tonumber(seen) > lapse then since = now end -- a gap: its own beating starts again
redis.call('HSET', KEYS[1], ARGV[1],
  string.format('{"seen_ms":%d,"since_ms":%d', now, since) .. string.sub(raw, rest))
local out = {'ok'}
if now - since >= tonumber(ARGV[3]) then
  local all = redis.call('HGETALL', KEYS[1])
  for i = 1, #all, 2 do
    if all[i] ~= ARGV[1] then
      local s, l = string.match(all[i + 1], '^{"seen_ms":(%d+),"since_ms":%d+,"lapse_ms":(%d+)')
      if s and now - tonumber(s) > tonumber(l) then out[#out + 1] = all[i] end
    end
  end
end
return out
