-- A login's first step (people/sessions.c): is the account or the client address over
-- its failure limit, and if not, the account's password hash and flags. Nothing is
-- written. ARGV[1] prefix, [2] now (ms), [3] actor, [4] role (unused), [5] login,
-- [6] client address, [7] failures allowed per account, [8] per address.
-- Returns {'limited', ms to wait} or {'ok', hash, disabled, must_change, display_name,
-- role}, '' for what an unknown login lacks.
local P, login, addr = ARGV[1], ARGV[5], ARGV[6]
local per_account, per_address = tonumber(ARGV[7]), tonumber(ARGV[8])

local function wait_ms(key, limit)
  local n = tonumber(redis.call('GET', key) or '0')
  if n < limit then return 0 end
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then ttl = 1000 end
  return ttl
end

local wait = math.max(wait_ms(P .. KEY.login_rate .. 'acct:' .. login, per_account),
                      wait_ms(P .. KEY.login_rate .. 'ip:' .. addr, per_address))
if wait > 0 then return {'limited', tostring(wait)} end
local a = redis.call('HMGET', P .. KEY.user .. login, 'hash', 'disabled', 'must_change',
                     'display_name', 'role')
return {'ok', a[1] or '', a[2] or '0', a[3] or '0', a[4] or '', a[5] or ''}
