-- store-floor (contrib/bench/store_floor.sh): a ticket created and dispatched in one script.
-- routed at intake: the ticket created and dispatched in one step, no routing stream
local id = ARGV[1] .. '-' .. redis.call('INCR', 'seq:d')
redis.call('HSET', 't:' .. id, 'id', id, 'state', 'dispatched', 'created_ms', ARGV[2],
  'updated_ms', ARGV[2], 'created_by', 'agent', 'channel', 'hotline', 'title', ARGV[3],
  'content', ARGV[4], 'address', ARGV[5], 'caller_phone', ARGV[6], 'route_seq', '1',
  'department', 'water', 'item', 'water.outage', 'routed_by', 'keyword', 'route_reason', ARGV[8],
  'dispatched_ms', ARGV[2], 'sla_policy', 'default', 'sign_due_ms', ARGV[2], 'sign_plan', ARGV[9],
  'sign_next', '1', 'answer_due_ms', ARGV[2], 'answer_plan', ARGV[9], 'answer_next', '1',
  'route_attempts', '1')
redis.call('APPEND', 'log:' .. id, ARGV[7] .. ARGV[7])
redis.call('ZADD', 'idx:state:dispatched', ARGV[2], id)
redis.call('ZADD', 'idx:phone:' .. ARGV[6], ARGV[2], id)
redis.call('ZADD', 'idx:addr:' .. ARGV[5], ARGV[2], id)
redis.call('ZADD', 'idx:dept:water', ARGV[2], id)
redis.call('ZADD', 'due', 'LT', ARGV[2], id)
redis.call('SET', 'idem:' .. ARGV[1], id .. ' 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'PX', 86400000)
redis.call('XADD', 'events', '*', 'at', ARGV[2], 'id', id, 'event', 'dispatched', 'unit', 'water', 'queue', '1', 'ledger', '1', 'note', ARGV[8], 'policy', 'default')
return id
