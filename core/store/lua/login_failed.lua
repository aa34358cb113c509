-- A failed login (people/sessions.c): one more failure for the login and for the client
-- address, each key living for the window from its first failure. ARGV[1] prefix,
-- [2] now, [3] actor, [4] role, [5] login, [6] client address, [7] the window (ms).
local P, login, addr, window = ARGV[1], ARGV[5], ARGV[6], ARGV[7]

for _, key in ipairs({P .. KEY.login_rate .. 'acct:' .. login,
                      P .. KEY.login_rate .. 'ip:' .. addr}) do
  redis.call('INCR', key)
  if redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, window) end
end
return 1
