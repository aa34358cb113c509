-- Ends an outbox job (outbox.h): acknowledged and deleted in one step.
-- KEYS[1]  the outbox stream (hl:outbox:<plugin name>)
-- ARGV[1]  its consumer group   ARGV[2]  the job's entry id
-- Returns the number of entries deleted: 0 when the job was gone already.
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
return redis.call('XDEL', KEYS[1], ARGV[2])
