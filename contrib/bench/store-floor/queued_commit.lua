-- store-floor (contrib/bench/store_floor.sh): a queued ticket's dispatch, the least it can write.
-- the least a dispatch can write: check, fields + clock plans, state indexes, one due
-- member, the unit's index, timeline entry, one event, the stream entry done
local id = ARGV[1]
local t = redis.call('HMGET', 't:' .. id, 'state', 'route_seq')
redis.call('HSET', 't:' .. id, 'state', 'dispatched', 'updated_ms', ARGV[2], 'department', 'water',
  'item', 'water.outage', 'routed_by', 'keyword', 'route_reason', ARGV[3], 'dispatched_ms', ARGV[2],
  'sla_policy', 'default', 'sign_due_ms', ARGV[2], 'sign_plan', ARGV[4], 'sign_next', '1',
  'answer_due_ms', ARGV[2], 'answer_plan', ARGV[4], 'answer_next', '1', 'route_attempts', '1')
redis.call('ZREM', 'idx:state:received', id)
redis.call('ZADD', 'idx:state:dispatched', ARGV[2], id)
redis.call('ZADD', 'due', 'LT', ARGV[2], id)
redis.call('ZADD', 'idx:dept:water', ARGV[2], id)
redis.call('APPEND', 'log:' .. id, ARGV[5])
redis.call('XADD', 'events', '*', 'at', ARGV[2], 'id', id, 'event', 'dispatched', 'unit', 'water', 'queue', '1', 'ledger', '1', 'note', ARGV[3], 'policy', 'default')
redis.call('XACK', 'intake', 'g', '0-1')
redis.call('XDEL', 'intake', '0-1')
return 1
