-- A request's session (people/session_gate.c, GET /v1/session): the session under the
-- SHA-256 of its id, if it lives, with its account; its idle expiry starts again (never
-- past the absolute one). A session past its absolute expiry, or of an account disabled
-- or removed, is deleted. ARGV[1] prefix, [2] now, [3] actor, [4] role, [5] session
-- hash, [6] idle (ms). Returns {login, csrf, display_name, role, must_change}, or false.
local P, NOW, sid, idle = ARGV[1], tonumber(ARGV[2]), ARGV[5], tonumber(ARGV[6])
local k_session = P .. KEY.session .. sid
local s = redis.call('HMGET', k_session, 'login', 'csrf', 'ends_ms')
if not s[1] then return false end
local login, ends = s[1], tonumber(s[3] or '0')
local a = redis.call('HMGET', P .. KEY.user .. login, 'display_name', 'role', 'disabled',
                     'must_change')
if NOW >= ends or not a[2] or a[3] == '1' then
  redis.call('DEL', k_session)
  redis.call('SREM', P .. KEY.user_sessions .. login, sid)
  return false
end
redis.call('PEXPIRE', k_session, math.min(idle, ends - NOW))
return {login, s[2] or '', a[1] or '', a[2], a[4] or '0'}
