-- The lease on one plugin's outbox (outbox.h): the daemon holding it is the only one
-- reading the stream, so that jobs are handed over in the order they were put, by one
-- daemon at a time. A holder that dies loses it when the time to live runs out.
-- KEYS[1]  the lease key (hl:outbox-lease:<plugin name>)
-- ARGV[1]  instance id of the daemon asking
-- ARGV[2]  time to live in milliseconds
-- ARGV[3]  hold | release
-- Returns 0: not held by the asker (another daemon holds it, or it was released);
-- 1: held and extended; 2: newly taken (the new holder first takes over every job the
-- stream has pending, then reads new ones).
local holder = redis.call('GET', KEYS[1])
if ARGV[3] == 'release' then
  if holder == ARGV[1] then redis.call('DEL', KEYS[1]) end
  return 0
end
if ARGV[3] ~= 'hold' then
  return redis.error_reply('ERR outbox_lease: unknown mode ' .. tostring(ARGV[3]))
end
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if holder then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 2
