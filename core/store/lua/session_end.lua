-- Logout (DELETE /v1/session, people/sessions.c): the session under the SHA-256 of its
-- id is deleted and taken off its account's set. ARGV[1] prefix, [2] now, [3] actor,
-- [4] role, [5] session hash. Returns 1, or 0 when there was no such session.
local P, sid = ARGV[1], ARGV[5]
local k_session = P .. KEY.session .. sid
local login = redis.call('HGET', k_session, 'login')
if not login then return 0 end
redis.call('DEL', k_session)
redis.call('SREM', P .. KEY.user_sessions .. login, sid)
return 1
