-- store-floor (contrib/bench/store_floor.sh): a queued ticket's intake, the least it can write.
-- the least a queued intake can write: id, ticket hash, timeline entry, 3 indexes,
-- idempotency key, routing stream entry
local id = ARGV[1] .. '-' .. redis.call('INCR', 'seq:d')
redis.call('HSET', 't:' .. id, 'id', id, 'state', 'received', 'created_ms', ARGV[2],
  'updated_ms', ARGV[2], 'created_by', 'agent', 'channel', 'hotline', 'title', ARGV[3],
  'content', ARGV[4], 'address', ARGV[5], 'caller_phone', ARGV[6], 'route_seq', '1')
redis.call('APPEND', 'log:' .. id, ARGV[7])
redis.call('ZADD', 'idx:state:received', ARGV[2], id)
redis.call('ZADD', 'idx:phone:' .. ARGV[6], ARGV[2], id)
redis.call('ZADD', 'idx:addr:' .. ARGV[5], ARGV[2], id)
redis.call('SET', 'idem:' .. ARGV[1], id .. ' 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'PX', 86400000)
redis.call('XADD', 'intake', '*', 'id', id, 'seq', '1')
return id
