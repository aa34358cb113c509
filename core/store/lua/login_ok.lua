-- A login that succeeded, or a password change whose old password matched
-- (people/sessions.c): the attempt login_load.lua counted no longer counts. The
-- account's failures are forgiven; the client address gets its one attempt back (an
-- office behind one address is limited by its failures, not its logins). ARGV[1] prefix,
-- [2] now, [3] actor, [4] role, [5] login, [6] client address. Returns 1.
local P, login, addr = ARGV[1], ARGV[5], ARGV[6]
local k_address = P .. KEY.login_rate .. 'ip:' .. addr

redis.call('DEL', P .. KEY.login_rate .. 'acct:' .. login)
if redis.call('EXISTS', k_address) == 1 and redis.call('DECR', k_address) <= 0 then
  redis.call('DEL', k_address)
end
return 1
