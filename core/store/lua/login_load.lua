-- A login's first step, or a password change's (people/sessions.c): is the account or the
-- client address over its limit, and if not, this attempt counted against both (each key
-- living for the window from its first attempt) and the account's password hash and
-- flags. The attempt counts before its password is checked, not once it has failed: else
-- attempts sent at once would all pass the limit before the first failure was counted.
-- login_ok.lua takes back an attempt that succeeds. ARGV[1] prefix, [2] now (ms),
-- [3] actor, [4] role (unused), [5] login, [6] client address, [7] attempts allowed per
-- account, [8] per address, [9] the window (ms).
-- Returns {'limited', ms to wait} or {'ok', hash, disabled, must_change, display_name,
-- role}, '' for what an unknown login lacks.
local P, login, addr, window = ARGV[1], ARGV[5], ARGV[6], ARGV[9]
local per_account, per_address = tonumber(ARGV[7]), tonumber(ARGV[8])
local k_account = P .. KEY.login_rate .. 'acct:' .. login
local k_address = P .. KEY.login_rate .. 'ip:' .. addr

local function wait_ms(key, limit)
  local n = tonumber(redis.call('GET', key) or '0')
  if n < limit then return 0 end
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then ttl = 1000 end
  return ttl
end

local wait = math.max(wait_ms(k_account, per_account), wait_ms(k_address, per_address))
if wait > 0 then return {'limited', tostring(wait)} end
for _, key in ipairs({k_account, k_address}) do
  redis.call('INCR', key)
  if redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, window) end
end
local a = redis.call('HMGET', P .. KEY.user .. login, 'hash', 'disabled', 'must_change',
                     'display_name', 'role')
return {'ok', a[1] or '', a[2] or '0', a[3] or '0', a[4] or '', a[5] or ''}
